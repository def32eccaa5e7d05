/** A generation's benchmark regressions, a page at a time (and every row, paged, for exports). */
import { and, asc, count, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import type { BenchmarkMeasurement, Direction } from '../../../src-shared/domain/types'
import type {
  ComputedGroup,
  MeasurementSort,
  MeasurementsPage,
  RegressionRowFigures,
} from '../../../src-shared/api/views'
import type { ServiceContext } from '../context'
import { getGeneration } from '../generations'
import { parseGroupPath } from '../../../src-shared/tax'
import { COMPUTABLE, figuresOf, headlineMembership, skippedWarning, headlineOf, regressionRow, UNPAIRED } from './load'
import { keptFiguresOf } from './maintained'

export interface MeasurementsPageQuery {
  generationId: number
  offset: number
  limit: number
  /** Part of the benchmark or metric name, in any case (SQLite's LIKE folds ASCII letters); blank matches everything. */
  filter?: string
  sort: MeasurementSort
  /** See the contract's `measurements.page`: groups whose subtasks are shown; absent = every row. */
  expanded?: string[]
}

/** `%` and `_` in what the user typed are literal characters, not LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The tree order of rows: the group path and the benchmark, joined by a unit separator
 * (char 31, below every printable character), so a group sorts right before its subtasks.
 */
function treeKey(ctx: ServiceContext): SQL {
  const m = ctx.t.benchmarkMeasurements
  const us = ctx.dialect.unitSeparator()
  return sql`(coalesce(replace(replace(replace(${m.groupPath}, '["', ''), '"]', ''), '","', ${us}) || ${us}, '') || ${m.benchmark})`
}

/**
 * Rows inside a collapsed group: a group in the row's path that is not expanded — one
 * with its own (aggregate) row, or one the file gave none for (its header is `computedGroups`).
 */
function hiddenByCollapse(ctx: ServiceContext, expanded: string[]): SQL {
  const open = expanded.length
    ? sql`AND j.value NOT IN (${sql.join(
        expanded.map((g) => sql`${g}`),
        sql`, `,
      )})`
    : sql``
  return sql`NOT EXISTS (SELECT 1 FROM ${ctx.dialect.jsonElements(sql`${ctx.t.benchmarkMeasurements.groupPath}`, 'j')}
    WHERE j.value IS NOT NULL ${open})`
}

function matching(
  ctx: ServiceContext,
  generationId: number,
  filter: string | undefined,
  expanded?: string[],
  grouped = true,
): SQL {
  const measurementsTable = ctx.t.benchmarkMeasurements
  const text = filter?.trim() ?? ''
  const ofGeneration = and(eq(measurementsTable.generationId, generationId), sql.raw(COMPUTABLE))!
  if (!text) {
    // Without grouped rows nothing is inside a collapsed group: no per-row json_each.
    return expanded && grouped ? and(ofGeneration, hiddenByCollapse(ctx, expanded))! : ofGeneration
  }
  const pattern = likePattern(text)
  return and(
    ofGeneration,
    sql`(${ctx.dialect.likeFolded(sql`${measurementsTable.benchmark}`, pattern)} OR ${ctx.dialect.likeFolded(sql`${measurementsTable.metric}`, pattern)})`,
  )!
}

/**
 * One page of a generation's regressions: the database filters, counts and (by name)
 * sorts; by largest change, the engine's figures of every matching row decide the
 * order, and only the rows of the page get their explanation.
 */
export async function measurementsPage(ctx: ServiceContext, query: MeasurementsPageQuery): Promise<MeasurementsPage> {
  const { generationId, offset, limit, sort } = query
  const generation = await getGeneration(ctx, generationId)
  const grouped = await hasGroupedRows(ctx, generationId)
  const measurementsTable = ctx.t.benchmarkMeasurements
  const where = matching(ctx, generationId, query.filter, query.expanded, grouped)
  let rows: BenchmarkMeasurement[]
  let total: number
  if (sort === 'name') {
    // Every computable row (no filter, nothing collapsed): the count kept at write time, not a scan.
    const kept = !query.filter?.trim() && !(query.expanded && grouped) ? await keptFiguresOf(ctx, generation) : null
    total = kept ? kept.count : (await ctx.db.select({ n: count() }).from(measurementsTable).where(where))[0].n
    rows = await ctx.db
      .select()
      .from(measurementsTable)
      .where(where)
      // Without grouped rows the tree key is the benchmark: the (generation, benchmark, metric) index serves the order.
      .orderBy(grouped ? asc(treeKey(ctx)) : asc(measurementsTable.benchmark), asc(measurementsTable.metric))
      .limit(limit)
      .offset(offset)
  } else {
    // Only what the figures need, in name order (so that equal changes stay in name order).
    // Built by drizzle, run raw: a million rows come back as arrays, not mapped objects (measurably faster).
    const figureInputs = ctx.db
      .select({
        id: measurementsTable.id,
        baseline: measurementsTable.baseline,
        aligned: measurementsTable.aligned,
        baselineStderr: measurementsTable.baselineStderr,
        alignedStderr: measurementsTable.alignedStderr,
        direction: measurementsTable.direction,
        metric: measurementsTable.metric,
      })
      .from(measurementsTable)
      .where(where)
      .orderBy(asc(measurementsTable.benchmark), asc(measurementsTable.metric))
      .getSQL()
    const candidates =
      await ctx.dialect.arrays<[number, number | null, number | null, number | null, number | null, Direction, string]>(
        figureInputs,
      )
    total = candidates.length
    const size = new Float64Array(total)
    candidates.forEach(([, baseline, aligned, baselineStderr, alignedStderr, direction, metric], i) => {
      const pct =
        figuresOf({ baseline, aligned, baselineStderr, alignedStderr, direction, metric })?.regressionPct ?? null
      size[i] = pct === null ? -1 : Math.abs(pct)
    })
    const ids = largestFirst(size, offset, limit).map((i) => candidates[i][0])
    const byId = new Map<number, BenchmarkMeasurement>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await ctx.db
        .select()
        .from(measurementsTable)
        .where(inArray(measurementsTable.id, ids.slice(i, i + 500))))
        byId.set(row.id, row)
    }
    rows = ids.map((id) => byId.get(id)!)
  }
  const inHeadline = await headlineMembership(
    ctx,
    generation,
    rows.map((r) => r.benchmark),
  )
  const skipped = (
    await ctx.db
      .select({ n: count() })
      .from(measurementsTable)
      .where(and(eq(measurementsTable.generationId, generationId), sql`NOT ${sql.raw(COMPUTABLE)}`))
  )[0].n
  return {
    warnings: skipped ? [skippedWarning(generation.name, skipped)] : [],
    rows: rows.map((m) => regressionRow(m, inHeadline.has(m.id))),
    groups: await collapsibleGroups(ctx, generationId),
    computedGroups: grouped ? await computedGroups(ctx, generationId) : [],
    total,
    offset,
    limit,
  }
}

/** Whether any row of the generation sits in a group (one seek in the partial index of grouped rows). */
async function hasGroupedRows(ctx: ServiceContext, generationId: number): Promise<boolean> {
  const m = ctx.t.benchmarkMeasurements
  const found = await ctx.db
    .select({ id: m.id })
    .from(m)
    .where(and(eq(m.generationId, generationId), isNotNull(m.groupPath)))
    .limit(1)
  return found.length > 0
}

/**
 * Groups of a generation that have their own row (and subtasks under them). Each distinct
 * path is read once from the partial index of grouped rows, not every row's path.
 */
async function collapsibleGroups(ctx: ServiceContext, generationId: number): Promise<string[]> {
  return (
    await ctx.dialect.rows<{ name: string }>(
      sql`SELECT DISTINCT j.value AS name
            FROM (SELECT DISTINCT group_path FROM benchmark_measurements
                   WHERE generation_id = ${generationId} AND group_path IS NOT NULL) p,
                 ${ctx.dialect.jsonElements(sql`p.group_path`, 'j')}
           WHERE EXISTS (SELECT 1 FROM benchmark_measurements g WHERE g.generation_id = ${generationId} AND g.benchmark = j.value)
           ORDER BY name`,
    )
  ).map((r) => r.name)
}

/**
 * Groups of a generation with subtasks but no row of their own (the headline computes
 * their figure): each with its enclosing groups and the metrics its subtasks have, in
 * file order. Read from the distinct paths of the partial index of grouped rows.
 */
async function computedGroups(ctx: ServiceContext, generationId: number): Promise<ComputedGroup[]> {
  const m = ctx.t.benchmarkMeasurements
  const paths = (
    await ctx.db
      .selectDistinct({ p: m.groupPath })
      .from(m)
      .where(and(eq(m.generationId, generationId), isNotNull(m.groupPath)))
  ).map((r) => parseGroupPath(r.p))
  const pathOf = new Map<string, string[]>()
  for (const path of paths) path.forEach((g, i) => pathOf.has(g) || pathOf.set(g, path.slice(0, i)))
  const computed: ComputedGroup[] = []
  for (const [name, path] of [...pathOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const hasRow = await ctx.db
      .select({ id: m.id })
      .from(m)
      .where(and(eq(m.generationId, generationId), eq(m.benchmark, name)))
      .limit(1)
    if (hasRow.length) continue
    const metrics = await ctx.dialect.rows<{ metric: string }>(
      sql`SELECT metric FROM benchmark_measurements
           WHERE generation_id = ${generationId} AND group_path IS NOT NULL
             AND EXISTS (SELECT 1 FROM ${ctx.dialect.jsonElements(sql`group_path`, 'j')} WHERE j.value = ${name})
           GROUP BY metric ORDER BY min(id)`,
    )
    computed.push({ name, path, metrics: metrics.map((r) => r.metric) })
  }
  return computed
}

/**
 * Positions `skip` to `skip + take` of the keys sorted largest first (equal keys in
 * position order). A native numeric sort finds the smallest key that makes the cut, so
 * only the rows above it are sorted with a comparator, however many rows there are.
 */
function largestFirst(keys: Float64Array, skip: number, take: number): number[] {
  const end = Math.min(keys.length, skip + take)
  if (skip >= end) return []
  const cut = Float64Array.from(keys).sort()[keys.length - end]
  const above: number[] = []
  const atCut: number[] = []
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] > cut) above.push(i)
    else if (keys[i] === cut && atCut.length < end) atCut.push(i)
  }
  above.sort((a, b) => keys[b] - keys[a] || a - b)
  return above.concat(atCut).slice(skip, end)
}
/**
 * Every measurement of a generation with its figures (no explanation), by benchmark
 * then metric, read from the database `pageSize` rows at a time: for exports of any
 * size. Pages (not one open statement) leave the connection free between rows.
 */
export async function* measurementFigures(
  ctx: ServiceContext,
  generationId: number,
  pageSize = 10_000,
): AsyncGenerator<RegressionRowFigures> {
  const measurementsTable = ctx.t.benchmarkMeasurements
  const inHeadline = (await headlineOf(ctx, await getGeneration(ctx, generationId))).measurementIds
  let after: { benchmark: string; metric: string } | null = null
  for (;;) {
    // A row-value comparison: SQLite seeks to it in the (generation, benchmark, metric) index.
    const where: SQL = after
      ? and(
          eq(measurementsTable.generationId, generationId),
          sql.raw(COMPUTABLE),
          sql`(${measurementsTable.benchmark}, ${measurementsTable.metric}) > (${after.benchmark}, ${after.metric})`,
        )!
      : and(eq(measurementsTable.generationId, generationId), sql.raw(COMPUTABLE))!
    const rows = await ctx.db
      .select()
      .from(measurementsTable)
      .where(where)
      .orderBy(asc(measurementsTable.benchmark), asc(measurementsTable.metric))
      .limit(pageSize)
    for (const measurement of rows) {
      const figures = figuresOf(measurement)
      const counted = inHeadline.has(measurement.id)
      if (!figures) {
        yield { measurement, inHeadline: counted, ...UNPAIRED }
      } else {
        yield { measurement, inHeadline: counted, ...figures }
      }
    }
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]
  }
}
