/** Benchmark measurements of a generation: record, edit, delete with undo. */
import { defineStore } from 'pinia'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useGenerationsStore } from './generations'
import { useTrashStore } from './trash'

export const useMeasurementsStore = defineStore('measurements', () => {
  const generations = useGenerationsStore()
  const trash = useTrashStore()

  async function create(input: ApiInput<'measurements.create'>) {
    const measurement = await api['measurements.create'](input)
    await generations.changed(measurement.generationId)
    return measurement
  }

  async function update(input: ApiInput<'measurements.update'>) {
    const measurement = await api['measurements.update'](input)
    await generations.changed(measurement.generationId)
    return measurement
  }

  async function remove(id: number, generationId: number) {
    const entry = await api['measurements.delete']({ id })
    await generations.changed(generationId)
    return trash.announce(entry, () => generations.changed(generationId))
  }

  return { create, update, remove }
})
