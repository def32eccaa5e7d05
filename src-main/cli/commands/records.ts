/** `atax perf add`, `dev add`, `phase add`: what a pipeline records into a generation. */
import type { ApiInput } from '../../../src-shared/api/contract'
import { COST_CATEGORIES } from '../../../src-shared/domain/types'
import { benchmarkRegression, formatUsd } from '../../../src-shared/tax'
import { defineCommand } from '../command'
import { DATE_HELP, generationIdOf, IN_GENERATION } from './common'

export const recordCommands = [
  defineCommand({
    words: ['perf', 'add'],
    summary: 'record a benchmark regression',
    options: {
      ...IN_GENERATION,
      benchmark: { value: 'B', required: true, field: 'benchmark' },
      baseline: { value: 'Z', required: true, field: 'baseline', number: true },
      aligned: { value: 'Z2', required: true, field: 'aligned', number: true },
      metric: { value: 'M', field: 'metric', absent: 'score' },
      'lower-is-better': {},
      'baseline-stderr': { value: 'S', field: 'baselineStderr', number: true },
      'aligned-stderr': { value: 'S', field: 'alignedStderr', number: true },
      shots: { value: 'N', field: 'shots', number: true },
    },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const input = {
        generationId,
        ...c.input(),
        direction: c.values['lower-is-better'] ? 'lower' : 'higher',
        source: 'pipeline',
      } as ApiInput<'measurements.create'>
      const m = await c.call('measurements.create', input)
      const r = benchmarkRegression({
        baseline: m.baseline!,
        aligned: m.aligned!,
        baselineStderr: m.baselineStderr,
        alignedStderr: m.alignedStderr,
        direction: m.direction,
      })
      c.print(`recorded ${m.benchmark} · ${m.metric}: ${r.explanation}`, { ...m, ...r })
    },
  }),
  defineCommand({
    words: ['dev', 'add'],
    summary: 'record a development cost item',
    help: 'Units are free text; use pf-days for compute so it counts against pretraining compute. ' + DATE_HELP,
    options: {
      ...IN_GENERATION,
      category: { value: COST_CATEGORIES.join('|'), required: true, field: 'category' },
      'amount-usd': { value: 'N', required: true, field: 'amountUsd', number: true },
      'low-usd': { value: 'N', field: 'lowUsd', number: true },
      'high-usd': { value: 'N', field: 'highUsd', number: true },
      quantity: { value: 'N', field: 'quantity', number: true },
      unit: { value: 'U', field: 'unit', absent: null },
      'scales-with-model': { field: 'scalesWithModel' },
      note: { value: 'T', field: 'note', absent: '' },
      date: { value: 'DATE', field: 'date', absent: null },
    },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const input = { generationId, ...c.input(), source: 'pipeline' } as ApiInput<'costs.create'>
      const item = await c.call('costs.create', input)
      c.print(`recorded ${item.category} ${formatUsd(item.amountUsd)} (#${item.id})`, item)
    },
  }),
  defineCommand({
    words: ['phase', 'add'],
    summary: 'record a pipeline phase',
    help: DATE_HELP,
    options: {
      ...IN_GENERATION,
      name: { value: 'T', required: true, field: 'name' },
      start: { value: 'DATE', required: true, field: 'startOn' },
      end: { value: 'DATE', required: true, field: 'endOn' },
    },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const phase = await c.call('phases.create', { generationId, ...c.input() } as ApiInput<'phases.create'>)
      c.print(`recorded phase "${phase.name}" ${phase.startOn} → ${phase.endOn}`, phase)
    },
  }),
]
