/** Projects: the list, create/rename/archive, and delete with undo (the trash). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Project } from '../../../src-shared/domain/types'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useAppStore } from './app'

export const useProjectsStore = defineStore('projects', () => {
  const list = ref<Project[]>([])
  const trash = ref<Project[]>([])
  const loaded = ref(false)
  const app = useAppStore()

  async function refresh() {
    list.value = await api['projects.list']({ includeArchived: true })
    trash.value = await api['projects.trash']({})
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

  async function remove(id: number) {
    const project = await api['projects.delete']({ id })
    await refresh()
    app.notify(`Moved "${project.name}" to the trash`, 'info', async () => {
      await restore(id)
    })
  }

  async function restore(id: number) {
    const project = await api['projects.restore']({ id })
    await refresh()
    app.notify(`Restored "${project.name}"`)
  }

  async function emptyTrash() {
    const { removed } = await api['projects.emptyTrash']({})
    await refresh()
    app.notify(`Deleted ${removed} project(s) for good`)
  }

  async function loadSample() {
    const result = await api['sample.load']({})
    await refresh()
    return result
  }

  return { list, trash, loaded, refresh, create, update, remove, restore, emptyTrash, loadSample }
})
