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
import { sql, type SQL } from 'drizzle-orm'
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

const CANDIDATE_COLUMNS =
  sql.raw(`id, generation_id AS "generationId", benchmark, metric, group_path AS "groupPath", baseline, aligned,
  baseline_stderr AS "baselineStderr", aligned_stderr AS "alignedStderr", direction`)

/** A row not under a group that has its own row (`m` is the measurements table's alias). */
function notUnderOwnGroup(ctx: ServiceContext): SQL {
  return sql`(m.group_path IS NULL OR NOT EXISTS (
    SELECT 1 FROM benchmark_measurements g
     WHERE g.generation_id = m.generation_id AND g.benchmark = ${ctx.dialect.firstGroup(sql`m.group_path`)}))`
}

/** Bound values for an `IN (…)` list. */
export function inList(values: readonly (number | string)[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )
}

/**
 * What the headline needs of every measurement of these generations, in file order (by
 * id). Raw SQL: only these columns, for up to hundreds of thousands of rows (measurably
 * faster than mapping full drizzle rows; see npm run bench).
 */
export async function headlineCandidates(
  ctx: ServiceContext,
  ids: number[],
): Promise<Map<number, HeadlineCandidate[]>> {
  const rows = await chunked(ids, async (chunk) =>
    ctx.dialect.rows<CandidateRow>(
      // A subtask whose outermost group has its own row cannot reach the headline
      // (the group counts by its own score): such rows are not read, so a page of a
      // generation with a million subtasks does not load them all.
      sql`SELECT ${CANDIDATE_COLUMNS}
           FROM benchmark_measurements m WHERE generation_id IN (${inList(chunk)}) AND ${sql.raw(COMPUTABLE)}
             AND ${notUnderOwnGroup(ctx)}
           ORDER BY id`,
    ),
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
export async function headlineMembership(
  ctx: ServiceContext,
  generation: Generation,
  benchmarks: string[],
): Promise<Set<number>> {
  const names = [...new Set(benchmarks)]
  if (names.length === 0) return new Set()
  // Two indexed reads: the grouped rows (partial index) and these benchmarks' rows (unique index).
  const rows = await ctx.dialect.rows<CandidateRow>(
    sql`SELECT ${CANDIDATE_COLUMNS} FROM benchmark_measurements m
         WHERE m.generation_id = ${generation.id} AND m.group_path IS NOT NULL AND ${sql.raw(COMPUTABLE)}
           AND ${notUnderOwnGroup(ctx)}`,
  )
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500)
    for (const row of await ctx.dialect.rows<CandidateRow>(
      sql`SELECT ${CANDIDATE_COLUMNS} FROM benchmark_measurements m
           WHERE m.generation_id = ${generation.id} AND m.benchmark IN (${inList(chunk)}) AND ${sql.raw(COMPUTABLE)}
             AND ${notUnderOwnGroup(ctx)}`,
    ))
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
export async function headlineOf(ctx: ServiceContext, generation: Generation): Promise<Headline> {
  const candidates = (await headlineCandidates(ctx, [generation.id])).get(generation.id) ?? []
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
export async function freshFigures(ctx: ServiceContext, gens: Generation[]): Promise<Map<number, MeasurementFigures>> {
  const known = new Map<number, MeasurementFigures>()
  const missing = gens
  if (missing.length) {
    const ids = missing.map((g) => g.id)
    const candidates = await headlineCandidates(ctx, ids)
    const counts = new Map(
      (
        await chunked(ids, async (chunk) =>
          ctx.dialect.rows<{ generationId: number; count: number; paired: number; skipped: number }>(
            sql`SELECT generation_id AS "generationId",
                       ${ctx.dialect.int(sql`count(CASE WHEN ${sql.raw(COMPUTABLE)} THEN 1 END)`)} AS count,
                       ${ctx.dialect.int(sql`count(CASE WHEN ${sql.raw(COMPUTABLE)} AND baseline IS NOT NULL AND aligned IS NOT NULL THEN 1 END)`)} AS paired,
                       ${ctx.dialect.int(sql`count(CASE WHEN NOT ${sql.raw(COMPUTABLE)} THEN 1 END)`)} AS skipped
                  FROM benchmark_measurements WHERE generation_id IN (${inList(chunk)})
                 GROUP BY generation_id`,
          ),
        )
      ).map((c) => [c.generationId, c]),
    )
    for (const g of missing) {
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
  }
  return known
}
