/**
 * Plans: targets and budgets of a generation and the money assumptions, with the
 * actual figures checked against them (GenerationSummary.planChecks, .money).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { GenerationDetail } from '../../../src-shared/api/views'
import { api } from '../api/client'
import { useGenerationsStore } from './generations'

export const usePlansStore = defineStore('plans', () => {
  const generationId = ref<number | null>(null)
  /** The planned generation with its plan, checks and money (one `generations.get`). */
  const detail = shallowRef<GenerationDetail | null>(null)
  const generations = useGenerationsStore()

  async function load(id: number) {
    generationId.value = id
    const loaded = await api['generations.get']({ id })
    if (generationId.value === id) detail.value = loaded
  }

  async function save(input: ApiInput<'plans.save'>) {
    const plan = await api['plans.save'](input)
    await Promise.all([load(plan.generationId), generations.changed(plan.generationId)])
    return plan
  }

  return { generationId, detail, load, save }
})
