/** Generations side by side (from any projects): every tax, deltas, benchmarks. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { CompareView } from '../../../src-shared/api/views'
import { api } from '../api/client'

export const MAX_COMPARED = 12

export const useCompareStore = defineStore('compare', () => {
  const selected = ref<number[]>([])
  // Read models are replaced whole, never edited: shallow refs spare Vue deep proxies of large views.
  const view = shallowRef<CompareView | null>(null)
  const differencesOnly = ref(false)
  const loading = ref(false)

  function toggle(id: number) {
    selected.value = selected.value.includes(id)
      ? selected.value.filter((x) => x !== id)
      : selected.value.length < MAX_COMPARED
        ? [...selected.value, id]
        : selected.value
  }

  async function load(ids: number[] = selected.value) {
    selected.value = [...ids]
    if (ids.length < 2) {
      view.value = null
      return
    }
    loading.value = true
    try {
      const loaded = await api['compare.get']({ generationIds: ids })
      if (selected.value.join() === ids.join()) view.value = loaded
    } finally {
      loading.value = false
    }
  }

  return { selected, view, differencesOnly, loading, toggle, load }
})
