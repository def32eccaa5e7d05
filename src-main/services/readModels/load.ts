/**
 * What every read model loads the same way: the headline candidates of generations (one
 * query for all of them), the engine's figures of a measurement, and a row with its working.
 */
import type { BenchmarkMeasurement, Generation } from '../../../src-shared/domain/types'
import type { RegressionRow } from '../../../src-shared/api/views'
import {
  benchmarkRegression,
  regressionFigures,
  headlineSet,
  parseGroupPath,
  parseHeadlineChoices,
  type Headline,
  type HeadlineCandidate,
} from '../../../src-shared/tax'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'

export function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = map.get(k)
    if (list) list.push(row)
    else map.set(k, [row])
  }
  return map
}

const NO_GROUPS: readonly string[] = Object.freeze([])

type CandidateRow = Omit<HeadlineCandidate, 'groupPath'> & { generationId: number; groupPath: string | null }

/**
 * What the headline needs of every measurement of these generations, in file order (by
 * id). Raw SQL: only these columns, for up to hundreds of thousands of rows (measurably
 * faster than mapping full drizzle rows; see npm run bench).
 */
export function headlineCandidates(ctx: ServiceContext, ids: number[]): Map<number, HeadlineCandidate[]> {
  const rows = chunked(
    ids,
    (chunk) =>
      ctx.sqlite
        .prepare(
          // A subtask whose outermost group has its own row cannot reach the headline
          // (the group counts by its own score): such rows are not read, so a page of a
          // generation with a million subtasks does not load them all.
          `SELECT id, generation_id AS generationId, benchmark, metric, group_path AS groupPath, baseline, aligned,
                  baseline_stderr AS baselineStderr, aligned_stderr AS alignedStderr, direction
           FROM benchmark_measurements m WHERE generation_id IN (${chunk.map(() => '?').join(',')})
             AND (group_path IS NULL OR NOT EXISTS (
                   SELECT 1 FROM benchmark_measurements g
                    WHERE g.generation_id = m.generation_id AND g.benchmark = json_extract(m.group_path, '$[0]')))
           ORDER BY id`,
        )
        .all(...chunk) as CandidateRow[],
  )
  const byGeneration = new Map<number, HeadlineCandidate[]>()
  for (const id of ids) byGeneration.set(id, [])
  for (const row of rows) {
    // In place: a copy of each of 100,000 rows costs more than the headline itself.
    const candidate = row as unknown as HeadlineCandidate
    ;(candidate as { groupPath: readonly string[] }).groupPath =
      row.groupPath === null ? NO_GROUPS : parseGroupPath(row.groupPath)
    byGeneration.get(row.generationId)!.push(candidate)
  }
  return byGeneration
}

/** A generation's headline set (tax/headline.ts) with the user's metric choices. */
export function headlineOf(ctx: ServiceContext, generation: Generation): Headline {
  const candidates = headlineCandidates(ctx, [generation.id]).get(generation.id) ?? []
  return headlineSet(candidates, parseHeadlineChoices(generation.headlineMetrics))
}

type FigureInputs = Pick<
  BenchmarkMeasurement,
  'baseline' | 'aligned' | 'baselineStderr' | 'alignedStderr' | 'direction' | 'metric'
>

/** The engine's figures of a measurement with both runs; null with one run only. */
export function figuresOf(x: FigureInputs) {
  if (x.baseline == null || x.aligned == null) return null
  return regressionFigures({
    baseline: x.baseline,
    aligned: x.aligned,
    baselineStderr: x.baselineStderr,
    alignedStderr: x.alignedStderr,
    direction: x.direction,
    metric: x.metric,
  })
}

export const UNPAIRED = {
  regressionPct: null,
  noRelativeReason: null,
  delta: null,
  z: null,
  significant: null,
  isGain: false,
} as const

/** A measurement with its regression and the working in words. */
export function regressionRow(measurement: BenchmarkMeasurement, inHeadline = false): RegressionRow {
  if (measurement.baseline == null || measurement.aligned == null) {
    return {
      measurement,
      inHeadline,
      ...UNPAIRED,
      explanation: `only the ${measurement.baseline == null ? 'aligned' : 'baseline'} run is recorded`,
    }
  }
  const r = benchmarkRegression({
    baseline: measurement.baseline,
    aligned: measurement.aligned,
    baselineStderr: measurement.baselineStderr,
    alignedStderr: measurement.alignedStderr,
    direction: measurement.direction,
    metric: measurement.metric,
  })
  return { measurement, inHeadline, ...r }
}
