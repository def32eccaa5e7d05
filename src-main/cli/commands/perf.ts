/** `atax perf list|headline`: the performance-tax measurements of a generation and its headline. */
import { formatNumber, formatRegression } from '../../../src-shared/tax'
import { defineCommand, UsageError } from '../command'
import { generationIdOf, IN_GENERATION, req, table } from './common'

export const perfCommands = [
  defineCommand({
    words: ['perf', 'list'],
    summary: "a generation's benchmark measurements, with their group and whether the headline counts them",
    help:
      'One row per measurement. With --json: benchmark, metric, group (parent group or null), inHeadline,\n' +
      'baseline, aligned, regressionPct (null where no relative figure is given) and delta.',
    options: IN_GENERATION,
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const rows = await c.call('performance.list', { generationId })
      const score = (x: number | null) => (x === null ? '—' : formatNumber(x, 4))
      const human = rows.length
        ? table(
            ['', 'benchmark', 'metric', 'group', 'baseline', 'aligned', 'regression'],
            rows.map((r) => [
              r.inHeadline ? '*' : '',
              r.benchmark,
              r.metric,
              r.group ?? '',
              score(r.baseline),
              score(r.aligned),
              formatRegression(r.regressionPct, r.delta),
            ]),
          ) + '\n* counted in the headline'
        : 'no benchmark measurements in this generation'
      c.print(human, rows)
    },
  }),
  defineCommand({
    words: ['perf', 'headline'],
    summary: 'choose the metric a benchmark counts by in the headline',
    help:
      'By default a benchmark counts by the metric the table of known primary metrics names\n' +
      '(acc_norm for hellaswag, acc for mmlu, …), else the first metric its file lists.\n' +
      '--default returns to that rule. Give either --metric M or --default.',
    options: { ...IN_GENERATION, benchmark: { value: 'B', required: true }, metric: { value: 'M' }, default: {} },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const benchmark = req(c, 'benchmark')
      const metric = typeof c.values.metric === 'string' ? c.values.metric : null
      if ((metric === null) === (c.values.default !== true)) {
        throw new UsageError('perf headline: give either --metric M or --default')
      }
      const r = await c.call(
        'performance.setHeadlineMetric',
        { generationId, benchmark, metric },
        { flagOf: { benchmark: '--benchmark', metric: '--metric' } },
      )
      const why =
        r.chosenBy === 'user'
          ? 'your choice'
          : r.chosenBy === 'table'
            ? 'the table of primary metrics'
            : "the file's first metric"
      c.print(`${r.benchmark} now counts in the headline by ${r.metric} (${why})`, r)
    },
  }),
]
