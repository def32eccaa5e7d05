/** Projects: the list, create/rename/archive, and delete with undo (the projects' trash). */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Project } from '../../../src-shared/domain/types'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useAppStore } from './app'

export const useProjectsStore = defineStore('projects', () => {
  const list = ref<Project[]>([])
  const trash = ref<Project[]>([])
  const loaded = ref(false)
  const app = useAppStore()

  const active = computed(() => list.value.filter((p) => !p.archivedAt))
  const archived = computed(() => list.value.filter((p) => p.archivedAt))

  function byId(id: number | null | undefined): Project | undefined {
    return id == null ? undefined : list.value.find((p) => p.id === id)
  }

  /** The project the Projects page shows: the route's, else the first active, else the first archived. */
  function shownId(routeProjectId: number | null | undefined): number | null {
    if (routeProjectId && byId(routeProjectId)) return routeProjectId
    return active.value[0]?.id ?? archived.value[0]?.id ?? null
  }

  async function refresh() {
    const [projects, trashed] = await Promise.all([
      api['projects.list']({ includeArchived: true }),
      api['projects.trash']({}),
    ])
    list.value = projects
    trash.value = trashed
    loaded.value = true
  }

  async function create(input: ApiInput<'projects.create'>) {
    const project = await api['projects.create'](input)
    await refresh()
    return project
  }

  async function update(input: ApiInput<'projects.update'>) {
    const project = await api['projects.update'](input)
    await refresh()
    return project
  }

  async function setArchived(id: number, archived: boolean) {
    const project = await update({ id, archived })
    app.notify(archived ? `Archived "${project.name}"` : `"${project.name}" is active again`, 'info', async () => {
      await update({ id, archived: !archived })
    })
    return project
  }

  /** Moves a project to the trash; the notice's Undo restores it. */
  async function remove(id: number) {
    const project = await api['projects.delete']({ id })
    await refresh()
    app.notify(`Moved "${project.name}" to the trash`, 'info', async () => {
      await restore(id)
    })
    return project
  }

  async function restore(id: number) {
    const project = await api['projects.restore']({ id })
    await refresh()
    app.notify(`Restored "${project.name}"`)
    return project
  }

  async function emptyTrash() {
    const { removed } = await api['projects.emptyTrash']({})
    await refresh()
    app.notify(`Deleted ${removed} project${removed === 1 ? '' : 's'} for good`)
  }

  async function loadSample() {
    const result = await api['sample.load']({})
    await refresh()
    await app.loadInfo()
    return result
  }

  return {
    list,
    trash,
    loaded,
    active,
    archived,
    byId,
    shownId,
    refresh,
    create,
    update,
    setArchived,
    remove,
    restore,
    emptyTrash,
    loadSample,
  }
})
