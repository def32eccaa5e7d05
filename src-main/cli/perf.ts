/**
 * `atax perf …`: the performance-tax measurements of a generation and its headline.
 * The logic of these commands lives here; main.ts only lists them.
 */
import type { ApiInput, ApiName, ApiResult } from '../../src-shared/api/contract'
import { formatNumber, formatRegression } from '../../src-shared/tax'

/** What these commands need of the CLI's command context (see main.ts). */
export interface PerfCommandContext {
  globals: { json: boolean }
  values: Record<string, string | boolean | string[] | undefined>
  call: <N extends ApiName>(name: N, input: ApiInput<N>, flagOf?: Record<string, string>) => Promise<ApiResult<N>>
  print: (human: string, json: unknown) => void
}

export interface PerfCommand<C extends PerfCommandContext> {
  words: string[]
  usage: string
  summary: string
  help?: string
  options: Record<string, { type: 'string' } | { type: 'boolean' }>
  run: (c: C) => Promise<void>
}

const str = { type: 'string' } as const
const flag = { type: 'boolean' } as const

/** The perf commands, given how main.ts finds a generation and renders a table. */
export function perfCommands<C extends PerfCommandContext>(helpers: {
  generationIdOf: (c: C) => Promise<number>
  required: (c: C, name: string) => string
  table: (header: string[], rows: string[][]) => string
  usageError: (message: string) => Error
}): PerfCommand<C>[] {
  const { generationIdOf, required, table, usageError } = helpers
  return [
    {
      words: ['perf', 'list'],
      usage: 'perf list --project P --gen G',
      summary: "a generation's benchmark measurements, with their group and whether the headline counts them",
      help:
        'One row per measurement. With --json: benchmark, metric, group (parent group or null), inHeadline,\n' +
        'baseline, aligned, regressionPct (null where no relative figure is given) and delta.',
      options: { project: str, gen: str },
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
    },
    {
      words: ['perf', 'headline'],
      usage: 'perf headline --project P --gen G --benchmark B (--metric M | --default)',
      summary: 'choose the metric a benchmark counts by in the headline',
      help:
        'By default a benchmark counts by the metric the table of known primary metrics names\n' +
        '(acc_norm for hellaswag, acc for mmlu, …), else the first metric its file lists.\n' +
        '--default returns to that rule.',
      options: { project: str, gen: str, benchmark: str, metric: str, default: flag },
      run: async (c) => {
        const generationId = await generationIdOf(c)
        const benchmark = required(c, 'benchmark')
        const metric = typeof c.values.metric === 'string' ? c.values.metric : null
        if ((metric === null) === (c.values.default !== true)) {
          throw usageError('perf headline: give either --metric M or --default')
        }
        const r = await c.call(
          'performance.setHeadlineMetric',
          { generationId, benchmark, metric },
          { benchmark: '--benchmark', metric: '--metric' },
        )
        const why =
          r.chosenBy === 'user'
            ? 'your choice'
            : r.chosenBy === 'table'
              ? 'the table of primary metrics'
              : "the file's first metric"
        c.print(`${r.benchmark} now counts in the headline by ${r.metric} (${why})`, r)
      },
    },
  ]
}
