/**
 * The trash: every delete returns a TrashEntry, and its undo puts the rows back
 * (`trash.restore`). Deleted projects have their own trash (projects store).
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TrashEntry } from '../../../src-shared/api/views'
import { api } from '../api/client'
import { useAppStore } from './app'

export const useTrashStore = defineStore('trash', () => {
  const entries = ref<TrashEntry[]>([])
  const app = useAppStore()

  async function refresh() {
    entries.value = await api['trash.list']({})
  }

  async function restore(id: number) {
    const { restored } = await api['trash.restore']({ id })
    entries.value = entries.value.filter((e) => e.id !== id)
    return restored
  }

  /**
   * Announces a deletion with an Undo button; `afterRestore` reloads what shows it.
   * Returns the entry so callers can chain.
   */
  function announce(entry: TrashEntry, afterRestore: () => Promise<void>): TrashEntry {
    app.notify(`Deleted ${entry.label}`, 'info', async () => {
      const restored = await restore(entry.id)
      await afterRestore()
      app.notify(`Restored ${restored}`)
    })
    return entry
  }

  return { entries, refresh, restore, announce }
})
