/** Time to deployment across generations and projects, with forecasts and pipeline phases. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { TimelineView } from '../../../src-shared/api/views'
import { api } from '../api/client'

export const useTimelineStore = defineStore('timeline', () => {
  // Read models are replaced whole, never edited: shallow refs spare Vue deep proxies of large views.
  const view = shallowRef<TimelineView | null>(null)
  /** Projects shown; empty = all. */
  const projectIds = ref<number[]>([])
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      view.value = await api['timeline.get'](projectIds.value.length ? { projectIds: projectIds.value } : {})
    } finally {
      loading.value = false
    }
  }

  /**
   * Shows or hides one project. `allIds` are the projects there are; an empty
   * selection means all of them, and the last project shown cannot be hidden.
   */
  function toggleProject(id: number, allIds: number[]): boolean {
    const shown = projectIds.value.length ? projectIds.value : allIds
    const next = shown.includes(id) ? shown.filter((x) => x !== id) : [...shown, id]
    if (next.length === 0) return false
    projectIds.value = allIds.every((x) => next.includes(x)) ? [] : allIds.filter((x) => next.includes(x))
    return true
  }

  function showAll() {
    projectIds.value = []
  }

  return { view, projectIds, loading, load, toggleProject, showAll }
})
