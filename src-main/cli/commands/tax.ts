/** `atax tax inference|curve|perf`: the tax engine from the shell, without a database. */
import type { Direction } from '../../../src-shared/domain/types'
import { benchmarkRegression, formatPct, inferenceTaxFromCurve, inferenceTaxFromPolicy } from '../../../src-shared/tax'
import { defineCommand, UsageError } from '../command'
import { num, parseNumber, req, reqNum } from './common'

export const taxCommands = [
  defineCommand({
    words: ['tax', 'inference'],
    summary: 'inference-compute tax of a policy: best-of-K (or K× compute) on a fraction P of tasks',
    help: 'Example: --policy 0.1:4 is best-of-4 on 10% of tasks, a 30% tax (not 40%).',
    options: { policy: { value: 'P:K[,P:K...]', required: true }, 'rm-cost': { value: 'R' } },
    run: async (c) => {
      const rows = req(c, 'policy')
        .split(',')
        .map((part, i) => {
          const [p, k, extra] = part.split(':')
          if (k === undefined || extra !== undefined)
            throw new UsageError(`--policy: row ${i + 1} "${part}" is not P:K`)
          return {
            fraction: parseNumber(p, `--policy row ${i + 1} fraction`),
            multiplier: parseNumber(k, `--policy row ${i + 1} multiplier`),
          }
        })
      const r = inferenceTaxFromPolicy(rows, num(c, 'rm-cost') ?? 0)
      c.print(`${formatPct(r.taxPct)} more inference compute\n${r.explanation}`, {
        taxPct: r.taxPct,
        multiplier: r.multiplier,
        explanation: r.explanation,
      })
    },
  }),
  defineCommand({
    words: ['tax', 'curve'],
    summary: 'inference-compute tax from measured (compute multiplier, score) points',
    options: {
      baseline: { value: 'Z', required: true },
      point: { value: 'K:S', required: true, multiple: true },
      'lower-is-better': {},
    },
    run: async (c) => {
      const raw = (c.values.point as string[] | undefined) ?? []
      if (!raw.length) throw new UsageError('--point K:S is required at least once')
      const points = raw.map((part, i) => {
        const [k, s, extra] = part.split(':')
        if (s === undefined || extra !== undefined) throw new UsageError(`--point ${i + 1} "${part}" is not K:S`)
        return {
          multiplier: parseNumber(k, `--point ${i + 1} multiplier`),
          score: parseNumber(s, `--point ${i + 1} score`),
        }
      })
      const direction: Direction = c.values['lower-is-better'] ? 'lower' : 'higher'
      const r = inferenceTaxFromCurve(points, reqNum(c, 'baseline'), direction)
      c.print(r.reached ? `${formatPct(r.taxPct!)} more inference compute\n${r.explanation}` : r.explanation, {
        taxPct: r.taxPct,
        multiplier: r.multiplier,
        reached: r.reached,
        explanation: r.explanation,
      })
    },
  }),
  defineCommand({
    words: ['tax', 'perf'],
    summary: 'benchmark regression of an aligned score against the baseline',
    options: {
      baseline: { value: 'Z', required: true },
      aligned: { value: 'Z2', required: true },
      'baseline-stderr': { value: 'S' },
      'aligned-stderr': { value: 'S' },
      'lower-is-better': {},
    },
    run: async (c) => {
      const r = benchmarkRegression({
        baseline: reqNum(c, 'baseline'),
        aligned: reqNum(c, 'aligned'),
        baselineStderr: num(c, 'baseline-stderr'),
        alignedStderr: num(c, 'aligned-stderr'),
        direction: c.values['lower-is-better'] ? 'lower' : 'higher',
      })
      c.print(r.explanation, { regressionPct: r.regressionPct, delta: r.delta, z: r.z, significant: r.significant })
    },
  }),
]
