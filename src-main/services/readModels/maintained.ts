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
 * - triggers (migration 0005) drop a generation's row when one of its measurements is
 *   updated or deleted or its headline choices change, whoever writes (raw SQL, an older
 *   tool): a generation without a row is worked out from its rows when read, as before;
 * - opening a file that needed migrating, and restoring a backup, fill every generation
 *   (`fillHeadlines`).
 * Another connection's writes (the CLI while the app is open) are seen through the memo's
 * stamp (SQLite's data_version).
 */
import { inArray } from 'drizzle-orm'
import type { Direction, Generation } from '../../../src-shared/domain/types'
import type { RegressionRow } from '../../../src-shared/api/views'
import {
  checkedRegressionFigures,
  FiguresAggregator,
  isSignedMetric,
  NEAR_ZERO_BASELINE,
  TaxInputError,
} from '../../../src-shared/tax'
import * as schema from '../../db/schema'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'
import { COMPUTABLE, freshFigures, headlineMembership, regressionRow, type MeasurementFigures } from './load'

/** How many of the largest changes a generation's page carries, for its chart. */
export const LARGEST_CHANGES = 25

/** What is kept per generation. `largest` null: not worked out yet (a generation read without a stored row). */
export interface Maintained {
  figures: MeasurementFigures
  largest: number[] | null
}

// ---- reading ----

/**
 * Per connection: what was already read or worked out, valid while nothing has been
 * written to the database since. "Nothing written" is two counters SQLite keeps: `PRAGMA
 * data_version` (changes when another connection — another door, the CLI, a restore —
 * commits) and `total_changes()` (every row this connection inserts, updates or deletes).
 */
interface Memo {
  stamp: string
  known: Map<number, Maintained>
}
const memos = new WeakMap<object, Memo>()

function databaseStamp(ctx: ServiceContext): string {
  const version = ctx.sqlite.pragma('data_version', { simple: true }) as number
  const changes = (ctx.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  return `${version}:${changes}`
}

/** What this connection knows while nothing has been written. */
function memoOf(ctx: ServiceContext): Map<number, Maintained> {
  const stamp = databaseStamp(ctx)
  let memo = memos.get(ctx.sqlite)
  if (!memo || memo.stamp !== stamp) {
    memo = { stamp, known: new Map() }
    memos.set(ctx.sqlite, memo)
  }
  return memo.known
}

function maintainedOf(ctx: ServiceContext, gens: Generation[]): Map<number, Maintained> {
  const known = memoOf(ctx)
  let missing = gens.filter((g) => !known.has(g.id))
  if (missing.length) {
    for (const [id, stored] of storedHeadlines(
      ctx,
      missing.map((g) => g.id),
    ))
      known.set(id, stored)
    missing = missing.filter((g) => !known.has(g.id))
  }
  if (missing.length) {
    for (const [id, figures] of freshFigures(ctx, missing)) known.set(id, { figures, largest: null })
  }
  return new Map(gens.map((g) => [g.id, known.get(g.id)!]))
}

/**
 * Whether this connection's file has the table: one of an older schema opened without
 * migrating (tests build old files with today's services) keeps nothing.
 */
const hasTable = new WeakMap<object, boolean>()
function keeps(ctx: ServiceContext): boolean {
  let has = hasTable.get(ctx.sqlite)
  if (has === undefined) {
    has =
      ctx.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'generation_headline'").get() !==
      undefined
    hasTable.set(ctx.sqlite, has)
  }
  return has
}

function storedHeadlines(ctx: ServiceContext, ids: number[]): Map<number, Maintained> {
  if (!keeps(ctx)) return new Map()
  const rows = chunked(ids, (chunk) =>
    ctx.db.select().from(schema.generationHeadline).where(inArray(schema.generationHeadline.generationId, chunk)).all(),
  )
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
export function measurementFiguresOf(ctx: ServiceContext, gens: Generation[]): Map<number, MeasurementFigures> {
  return new Map([...maintainedOf(ctx, gens)].map(([id, m]) => [id, m.figures]))
}

/** A generation's figures when they are kept (or already worked out), else null: never worked out here. */
export function keptFiguresOf(ctx: ServiceContext, generation: Generation): MeasurementFigures | null {
  const known = memoOf(ctx)
  const kept = known.get(generation.id) ?? storedHeadlines(ctx, [generation.id]).get(generation.id)
  if (!kept) return null
  known.set(generation.id, kept)
  return kept.figures
}

/** A generation's largest changes (largestChangeIds), from the ids kept. */
export function largestChangesOf(ctx: ServiceContext, generation: Generation): RegressionRow[] {
  const kept = maintainedOf(ctx, [generation]).get(generation.id)!
  kept.largest ??= largestChangeIds(ctx, generation.id, LARGEST_CHANGES)
  return changeRows(ctx, generation, kept.largest)
}

// ---- the largest changes ----

/**
 * The ids of the `limit` largest changes of a generation — the rows with a regression %, largest
 * |%| first, equal ones in name order: the first rows of `measurementsPage` sorted by
 * largest change, without reading every row into the engine. SQLite computes the same
 * relative figure as `regressionFigures` (the same double arithmetic, in the same order)
 * for the rows that have one, and keeps the top `limit` while it scans. Which metric is
 * signed is the engine's rule (isSignedMetric), applied to the rows SQLite returns: a
 * signed metric among them is left out of the next query until none is returned.
 */
export function largestChangeIds(ctx: ServiceContext, generationId: number, limit: number): number[] {
  const signed: string[] = []
  for (;;) {
    const rows = ctx.sqlite
      .prepare(
        `SELECT id, metric FROM benchmark_measurements
          WHERE generation_id = ? AND ${COMPUTABLE} AND baseline > ? AND aligned >= 0
            ${signed.length ? `AND metric NOT IN (${signed.map(() => '?').join(',')})` : ''}
          ORDER BY abs(((CASE WHEN direction = 'higher' THEN baseline - aligned ELSE aligned - baseline END) / abs(baseline)) * 100) DESC,
                   benchmark, metric
          LIMIT ?`,
      )
      .all(generationId, NEAR_ZERO_BASELINE, ...signed, limit) as { id: number; metric: string }[]
    const found = [...new Set(rows.map((r) => r.metric).filter(isSignedMetric))]
    if (found.length) {
      signed.push(...found)
      continue
    }
    return rows.map((r) => r.id)
  }
}

/** The rows of these measurements, in this order, with their working and headline membership. */
export function changeRows(ctx: ServiceContext, generation: Generation, ids: number[]): RegressionRow[] {
  if (ids.length === 0) return []
  // The typed rows (drizzle maps the columns), in the order given.
  const byId = new Map(
    ctx.db
      .select()
      .from(schema.benchmarkMeasurements)
      .where(inArray(schema.benchmarkMeasurements.id, ids))
      .all()
      .map((m) => [m.id, m]),
  )
  const measurements = ids.map((id) => byId.get(id)!)
  const inHeadline = headlineMembership(
    ctx,
    generation,
    measurements.map((m) => m.benchmark),
  )
  return measurements.map((m) => regressionRow(m, inHeadline.has(m.id)))
}

// ---- writing ----

function store(ctx: ServiceContext, generationId: number, maintained: Maintained): void {
  const figures = encodeKept(maintained)
  ctx.db
    .insert(schema.generationHeadline)
    .values({ generationId, figures })
    .onConflictDoUpdate({ target: schema.generationHeadline.generationId, set: { figures } })
    .run()
}

function forget(ctx: ServiceContext, generationIds: number[]): void {
  chunked(generationIds, (chunk) => {
    ctx.db.delete(schema.generationHeadline).where(inArray(schema.generationHeadline.generationId, chunk)).run()
    return []
  })
}

/**
 * Works out again and stores what is kept of these generations: every write path calls
 * it, inside its transaction, after it has changed their measurements or headline choices.
 */
export function headlineChanged(ctx: ServiceContext, generationIds: Iterable<number>): void {
  if (!keeps(ctx)) return
  const ids = [...new Set(generationIds)]
  const gens = chunked(ids, (chunk) =>
    ctx.db.select().from(schema.generations).where(inArray(schema.generations.id, chunk)).all(),
  )
  // One generation at a time: a large one is not held beside the others.
  for (const generation of gens) {
    try {
      store(ctx, generation.id, {
        figures: freshFigures(ctx, [generation]).get(generation.id)!,
        largest: largestChangeIds(ctx, generation.id, LARGEST_CHANGES),
      })
    } catch (error) {
      if (!(error instanceof TaxInputError)) throw error
      // What the engine refuses is not stored: the read works it out (and says so) as before.
      forget(ctx, [generation.id])
    }
  }
}

/** A write and the refresh of the generations it changes, in one transaction. */
export function withHeadline<T>(ctx: ServiceContext, generationIds: number[], write: () => T): T {
  return ctx.sqlite.transaction(() => {
    const result = write()
    headlineChanged(ctx, generationIds)
    return result
  })()
}

/**
 * Generations above this many measurements are not filled all at once (a restore or an
 * upgrade holds one generation's rows at a time, and keeps its memory bounded): they are
 * worked out when read, and stored by their next write.
 */
export const FILL_MAX_ROWS = 250_000

/** Everything kept, worked out again (after a migration or a restore replaced the rows). */
export function fillHeadlines(ctx: ServiceContext): void {
  if (!keeps(ctx)) return
  ctx.sqlite.transaction(() => {
    ctx.db.delete(schema.generationHeadline).run()
    const sizes = ctx.sqlite
      .prepare(
        `SELECT g.id AS id, (SELECT count(*) FROM benchmark_measurements m WHERE m.generation_id = g.id) AS n
           FROM generations g`,
      )
      .all() as { id: number; n: number }[]
    headlineChanged(
      ctx,
      sizes.filter((s) => s.n <= FILL_MAX_ROWS).map((s) => s.id),
    )
  })()
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

  private constructor(
    private readonly ctx: ServiceContext,
    private readonly generationId: number,
  ) {}

  /** An appender for an import into this generation, or null when it already has measurements. */
  static into(ctx: ServiceContext, generationId: number): HeadlineAppender | null {
    if (!keeps(ctx)) return null
    const empty = !ctx.sqlite
      .prepare('SELECT 1 FROM benchmark_measurements WHERE generation_id = ? LIMIT 1')
      .get(generationId)
    return empty ? new HeadlineAppender(ctx, generationId) : null
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

  /** Stores what is kept (in the import's transaction, after its last row). */
  finish(): void {
    const ctx = this.ctx
    // With one metric a benchmark cannot repeat (the unique index would have refused the row).
    const repeated =
      this.simple &&
      this.metric === false &&
      ctx.sqlite
        .prepare(
          'SELECT 1 FROM benchmark_measurements WHERE generation_id = ? GROUP BY benchmark HAVING count(*) > 1 LIMIT 1',
        )
        .get(this.generationId) !== undefined
    if (!this.simple || repeated) {
      headlineChanged(ctx, [this.generationId])
      return
    }
    const find = ctx.sqlite.prepare(
      'SELECT id FROM benchmark_measurements WHERE generation_id = ? AND benchmark = ? AND metric = ?',
    )
    const aggregates = this.aggregator.result()
    store(ctx, this.generationId, {
      figures: {
        count: this.count,
        skipped: 0,
        paired: aggregates.paired,
        headlineCount: this.count,
        computed: [],
        aggregates,
      },
      largest: this.top.map((c) => (find.get(this.generationId, c.benchmark, c.metric) as { id: number }).id),
    })
  }
}

/** Whether a change comes before `b` in largestChangeIds' order: larger, then benchmark and metric as SQLite orders text. */
function before(key: number, benchmark: string, metric: string, b: Change): boolean {
  if (key !== b.key) return key > b.key
  const byBenchmark = compareText(benchmark, b.benchmark)
  return byBenchmark !== 0 ? byBenchmark < 0 : compareText(metric, b.metric) < 0
}

/**
 * SQLite's BINARY collation (UTF-8 bytes, which is code point order) on JavaScript
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
