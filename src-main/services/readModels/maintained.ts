/**
 * The maintained headline: per generation, what the project summary, Timeline, Compare
 * and the generation page need of its measurements — the counts, the headline's figures
 * (tax/headline.ts) and the ids of its largest changes — stored in `generation_headline`
 * by the writes themselves, in their transaction. The first summary after opening, or
 * after a write, reads one row per generation instead of every measurement.
 *
 * What is stored always equals what `freshFigures` (load.ts) works out from the rows:
 * - every write path that changes a generation's measurements or headline choices calls
 *   `headlineChanged` (recomputes those generations) before it commits; an import into
 *   an empty generation feeds a `HeadlineAppender` instead, row by row, as it writes;
 * - triggers (drizzle/sqlite 0007, drizzle/pg 0004) drop a generation's row when one of its measurements is
 *   updated or deleted or its headline choices change, whoever writes (raw SQL, an older
 *   tool): a generation without a row is worked out from its rows when read, as before;
 * - opening a file that needed migrating, and restoring a backup, fill every generation
 *   (`fillHeadlines`).
 * Another connection's writes (the CLI while the app is open) are seen through the memo's
 * stamp (the dialect's dataVersion: SQLite's data_version, PostgreSQL's snapshot).
 *
 * Both stores: the same drizzle builders and the same portable SQL through the dialect
 * (`ctx.dialect.rows`); the triggers are SQLite triggers (drizzle/sqlite 0007) and plpgsql
 * trigger functions (drizzle/pg 0004). Every figure is worked out in TypeScript
 * (src-shared/tax), so what is kept is the same double on either store.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Direction, Generation } from '../../../src-shared/domain/types'
import type { RegressionRow } from '../../../src-shared/api/views'
import {
  checkedRegressionFigures,
  FiguresAggregator,
  isSignedMetric,
  NEAR_ZERO_BASELINE,
  TaxInputError,
} from '../../../src-shared/tax'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'
import { COMPUTABLE, freshFigures, headlineMembership, inList, regressionRow, type MeasurementFigures } from './load'

/** How many of the largest changes a generation's page carries, for its chart. */
export const LARGEST_CHANGES = 25

/** What is kept per generation. `largest` null: not worked out yet (a generation read without a stored row). */
export interface Maintained {
  figures: MeasurementFigures
  largest: number[] | null
}

// ---- reading ----

/**
 * Per store: what was already read or worked out, valid while nothing has been written
 * since (the dialect's data-version token: on SQLite `PRAGMA data_version` and
 * `total_changes()`; none inside a PostgreSQL transaction, where nothing is remembered).
 */
interface Memo {
  stamp: string
  known: Map<number, Maintained>
}
const memos = new WeakMap<object, Memo>()

/** What this store's connection knows while nothing has been written. */
async function memoOf(ctx: ServiceContext): Promise<Map<number, Maintained>> {
  const stamp = await ctx.dialect.dataVersion()
  if (stamp === null) return new Map()
  let memo = memos.get(ctx.dialect.storeKey)
  if (!memo || memo.stamp !== stamp) {
    memo = { stamp, known: new Map() }
    memos.set(ctx.dialect.storeKey, memo)
  }
  return memo.known
}

async function maintainedOf(ctx: ServiceContext, gens: Generation[]): Promise<Map<number, Maintained>> {
  const known = await memoOf(ctx)
  let missing = gens.filter((g) => !known.has(g.id))
  if (missing.length) {
    for (const [id, stored] of await storedHeadlines(
      ctx,
      missing.map((g) => g.id),
    ))
      known.set(id, stored)
    missing = missing.filter((g) => !known.has(g.id))
  }
  if (missing.length) {
    for (const [id, figures] of await freshFigures(ctx, missing)) known.set(id, { figures, largest: null })
  }
  return new Map(gens.map((g) => [g.id, known.get(g.id)!]))
}

/**
 * Whether this store has the table: a SQLite file of an older schema opened without
 * migrating (tests build old files with today's services) keeps nothing.
 */
const hasTable = new WeakMap<object, boolean>()
async function keeps(ctx: ServiceContext): Promise<boolean> {
  let has = hasTable.get(ctx.dialect.storeKey)
  if (has === undefined) {
    has = (await ctx.dialect.tableColumns('generation_headline')).length > 0
    hasTable.set(ctx.dialect.storeKey, has)
  }
  return has
}

async function storedHeadlines(ctx: ServiceContext, ids: number[]): Promise<Map<number, Maintained>> {
  if (!(await keeps(ctx))) return new Map()
  const t = ctx.t.generationHeadline
  const rows = await chunked(ids, async (chunk) => ctx.db.select().from(t).where(inArray(t.generationId, chunk)))
  const kept = new Map<number, Maintained>()
  for (const r of rows) {
    const maintained = decodeKept(r.figures)
    // Unreadable (written by something else): worked out from the rows, as without a row.
    if (maintained) kept.set(r.generationId, maintained)
  }
  return kept
}

/**
 * Stored as JSON, with the numbers JSON cannot hold (−0, which a mean or median can be,
 * and non-finite ones) written as `{"$n": "-0"}`: read back, every figure is the same double.
 */
export function encodeKept(maintained: Maintained): string {
  return JSON.stringify(maintained, (_key, value: unknown) =>
    typeof value === 'number' && (Object.is(value, -0) || !Number.isFinite(value))
      ? { $n: Object.is(value, -0) ? '-0' : String(value) }
      : value,
  )
}

export function decodeKept(text: string): Maintained | null {
  try {
    return JSON.parse(text, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && typeof (value as { $n?: unknown }).$n === 'string'
        ? Number((value as { $n: string }).$n)
        : value,
    ) as Maintained
  } catch {
    return null
  }
}

/** The counts and headline figures of each of these generations. */
export async function measurementFiguresOf(
  ctx: ServiceContext,
  gens: Generation[],
): Promise<Map<number, MeasurementFigures>> {
  return new Map([...(await maintainedOf(ctx, gens))].map(([id, m]) => [id, m.figures]))
}

/** A generation's figures when they are kept (or already worked out), else null: never worked out here. */
export async function keptFiguresOf(ctx: ServiceContext, generation: Generation): Promise<MeasurementFigures | null> {
  const known = await memoOf(ctx)
  const kept = known.get(generation.id) ?? (await storedHeadlines(ctx, [generation.id])).get(generation.id)
  if (!kept) return null
  known.set(generation.id, kept)
  return kept.figures
}

/** A generation's largest changes (largestChangeIds), from the ids kept. */
export async function largestChangesOf(ctx: ServiceContext, generation: Generation): Promise<RegressionRow[]> {
  const kept = (await maintainedOf(ctx, [generation])).get(generation.id)!
  kept.largest ??= await largestChangeIds(ctx, generation.id, LARGEST_CHANGES)
  return changeRows(ctx, generation, kept.largest)
}

// ---- the largest changes ----

/**
 * The ids of the `limit` largest changes of a generation — the rows with a regression %, largest
 * |%| first, equal ones in name order: the first rows of `measurementsPage` sorted by
 * largest change, without reading every row into the engine. The store computes the same
 * relative figure as `regressionFigures` (the same double arithmetic, in the same order:
 * SQLite's real and PostgreSQL's double precision are both IEEE doubles) for the rows that
 * have one, and keeps the top `limit` while it scans; names order by code point on both
 * (SQLite's BINARY, `COLLATE "C"` on PostgreSQL). Which metric is signed is the engine's
 * rule (isSignedMetric), applied to the rows returned: a signed metric among them is left
 * out of the next query until none is returned.
 */
export async function largestChangeIds(ctx: ServiceContext, generationId: number, limit: number): Promise<number[]> {
  const signed: string[] = []
  for (;;) {
    const rows = await ctx.dialect.rows<{ id: number; metric: string }>(
      sql`SELECT id, metric FROM benchmark_measurements
           WHERE generation_id = ${generationId} AND ${sql.raw(COMPUTABLE)} AND baseline > ${NEAR_ZERO_BASELINE} AND aligned >= 0
             ${signed.length ? sql`AND metric NOT IN (${inList(signed)})` : sql``}
           ORDER BY abs(((CASE WHEN direction = 'higher' THEN baseline - aligned ELSE aligned - baseline END) / abs(baseline)) * 100) DESC,
                    benchmark, metric
           LIMIT ${limit}`,
    )
    const found = [...new Set(rows.map((r) => r.metric).filter(isSignedMetric))]
    if (found.length) {
      signed.push(...found)
      continue
    }
    return rows.map((r) => r.id)
  }
}

/** The rows of these measurements, in this order, with their working and headline membership. */
export async function changeRows(ctx: ServiceContext, generation: Generation, ids: number[]): Promise<RegressionRow[]> {
  if (ids.length === 0) return []
  const m = ctx.t.benchmarkMeasurements
  // The typed rows (drizzle maps the columns), in the order given.
  const byId = new Map((await ctx.db.select().from(m).where(inArray(m.id, ids))).map((r) => [r.id, r]))
  const measurements = ids.map((id) => byId.get(id)!)
  const inHeadline = await headlineMembership(
    ctx,
    generation,
    measurements.map((r) => r.benchmark),
  )
  return measurements.map((r) => regressionRow(r, inHeadline.has(r.id)))
}

// ---- writing ----

async function store(ctx: ServiceContext, generationId: number, maintained: Maintained): Promise<void> {
  const figures = encodeKept(maintained)
  const t = ctx.t.generationHeadline
  await ctx.db
    .insert(t)
    .values({ generationId, figures })
    .onConflictDoUpdate({ target: t.generationId, set: { figures } })
}

async function forget(ctx: ServiceContext, generationIds: number[]): Promise<void> {
  const t = ctx.t.generationHeadline
  await chunked(generationIds, async (chunk) => {
    await ctx.db.delete(t).where(inArray(t.generationId, chunk))
    return []
  })
}

/**
 * Works out again and stores what is kept of these generations: every write path calls
 * it, inside its transaction, after it has changed their measurements or headline choices.
 */
export async function headlineChanged(ctx: ServiceContext, generationIds: Iterable<number>): Promise<void> {
  if (!(await keeps(ctx))) return
  const ids = [...new Set(generationIds)]
  // Another transaction refreshing the same generations waits for this one (PostgreSQL), and
  // this one's reads below then see its committed rows: the last to store has them all.
  await ctx.dialect.lockGenerations(ids)
  const g = ctx.t.generations
  const gens = await chunked(ids, async (chunk) => ctx.db.select().from(g).where(inArray(g.id, chunk)))
  // One generation at a time: a large one is not held beside the others.
  for (const generation of gens) {
    try {
      const figures = (await freshFigures(ctx, [generation])).get(generation.id)!
      await store(ctx, generation.id, {
        figures,
        largest: await largestChangeIds(ctx, generation.id, LARGEST_CHANGES),
      })
    } catch (error) {
      if (!(error instanceof TaxInputError)) throw error
      // What the engine refuses is not stored: the read works it out (and says so) as before.
      await forget(ctx, [generation.id])
    }
  }
}

/** A write and the refresh of the generations it changes, in one transaction (`write` writes through `tx`). */
export async function withHeadline<T>(
  ctx: ServiceContext,
  generationIds: number[],
  write: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  return ctx.transaction(async (tx) => {
    const result = await write(tx)
    await headlineChanged(tx, generationIds)
    return result
  })
}

/**
 * Generations above this many measurements are not filled all at once (a restore or an
 * upgrade holds one generation's rows at a time, and keeps its memory bounded): they are
 * worked out when read, and stored by their next write.
 */
export const FILL_MAX_ROWS = 250_000

/** Everything kept, worked out again (after a migration or a restore replaced the rows). */
export async function fillHeadlines(ctx: ServiceContext): Promise<void> {
  if (!(await keeps(ctx))) return
  await ctx.transaction(async (tx) => {
    await tx.db.delete(tx.t.generationHeadline)
    const sizes = await tx.dialect.rows<{ id: number; n: number }>(
      sql`SELECT g.id AS id, ${tx.dialect.int(sql`(SELECT count(*) FROM benchmark_measurements m WHERE m.generation_id = g.id)`)} AS n
            FROM generations g`,
    )
    await headlineChanged(
      tx,
      sizes.filter((s) => s.n <= FILL_MAX_ROWS).map((s) => s.id),
    )
  })
}

/** One row as an import writes it. */
interface AppendedRow {
  benchmark: string
  metric: string
  groupPath?: string[]
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
}

interface Change {
  key: number
  benchmark: string
  metric: string
}

/**
 * What is kept of a generation that was empty, worked out from the rows an import writes
 * as it writes them (a million-row file is not read back). Exact only while every row
 * is a benchmark of its own with no group: then each row is one headline entry, in file
 * order, and the aggregates are fed the same figures in the same order as headlineSet's.
 * Anything else (a group path, a benchmark with two metrics) falls back to
 * headlineChanged at the end.
 */
export class HeadlineAppender {
  private simple = true
  private count = 0
  /** The one metric of every row so far (null: none yet), or false once two differ. */
  private metric: string | null | false = null
  private readonly aggregator = new FiguresAggregator()
  /** The largest changes so far, largest first (largestChangeIds' order). */
  private readonly top: Change[] = []

  private constructor(private readonly generationId: number) {}

  /**
   * An appender for an import into this generation, or null when it already had
   * measurements (`empty`: the measurement writer's `plainInserts`, checked before the first row).
   */
  static async into(ctx: ServiceContext, generationId: number, empty: boolean): Promise<HeadlineAppender | null> {
    if (!empty || !(await keeps(ctx))) return null
    return new HeadlineAppender(generationId)
  }

  /** A row just written (rows are given in the order they were inserted, so by id). */
  add(r: AppendedRow, direction: Direction): void {
    if (!this.simple) return
    if (r.groupPath?.length || (direction !== 'higher' && direction !== 'lower')) {
      this.simple = false
      return
    }
    this.count++
    if (this.metric !== r.metric) this.metric = this.metric === null ? r.metric : false
    const { baseline, aligned } = r
    if (baseline === null || aligned === null) {
      this.aggregator.add(null)
      return
    }
    // The database's row rules have checked what the import wrote (finite, stderr ≥ 0).
    this.aggregator.add(
      checkedRegressionFigures(baseline, aligned, r.baselineStderr, r.alignedStderr, direction, r.metric),
    )
    // largestChangeIds' filter and sort key, in the same double arithmetic as its SQL.
    if (!(baseline > NEAR_ZERO_BASELINE && aligned >= 0)) return
    const key = Math.abs(
      ((direction === 'higher' ? baseline - aligned : aligned - baseline) / Math.abs(baseline)) * 100,
    )
    const top = this.top
    if (top.length === LARGEST_CHANGES && !before(key, r.benchmark, r.metric, top[top.length - 1])) return
    if (isSignedMetric(r.metric)) return
    let at = top.length
    while (at > 0 && before(key, r.benchmark, r.metric, top[at - 1])) at--
    top.splice(at, 0, { key, benchmark: r.benchmark, metric: r.metric })
    if (top.length > LARGEST_CHANGES) top.pop()
  }

  /**
   * Stores what is kept (in the import's transaction, after its last row has been written:
   * on PostgreSQL after the writer's flush). `ctx`: the import's transaction.
   */
  async finish(ctx: ServiceContext): Promise<void> {
    // With one metric a benchmark cannot repeat (the unique index would have refused the row).
    const repeated =
      this.simple &&
      this.metric === false &&
      (
        await ctx.dialect.rows(
          sql`SELECT 1 AS one FROM benchmark_measurements WHERE generation_id = ${this.generationId}
               GROUP BY benchmark HAVING count(*) > 1 LIMIT 1`,
        )
      ).length > 0
    if (!this.simple || repeated) {
      await headlineChanged(ctx, [this.generationId])
      return
    }
    const m = ctx.t.benchmarkMeasurements
    const largest: number[] = []
    for (const c of this.top) {
      const [row] = await ctx.db
        .select({ id: m.id })
        .from(m)
        .where(and(eq(m.generationId, this.generationId), eq(m.benchmark, c.benchmark), eq(m.metric, c.metric)))
      largest.push(row!.id)
    }
    const aggregates = this.aggregator.result()
    await store(ctx, this.generationId, {
      figures: {
        count: this.count,
        skipped: 0,
        paired: aggregates.paired,
        headlineCount: this.count,
        computed: [],
        aggregates,
      },
      largest,
    })
  }
}

/** Whether a change comes before `b` in largestChangeIds' order: larger, then benchmark and metric as the store orders text (SQLite's BINARY, PostgreSQL's COLLATE "C"). */
function before(key: number, benchmark: string, metric: string, b: Change): boolean {
  if (key !== b.key) return key > b.key
  const byBenchmark = compareText(benchmark, b.benchmark)
  return byBenchmark !== 0 ? byBenchmark < 0 : compareText(metric, b.metric) < 0
}

/**
 * SQLite's BINARY collation and PostgreSQL's "C" (UTF-8 bytes, which is code point order) on JavaScript
 * strings (UTF-16 units, which differ only where a surrogate meets U+E000–U+FFFF).
 */
function compareText(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}
