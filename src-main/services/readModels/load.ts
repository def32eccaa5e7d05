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
  type HeadlineEntry,
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

/**
 * The measurements the engine can compute: a row a backup or an older version stored
 * with a direction other than higher or lower is skipped by every read model (and
 * counted, so the view can say so) instead of failing the whole page.
 */
export const COMPUTABLE = `direction IN ('higher', 'lower')`

/** The warning of a generation with measurements that were skipped. */
export function skippedWarning(generationName: string, skipped: number): string {
  return `${generationName}: ${skipped} measurement${skipped === 1 ? '' : 's'} with a direction other than higher or lower left out (fix or delete ${skipped === 1 ? 'it' : 'them'})`
}

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
           FROM benchmark_measurements m WHERE generation_id IN (${chunk.map(() => '?').join(',')}) AND ${COMPUTABLE}
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

/**
 * Which of these benchmarks' rows are in a generation's headline, without reading the
 * generation's other rows: the same headline set (tax/headline.ts) computed over the rows
 * of these benchmarks plus every row with a group path (those decide which benchmark is
 * a subtask of which). A benchmark's entry depends only on its own rows and on whether it
 * sits under a group, so the answer for these rows is the one of the whole set — a page
 * of a million-row generation reads its page's benchmarks, not a million rows.
 */
export function headlineMembership(ctx: ServiceContext, generation: Generation, benchmarks: string[]): Set<number> {
  const names = [...new Set(benchmarks)]
  if (names.length === 0) return new Set()
  const columns = `id, generation_id AS generationId, benchmark, metric, group_path AS groupPath, baseline, aligned,
                   baseline_stderr AS baselineStderr, aligned_stderr AS alignedStderr, direction`
  const notUnderOwnGroup = `(group_path IS NULL OR NOT EXISTS (
                  SELECT 1 FROM benchmark_measurements g
                   WHERE g.generation_id = m.generation_id AND g.benchmark = json_extract(m.group_path, '$[0]')))`
  // Two indexed reads: the grouped rows (partial index) and these benchmarks' rows (unique index).
  const rows = ctx.sqlite
    .prepare(
      `SELECT ${columns} FROM benchmark_measurements m
        WHERE m.generation_id = ? AND m.group_path IS NOT NULL AND ${COMPUTABLE} AND ${notUnderOwnGroup}`,
    )
    .all(generation.id) as CandidateRow[]
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500)
    for (const row of ctx.sqlite
      .prepare(
        `SELECT ${columns} FROM benchmark_measurements m
          WHERE m.generation_id = ? AND m.benchmark IN (${chunk.map(() => '?').join(',')}) AND ${COMPUTABLE} AND ${notUnderOwnGroup}`,
      )
      .all(generation.id, ...chunk) as CandidateRow[])
      rows.push(row)
  }
  // File order (by id), as headlineSet expects; a grouped row of these benchmarks is read twice.
  const byId = new Map(rows.map((r) => [r.id, r]))
  const candidates = [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .map((r) => ({ ...r, groupPath: r.groupPath === null ? NO_GROUPS : parseGroupPath(r.groupPath) }))
  return headlineSet(candidates, parseHeadlineChoices(generation.headlineMetrics)).measurementIds
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

/** What a summary needs of a generation's measurements: their counts and its headline's figures (not its entries: a million-row generation would keep a million). */
export interface MeasurementFigures {
  count: number
  /** Rows the engine cannot compute (see COMPUTABLE), left out of everything. */
  skipped: number
  paired: number
  headlineCount: number
  computed: HeadlineEntry[]
  aggregates: Headline['aggregates']
}

/**
 * The counts and headline of each of these generations, worked out from their rows (one
 * query per table for all of them): what the maintained headline (maintained.ts) stores
 * at write time, and must always equal.
 */
export function freshFigures(ctx: ServiceContext, gens: Generation[]): Map<number, MeasurementFigures> {
  const known = new Map<number, MeasurementFigures>()
  if (gens.length === 0) return known
  const ids = gens.map((g) => g.id)
  const candidates = headlineCandidates(ctx, ids)
  const counts = new Map(
    chunked(
      ids,
      (chunk) =>
        ctx.sqlite
          .prepare(
            `SELECT generation_id AS generationId, sum(${COMPUTABLE}) AS count,
                    sum(${COMPUTABLE} AND baseline IS NOT NULL AND aligned IS NOT NULL) AS paired,
                    sum(NOT ${COMPUTABLE}) AS skipped
               FROM benchmark_measurements WHERE generation_id IN (${chunk.map(() => '?').join(',')})
              GROUP BY generation_id`,
          )
          .all(...chunk) as { generationId: number; count: number; paired: number; skipped: number }[],
    ).map((c) => [c.generationId, c]),
  )
  for (const g of gens) {
    const { count, paired, skipped } = counts.get(g.id) ?? { count: 0, paired: 0, skipped: 0 }
    const { entries, aggregates } = headlineSet(candidates.get(g.id) ?? [], parseHeadlineChoices(g.headlineMetrics))
    known.set(g.id, {
      count,
      paired,
      skipped,
      headlineCount: entries.length,
      computed: entries.filter((e) => e.computed),
      aggregates,
    })
  }
  return known
}
