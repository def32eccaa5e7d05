/**
 * Generations: every generation (for pickers and the quick switcher), the
 * summary of the selected project, and the detail of the open generation page.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Generation } from '../../../src-shared/domain/types'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { GenerationDetail, ProjectSummary } from '../../../src-shared/api/views'
import { api } from '../api/client'
import { useTrashStore } from './trash'

export const useGenerationsStore = defineStore('generations', () => {
  // Read models are replaced whole, never edited: shallow refs spare Vue deep proxies of large views.
  const all = shallowRef<Generation[]>([])
  const summary = shallowRef<ProjectSummary | null>(null)
  const detail = shallowRef<GenerationDetail | null>(null)
  const detailId = ref<number | null>(null)
  const trash = useTrashStore()

  function byId(id: number | null | undefined): Generation | undefined {
    return id == null ? undefined : all.value.find((g) => g.id === id)
  }

  function ofProject(projectId: number | null | undefined): Generation[] {
    return all.value.filter((g) => g.projectId === projectId)
  }

  async function loadAll() {
    all.value = await api['generations.listAll']({})
  }

  async function loadSummary(projectId: number) {
    summary.value = await api['projects.summary']({ projectId })
  }

  async function loadDetail(id: number) {
    detailId.value = id
    const loaded = await api['generations.get']({ id })
    // A slower answer for a generation the user has left must not replace the current one.
    if (detailId.value === id) detail.value = loaded
  }

  /** Reloads whatever shows generation `id` after one of its records changed. */
  async function changed(id: number) {
    const tasks: Promise<unknown>[] = []
    if (detailId.value === id) tasks.push(loadDetail(id))
    const g = byId(id)
    if (summary.value && g && summary.value.project.id === g.projectId) tasks.push(loadSummary(g.projectId))
    await Promise.all(tasks)
  }

  async function create(input: ApiInput<'generations.create'>) {
    const generation = await api['generations.create'](input)
    await Promise.all([loadAll(), loadSummary(generation.projectId)])
    return generation
  }

  async function update(input: ApiInput<'generations.update'>) {
    const generation = await api['generations.update'](input)
    await loadAll()
    await changed(generation.id)
    if (summary.value?.project.id === generation.projectId) await loadSummary(generation.projectId)
    return generation
  }

  /** Deletes a generation (to the trash); the notice's Undo restores it with all its records. */
  async function remove(id: number) {
    const projectId = byId(id)?.projectId ?? detail.value?.summary.generation.projectId
    const entry = await api['generations.delete']({ id })
    const reload = async () => {
      await loadAll()
      if (projectId != null && summary.value?.project.id === projectId) await loadSummary(projectId)
    }
    await reload()
    trash.announce(entry, async () => {
      await reload()
      if (detailId.value === id) await loadDetail(id)
    })
    return entry
  }

  return {
    all,
    summary,
    detail,
    detailId,
    byId,
    ofProject,
    loadAll,
    loadSummary,
    loadDetail,
    changed,
    create,
    update,
    remove,
  }
})
