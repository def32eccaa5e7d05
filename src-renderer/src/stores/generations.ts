/** Generations of the selected project, and the timeline across projects. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Generation } from '../../../src-shared/domain/types'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { TimelineView } from '../../../src-shared/api/views'
import { api } from '../api/client'

export const useGenerationsStore = defineStore('generations', () => {
  const projectId = ref<number | null>(null)
  const list = ref<Generation[]>([])
  const timeline = ref<TimelineView | null>(null)

  async function load(id: number) {
    projectId.value = id
    list.value = await api['generations.list']({ projectId: id })
  }

  async function create(input: ApiInput<'generations.create'>) {
    const generation = await api['generations.create'](input)
    await load(input.projectId)
    return generation
  }

  async function loadTimeline() {
    timeline.value = await api['timeline.get']({})
  }

  return { projectId, list, timeline, load, create, loadTimeline }
})
