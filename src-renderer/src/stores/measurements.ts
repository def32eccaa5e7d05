/**
 * Benchmark measurements of a generation: record, edit, delete with undo, and the
 * regression table of the open generation, which the server filters and pages (a
 * generation can hold a million measurements: never ask for them all).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { MeasurementsPage } from '../../../src-shared/api/views'
import { api } from '../api/client'
import { PAGE_SIZE } from '../logic/pagination'
import { useGenerationsStore } from './generations'
import { useTrashStore } from './trash'

/** How long the filter waits for the user to stop typing before it asks the server. */
export const FILTER_DELAY_MS = 200

export const useMeasurementsStore = defineStore('measurements', () => {
  const generations = useGenerationsStore()
  const trash = useTrashStore()

  /** The generation whose table is shown, the filter as typed, and the page on screen. */
  const tableGenerationId = ref<number | null>(null)
  const filter = ref('')
  const page = shallowRef<MeasurementsPage | null>(null)
  /** Groups whose subtasks the table shows; every group starts collapsed to its aggregate row. */
  const expanded = ref<string[]>([])
  let appliedFilter = ''
  let latestRequest = 0
  let filterTimer: ReturnType<typeof setTimeout> | undefined
  let settleFilter: (() => void) | undefined

  /** Loads the page starting at row `offset`; a slower answer to an earlier request is dropped. */
  async function loadPage(offset: number): Promise<void> {
    const generationId = tableGenerationId.value
    if (generationId == null) return
    const request = ++latestRequest
    const query = {
      generationId,
      offset,
      limit: PAGE_SIZE,
      filter: appliedFilter || undefined,
      expanded: [...expanded.value],
    }
    let loaded = await api['measurements.page'](query)
    // After a delete the page may be past the end: show the last page there is.
    if (loaded.rows.length === 0 && loaded.total > 0 && offset > 0) {
      const last = Math.floor((loaded.total - 1) / PAGE_SIZE) * PAGE_SIZE
      loaded = await api['measurements.page']({ ...query, offset: last })
    }
    if (request === latestRequest) page.value = loaded
  }

  /** Shows the first page of a generation's table, unfiltered. */
  async function openTable(generationId: number) {
    cancelFilter()
    tableGenerationId.value = generationId
    filter.value = ''
    appliedFilter = ''
    expanded.value = []
    page.value = null
    await loadPage(0)
  }

  /** Shows or hides a group's subtasks, staying on the page on screen. */
  function toggleGroup(group: string) {
    expanded.value = expanded.value.includes(group)
      ? expanded.value.filter((g) => g !== group)
      : [...expanded.value, group]
    return loadPage(page.value?.offset ?? 0)
  }

  /** Chooses the metric a benchmark counts by in the headline (null: back to the documented rule). */
  async function setHeadlineMetric(generationId: number, benchmark: string, metric: string | null) {
    const choice = await api['performance.setHeadlineMetric']({ generationId, benchmark, metric })
    await changed(generationId)
    return choice
  }

  function goToPage(index: number) {
    return loadPage(Math.max(0, index) * PAGE_SIZE)
  }

  /** Reloads the page on screen if it shows generation `generationId` (after a change to its measurements). */
  async function refresh(generationId: number) {
    if (tableGenerationId.value === generationId) await loadPage(page.value?.offset ?? 0)
  }

  function cancelFilter() {
    clearTimeout(filterTimer)
    settleFilter?.()
    settleFilter = undefined
  }

  /**
   * Filters by benchmark or metric as the user types: the server is asked once typing
   * pauses. Resolves when that filter's first page is shown (or when more typing replaces it).
   */
  function setFilter(text: string): Promise<void> {
    filter.value = text
    cancelFilter()
    return new Promise((resolve, reject) => {
      settleFilter = resolve
      filterTimer = setTimeout(() => {
        settleFilter = undefined
        appliedFilter = text.trim()
        loadPage(0).then(resolve, reject)
      }, FILTER_DELAY_MS)
    })
  }

  /** Whatever shows the generation's measurements: its page, its summary and the table. */
  function changed(generationId: number) {
    return Promise.all([generations.changed(generationId), refresh(generationId)]).then(() => undefined)
  }

  async function create(input: ApiInput<'measurements.create'>) {
    const measurement = await api['measurements.create'](input)
    await changed(measurement.generationId)
    return measurement
  }

  async function update(input: ApiInput<'measurements.update'>) {
    const measurement = await api['measurements.update'](input)
    await changed(measurement.generationId)
    return measurement
  }

  async function remove(id: number, generationId: number) {
    const entry = await api['measurements.delete']({ id })
    await changed(generationId)
    return trash.announce(entry, () => changed(generationId))
  }

  return {
    tableGenerationId,
    filter,
    page,
    expanded,
    openTable,
    toggleGroup,
    setHeadlineMetric,
    goToPage,
    refresh,
    setFilter,
    changed,
    create,
    update,
    remove,
  }
})
