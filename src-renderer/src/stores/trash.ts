/**
 * The trash: every delete returns a TrashEntry, and its undo puts the rows back
 * (`trash.restore`). Deleted projects have their own trash (projects store); emptying
 * the trash empties both, with progress (`trash.empty` reports it).
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TrashEntry } from '../../../src-shared/api/views'
import { api, callLong } from '../api/client'
import { useAppStore } from './app'
import { useProjectsStore } from './projects'

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

  /** Progress in [0, 1] while the trash is being emptied; null otherwise. */
  const emptying = ref<number | null>(null)

  /**
   * Deletes everything in the trash for good: the entries (marked generations in
   * chunks, with progress), then the deleted projects. Returns how many items went.
   */
  async function emptyAll(): Promise<number> {
    const projects = useProjectsStore()
    const withProjects = projects.trash.length > 0
    // With projects to delete too, the entries take the first half of the bar.
    const share = withProjects ? 0.5 : 1
    emptying.value = 0
    try {
      const { removed } = await callLong(
        'trash.empty',
        {},
        {
          onProgress: (fraction) => (emptying.value = fraction * share),
        },
      )
      let projectsRemoved = 0
      if (withProjects) {
        const result = await callLong(
          'projects.emptyTrash',
          {},
          {
            onProgress: (fraction) => (emptying.value = share + fraction * (1 - share)),
          },
        )
        projectsRemoved = result.removed
      }
      emptying.value = 1
      await Promise.all([refresh(), projects.refresh()])
      return removed + projectsRemoved
    } finally {
      emptying.value = null
    }
  }

  return { entries, emptying, refresh, restore, announce, emptyAll }
})
