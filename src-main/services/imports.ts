/**
 * Imports of evaluation results into a generation. The parsers (src-main/importers)
 * read the file; this writes it in one transaction: a baseline run fills the
 * baseline side of each benchmark · metric, an aligned run the aligned side, and a
 * measurement with both sides is a benchmark regression. The same file (by SHA-256)
 * is not imported twice into the same generation and role unless forced.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { and, desc, eq, isNull, or } from 'drizzle-orm'
import type { Direction, ImportRecord } from '../../src-shared/domain/types'
import type { ImportedBenchmark, ImportResult } from '../../src-shared/api/transfer'
import {
  bytesSource,
  ImportError,
  parseInspectLog,
  parseLmEvalResults,
  scanCsv,
  type ByteSource,
  type ParsedMeasurementRow,
  type ParsedResult,
} from '../importers'
import { describeValue, importError } from '../importers/types'
import { ServiceError } from './errors'
import type { ServiceContext } from './context'
import { getWritableGeneration } from './generations'
import { headlineChanged, HeadlineAppender } from './readModels/maintained'
import { actorOf, recordAudit } from './audit'

export interface ImportRequest {
  format: 'lm-eval' | 'inspect' | 'csv'
  fileName: string
  /** The file, read by path (CSV: streamed, never held whole) … */
  file?: string
  /** … or its bytes already in memory (tests, the base64 door). */
  bytes?: Uint8Array
  generationId: number
  role: 'baseline' | 'aligned'
  force?: boolean
  /** Refuse a file holding a non-finite value (NaN, ±Infinity) instead of skipping that metric with a warning. */
  strict?: boolean
  directions?: Record<string, Direction>
  /** 'full' (default) lists every benchmark written; 'summary' none, and the first unmatched only. */
  list?: 'full' | 'summary'
  /** Called with a fraction in [0, 1] while parsing and writing. */
  onProgress?: (fraction: number) => void
}

/** One row to write: a side of a measurement (the other null), or both sides (CSV measurements layout). */
type Row = ParsedMeasurementRow

export async function listImports(ctx: ServiceContext, projectId: number): Promise<ImportRecord[]> {
  return await ctx.db
    .select()
    .from(ctx.t.importRecords)
    .where(eq(ctx.t.importRecords.projectId, projectId))
    .orderBy(desc(ctx.t.importRecords.id))
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The largest lm-eval or Inspect results file read: JSON is parsed whole, so it is
 * refused above this before a byte is read (CSV streams and has no such limit).
 */
export const MAX_RESULTS_FILE_BYTES = 256 * 1024 * 1024

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`
}

/** The whole bytes of a JSON results file, refused above MAX_RESULTS_FILE_BYTES first. */
function resultsFileBytes(req: ImportRequest): Uint8Array {
  const size = req.file !== undefined ? statSize(req.file, req.fileName) : (req.bytes?.length ?? 0)
  if (size > MAX_RESULTS_FILE_BYTES) {
    throw new ImportError(
      `${req.fileName}: file: is ${size.toLocaleString('en-US')} bytes, over the ${mib(MAX_RESULTS_FILE_BYTES)} limit for ${req.format} results files (they are read whole; CSV files stream and have no such limit)`,
      req.fileName,
      'file',
      size,
    )
  }
  if (req.file === undefined) return req.bytes ?? new Uint8Array()
  try {
    return fs.readFileSync(req.file)
  } catch (err) {
    throw new ServiceError('invalid-data', `cannot read ${req.fileName}: ${(err as Error).message}`)
  }
}

function statSize(file: string, fileName: string): number {
  try {
    return fs.statSync(file).size
  } catch (err) {
    throw new ServiceError('invalid-data', `cannot read ${fileName}: ${(err as Error).message}`)
  }
}

/** A CSV's bytes as a stream (from its file, a chunk at a time), hashed as they are read. */
function hashedSource(req: ImportRequest): { source: ByteSource; digest: () => string; close: () => void } {
  const hash = createHash('sha256')
  if (req.file === undefined) {
    const inner = bytesSource(req.bytes ?? new Uint8Array())
    return {
      source: { size: inner.size, read: (into) => hashed(hash, into, inner.read(into)) },
      digest: () => hash.digest('hex'),
      close: () => {},
    }
  }
  let fd: number
  try {
    fd = fs.openSync(req.file, 'r')
  } catch (err) {
    throw new ServiceError('invalid-data', `cannot read ${req.fileName}: ${(err as Error).message}`)
  }
  const size = fs.fstatSync(fd).size
  return {
    source: { size, read: (into) => hashed(hash, into, fs.readSync(fd, into, 0, into.length, null)) },
    digest: () => hash.digest('hex'),
    close: () => fs.closeSync(fd),
  }
}

function hashed(hash: ReturnType<typeof createHash>, into: Uint8Array, n: number): number {
  if (n > 0) hash.update(into.subarray(0, n))
  return n
}

/** How many unmatched benchmarks a summary lists. */
export const UNMATCHED_IN_SUMMARY = 100

/** Thrown inside the transaction to roll it back when metrics still need a direction. */
class NeedsDirection extends Error {}

/** Thrown inside the transaction to roll it back when a streamed file turns out to be a duplicate. */
class Duplicate extends Error {
  constructor(readonly previous: ImportRecord) {
    super('duplicate import')
  }
}

/** A (benchmark, metric) pair found twice by the database while a CSV streams in. */
class RepeatedPair extends Error {
  constructor(
    readonly benchmark: string,
    readonly metric: string,
    readonly line: number,
  ) {
    super('repeated pair')
  }
}

/**
 * The parser's own words for a repeated pair ("repeats line M"): the earlier line is
 * found by reading the file again up to the repeat (only on this error path).
 */
function repeatedPairError(req: ImportRequest, repeat: RepeatedPair): ImportError {
  let earlier = -1
  const csv = hashedSource(req)
  const stop = new Error('found')
  const look = (r: { benchmark: string; metric: string }, line: number) => {
    if (line >= repeat.line) throw stop
    if (r.benchmark === repeat.benchmark && r.metric === repeat.metric) {
      earlier = line
      throw stop
    }
  }
  try {
    scanCsv(csv.source, req.fileName, { measurement: look, result: look })
  } catch (err) {
    if (err !== stop) throw err
  } finally {
    csv.close()
  }
  const where = earlier === -1 ? 'an earlier line' : `line ${earlier}`
  return importError(
    req.fileName,
    `line ${repeat.line}`,
    `benchmark ${describeValue(repeat.benchmark)}, metric ${describeValue(repeat.metric)} repeats ${where}`,
    [repeat.benchmark, repeat.metric],
  )
}

export async function runImport(ctx: ServiceContext, req: ImportRequest): Promise<ImportResult> {
  const generation = await getWritableGeneration(ctx, req.generationId)
  const progress = req.onProgress ?? (() => {})

  const previousImport = async (hash: string) =>
    (
      await ctx.db
        .select()
        .from(ctx.t.importRecords)
        .where(
          and(
            eq(ctx.t.importRecords.generationId, generation.id),
            eq(ctx.t.importRecords.sha256, hash),
            // A CSV holding both runs is recorded without a role: it matches either.
            or(eq(ctx.t.importRecords.role, req.role), isNull(ctx.t.importRecords.role)),
          ),
        )
    )[0]
  const duplicateResult = (previous: ImportRecord): ImportResult => ({
    importId: null,
    imported: 0,
    skipped: previous.rowCount,
    duplicate: true,
    benchmarks: [],
    unmatched: [],
    unmatchedCount: 0,
    needsDirection: [],
    warnings: [
      `${req.fileName} was already imported on ${previous.importedAt.slice(0, 10)} as the ${req.role} run: nothing was written (import again with force to add it anyway)`,
    ],
  })

  // JSON logs are read whole (bounded by MAX_RESULTS_FILE_BYTES) and checked for a
  // duplicate first; a CSV streams from its file row by row into the transaction (a
  // million rows never sit in memory, nor the file as one string), hashed on the way,
  // and its duplicate check comes at the end, before anything is committed.
  const bytes = req.format === 'csv' ? null : resultsFileBytes(req)
  const knownHash = bytes === null ? null : sha256(bytes)
  if (knownHash !== null) {
    const previous = await previousImport(knownHash)
    if (previous && !req.force) return duplicateResult(previous)
  }
  const run =
    bytes === null
      ? null
      : req.format === 'lm-eval'
        ? parseLmEvalResults(bytes, req.fileName, { strict: req.strict })
        : parseInspectLog(bytes, req.fileName, { strict: req.strict })
  const warnings = run?.warnings ?? []
  const directions = req.directions ?? {}
  const baselineRole = req.role === 'baseline'
  const benchmarks: ImportedBenchmark[] = []
  const unmatched: ImportedBenchmark[] = []
  let unmatchedCount = 0
  const listAll = (req.list ?? 'full') === 'full'
  const needsDirection = new Set<string>()
  let imported = 0

  try {
    const importId = await ctx.transaction(async () => {
      const record = (
        await ctx.db
          .insert(ctx.t.importRecords)
          .values({
            projectId: generation.projectId,
            generationId: generation.id,
            fileName: req.fileName,
            sha256: knownHash ?? '', // a streamed CSV's hash is set once it has been read
            format: req.format,
            role: req.role,
            rowCount: 0,
            createdBy: actorOf(ctx),
          })
          .returning()
      )[0]
      // Before the writer looks whether the generation is empty: another transaction that
      // refreshes what is kept of it has committed first, or waits for this import (PostgreSQL).
      await ctx.dialect.lockGenerations([generation.id])
      const write = await rowWriter(ctx, generation.id, record.id, req.fileName)
      // Before the first row: into an empty generation the headline is kept as rows are written.
      const appender = await HeadlineAppender.into(ctx, generation.id, write.plainInserts)
      const take = (r: Row, index: number, line?: number) => {
        const direction = r.direction ?? directions[r.metric] ?? null
        if (direction === null) needsDirection.add(r.metric)
        if (needsDirection.size) return // nothing will be kept: just collect what to ask
        const stored = write(r, direction, index, line)
        appender?.add(r, direction)
        const isUnmatched = stored.baseline === null || stored.aligned === null
        // An entry object only where one is kept: a million-row summary import allocates none per row.
        if (listAll || (isUnmatched && unmatchedCount < UNMATCHED_IN_SUMMARY)) {
          const entry = { benchmark: r.benchmark, metric: r.metric, baseline: stored.baseline, aligned: stored.aligned }
          if (listAll) benchmarks.push(entry)
          if (isUnmatched) unmatched.push(entry)
        }
        if (isUnmatched) unmatchedCount++
        imported++
      }
      if (run) {
        run.results.forEach((r, i) => take(sideOf(r, baselineRole), i))
        progress(1)
      } else {
        let index = 0
        const row: Row = {
          benchmark: '',
          metric: '',
          direction: null,
          shots: null,
          baseline: null,
          aligned: null,
          baselineStderr: null,
          alignedStderr: null,
        }
        const csv = hashedSource(req)
        let layout: 'measurements' | 'run'
        try {
          layout = scanCsv(
            csv.source,
            req.fileName,
            {
              measurement: (m, line) => take(m, index++, line),
              result: (r, line) => {
                row.benchmark = r.benchmark
                row.metric = r.metric
                row.direction = r.direction
                row.shots = r.shots
                row.groupPath = r.groupPath
                row.baseline = baselineRole ? r.value : null
                row.aligned = baselineRole ? null : r.value
                row.baselineStderr = baselineRole ? r.stderr : null
                row.alignedStderr = baselineRole ? null : r.stderr
                take(row, index++, line)
              },
            },
            progress,
          ).layout
        } catch (err) {
          throw err instanceof RepeatedPair ? repeatedPairError(req, err) : err
        } finally {
          csv.close()
        }
        const hash = csv.digest()
        const previous = await previousImport(hash)
        if (previous && !req.force) throw new Duplicate(previous)
        await ctx.db
          .update(ctx.t.importRecords)
          .set({ sha256: hash, ...(layout === 'measurements' ? { role: null } : {}) })
          .where(eq(ctx.t.importRecords.id, record.id))
      }
      await write.flush()
      if (needsDirection.size) throw new NeedsDirection()
      if (appender) await appender.finish(ctx)
      else await headlineChanged(ctx, [generation.id])
      await ctx.db.update(ctx.t.importRecords).set({ rowCount: imported }).where(eq(ctx.t.importRecords.id, record.id))
      await recordAudit(ctx, {
        projectId: generation.projectId,
        action: 'import',
        entity: 'import',
        entityId: record.id,
        summary: `imported ${imported} row${imported === 1 ? '' : 's'} from ${req.fileName} into generation "${generation.name}"${req.role ? ` (${req.role})` : ''}`,
      })
      return record.id
    })
    progress(1)
    return {
      importId,
      imported,
      skipped: 0,
      duplicate: false,
      benchmarks,
      unmatched,
      unmatchedCount,
      needsDirection: [],
      warnings,
    }
  } catch (err) {
    if (err instanceof Duplicate) return duplicateResult(err.previous)
    if (!(err instanceof NeedsDirection)) throw err
    const metrics = [...needsDirection]
    return {
      importId: null,
      imported: 0,
      skipped: 0,
      duplicate: false,
      benchmarks: [],
      unmatched: [],
      unmatchedCount: 0,
      needsDirection: metrics,
      warnings: [...warnings, `say whether higher or lower is better for: ${metrics.join(', ')}; nothing was written`],
    }
  }
}

function sideOf(r: ParsedResult, baselineRole: boolean): Row {
  return {
    benchmark: r.benchmark,
    metric: r.metric,
    direction: r.direction,
    shots: r.shots,
    baseline: baselineRole ? r.value : null,
    aligned: baselineRole ? null : r.value,
    baselineStderr: baselineRole ? r.stderr : null,
    alignedStderr: baselineRole ? null : r.stderr,
    groupPath: r.groupPath,
  }
}

/** The stored form of a group path: a JSON array, or null for a top-level benchmark. */
function groupPathColumn(path: string[] | undefined): string | null {
  return path && path.length ? JSON.stringify(path) : null
}

/**
 * Writes one row and returns both sides as stored, through the store's measurement
 * writer (SQLite: one prepared statement in a sync loop; see `npm run bench`): a
 * million rows allocate nothing per row.
 */
async function rowWriter(ctx: ServiceContext, generationId: number, importId: number, fileName: string) {
  const writer = await ctx.dialect.measurementWriter(generationId, importId)
  const write = (r: Row, direction: Direction, index: number, line?: number) => {
    let stored
    try {
      stored = writer.write(r, direction, groupPathColumn(r.groupPath))
    } catch (err) {
      throw duplicateOrRethrow(ctx, err, fileName, r, index, line)
    }
    // A row this very import wrote already: the file repeats a pair.
    if (stored === undefined) throw duplicateOrRethrow(ctx, null, fileName, r, index, line)
    return stored // both sides as stored: the row itself after a plain insert (no object per row)
  }
  return Object.assign(write, { flush: () => writer.flush(), plainInserts: writer.plainInserts })
}

/** A file that names the same benchmark · metric twice is refused: which value would be right? */
function duplicateOrRethrow(
  ctx: ServiceContext,
  err: unknown,
  fileName: string,
  r: Row,
  index: number,
  line?: number,
): Error {
  if (err === null || ctx.dialect.isUniqueViolation(err)) {
    if (line !== undefined) return new RepeatedPair(r.benchmark, r.metric, line)
    return new ImportError(
      `${fileName}: result ${index + 1}: ${r.benchmark} · ${r.metric} appears more than once in the file`,
      fileName,
      `result ${index + 1}`,
      `${r.benchmark} · ${r.metric}`,
    )
  }
  return err as Error
}
