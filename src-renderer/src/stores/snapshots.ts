/**
 * The database's rolling snapshots (one a day while the app is open, the last 7 kept).
 * A restore first snapshots the current data ('before-restore'): restoring that undoes it.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SnapshotInfo } from '../../../src-shared/api/views'
import { api } from '../api/client'

export const useSnapshotsStore = defineStore('snapshots', () => {
  const list = ref<SnapshotInfo[]>([])

  async function refresh() {
    list.value = await api['snapshots.list']({})
  }

  async function take() {
    await api['snapshots.take']({})
    await refresh()
  }

  /** Replaces all data with the snapshot's, then reloads the window so every view shows it. */
  async function restore(name: string) {
    const r = await api['snapshots.restore']({ name })
    window.location.reload()
    return r
  }

  return { list, refresh, take, restore }
})
