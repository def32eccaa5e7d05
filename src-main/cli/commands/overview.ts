/** `atax sample` and `atax summary`: the sample workspace, and every tax of a project at once. */
import { formatMonths, formatNumber, formatPct, formatUsd } from '../../../src-shared/tax'
import { defineCommand } from '../command'
import { projectIdOf, table } from './common'

export const overviewCommands = [
  defineCommand({
    words: ['sample'],
    summary: 'load the sample workspace; running it twice changes nothing',
    run: async (c) => {
      const r = await c.call('sample.load', {})
      const { SAMPLE_PROJECT_NAME } = await import('../../services/sample')
      c.print(
        r.created
          ? `loaded "${SAMPLE_PROJECT_NAME}" (#${r.projectId})`
          : `"${SAMPLE_PROJECT_NAME}" is already there (#${r.projectId}): nothing changed`,
        r,
      )
    },
  }),
  defineCommand({
    words: ['summary'],
    summary: 'every tax of every generation of a project',
    options: { project: { value: 'P', required: true } },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const s = await c.call('projects.summary', { projectId })
      const rows = s.generations.map((g) => ({
        name: g.generation.name,
        ordinal: g.generation.ordinal,
        ttdMonths: g.ttdMonths,
        ttdShrinkRatio: g.shrink?.ratio ?? null,
        devTaxUsd: g.development.totalUsd,
        devTaxLowUsd: g.development.lowUsd,
        devTaxHighUsd: g.development.highUsd,
        devTaxPctOfPretrainingCost: g.development.pctOfPretrainingCost,
        devComputePfd: g.development.computePfd,
        devComputePctOfPretraining: g.development.pctOfPretrainingCompute,
        headlineCount: g.regressions.headlineCount,
        meanRegressionPct: g.regressions.meanPct,
        medianRegressionPct: g.regressions.medianPct,
        regressions: g.regressions.regressions,
        gains: g.regressions.gains,
        significant: g.regressions.significant,
        inferenceTaxPct: g.inferenceTaxPct,
        money: g.money,
        // Stored rows of this generation the engine could not compute, left out of these figures.
        warnings: g.warnings,
      }))
      const human = table(
        ['generation', 'time to deploy', 'dev tax', 'dev compute', 'mean regression', 'inference tax'],
        rows.map((r) => [
          r.name,
          r.ttdMonths == null
            ? 'not deployed'
            : formatMonths(r.ttdMonths) + (r.ttdShrinkRatio ? ` (${formatNumber(r.ttdShrinkRatio, 2)}× faster)` : ''),
          formatUsd(r.devTaxUsd) +
            (r.devTaxPctOfPretrainingCost == null
              ? ''
              : ` (${formatPct(r.devTaxPctOfPretrainingCost, 2)} of pretraining)`),
          r.devComputePctOfPretraining == null
            ? `${formatNumber(r.devComputePfd)} pf-days`
            : `${formatNumber(r.devComputePfd)} pf-days (${formatPct(r.devComputePctOfPretraining, 2)})`,
          r.meanRegressionPct == null ? '—' : formatPct(r.meanRegressionPct, 2),
          r.inferenceTaxPct == null ? '—' : formatPct(r.inferenceTaxPct),
        ]),
      )
      const forecast = s.forecast ? `\nnext generation forecast: ${s.forecast.explanation}` : ''
      const warnings = s.warnings.map((w) => `\nwarning: ${w}`).join('')
      c.print(human + forecast + warnings, rows)
    },
  }),
]
