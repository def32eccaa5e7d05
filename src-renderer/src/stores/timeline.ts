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

  return { view, projectIds, loading, load }
})
