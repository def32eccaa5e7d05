/** Pipeline phases of a generation (data collection, SFT, reward model, RL, evals…). */
import { defineStore } from 'pinia'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useGenerationsStore } from './generations'
import { useTrashStore } from './trash'

export const usePhasesStore = defineStore('phases', () => {
  const generations = useGenerationsStore()
  const trash = useTrashStore()

  async function create(input: ApiInput<'phases.create'>) {
    const phase = await api['phases.create'](input)
    await generations.changed(phase.generationId)
    return phase
  }

  async function update(input: ApiInput<'phases.update'>) {
    const phase = await api['phases.update'](input)
    await generations.changed(phase.generationId)
    return phase
  }

  async function remove(id: number, generationId: number) {
    const entry = await api['phases.delete']({ id })
    await generations.changed(generationId)
    return trash.announce(entry, () => generations.changed(generationId))
  }

  return { create, update, remove }
})
