/** The development-cost ledger of a generation. */
import { defineStore } from 'pinia'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useGenerationsStore } from './generations'
import { useTrashStore } from './trash'

export const useCostsStore = defineStore('costs', () => {
  const generations = useGenerationsStore()
  const trash = useTrashStore()

  async function create(input: ApiInput<'costs.create'>) {
    const cost = await api['costs.create'](input)
    await generations.changed(cost.generationId)
    return cost
  }

  async function update(input: ApiInput<'costs.update'>) {
    const cost = await api['costs.update'](input)
    await generations.changed(cost.generationId)
    return cost
  }

  async function remove(id: number, generationId: number) {
    const entry = await api['costs.delete']({ id })
    await generations.changed(generationId)
    return trash.announce(entry, () => generations.changed(generationId))
  }

  return { create, update, remove }
})
