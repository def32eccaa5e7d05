/** Inference-compute tax records of a generation: policies and measured curves. */
import { defineStore } from 'pinia'
import type { ApiInput } from '../../../src-shared/api/contract'
import { api } from '../api/client'
import { useGenerationsStore } from './generations'
import { useTrashStore } from './trash'

export const useInferenceStore = defineStore('inference', () => {
  const generations = useGenerationsStore()
  const trash = useTrashStore()

  async function createPolicy(input: ApiInput<'policies.create'>) {
    const policy = await api['policies.create'](input)
    await generations.changed(policy.generationId)
    return policy
  }

  async function updatePolicy(input: ApiInput<'policies.update'>) {
    const policy = await api['policies.update'](input)
    await generations.changed(policy.generationId)
    return policy
  }

  async function removePolicy(id: number, generationId: number) {
    const entry = await api['policies.delete']({ id })
    await generations.changed(generationId)
    return trash.announce(entry, () => generations.changed(generationId))
  }

  async function createCurve(input: ApiInput<'curves.create'>) {
    const curve = await api['curves.create'](input)
    await generations.changed(curve.generationId)
    return curve
  }

  async function removeCurve(id: number, generationId: number) {
    const entry = await api['curves.delete']({ id })
    await generations.changed(generationId)
    return trash.announce(entry, () => generations.changed(generationId))
  }

  return { createPolicy, updatePolicy, removePolicy, createCurve, removeCurve }
})
