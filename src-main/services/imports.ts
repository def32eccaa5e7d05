/**
 * Imports of evaluation results into a generation. The parsers (src-main/importers)
 * read the file; this writes it in one transaction: a baseline run fills the
 * baseline side of each benchmark · metric, an aligned run the aligned side, and a
 * measurement with both sides is a benchmark regression. The same file (by SHA-256)
 * is not imported twice into the same generation and role unless forced.
 */
import { createHash } from 'node:crypto'
import { and, desc, eq, isNull, or } from 'drizzle-orm'
import type { Direction, ImportRecord } from '../../src-shared/domain/types'
import type { ImportedBenchmark, ImportResult } from '../../src-shared/api/transfer'
import * as schema from '../db/schema'
import {
  ImportError,
  parseInspectLog,
  parseLmEvalResults,
  scanCsv,
  type ParsedMeasurementRow,
  type ParsedResult,
} from '../importers'
import type { ServiceContext } from './context'
import { getWritableGeneration } from './generations'

export interface ImportRequest {
  format: 'lm-eval' | 'inspect' | 'csv'
  fileName: string
  bytes: Uint8Array
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

export function listImports(ctx: ServiceContext, projectId: number): ImportRecord[] {
  return ctx.db
    .select()
    .from(schema.importRecords)
    .where(eq(schema.importRecords.projectId, projectId))
    .orderBy(desc(schema.importRecords.id))
    .all()
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** How many unmatched benchmarks a summary lists. */
export const UNMATCHED_IN_SUMMARY = 100

/** Thrown inside the transaction to roll it back when metrics still need a direction. */
class NeedsDirection extends Error {}

export function runImport(ctx: ServiceContext, req: ImportRequest): ImportResult {
  const generation = getWritableGeneration(ctx, req.generationId)
  const hash = sha256(req.bytes)
  const progress = req.onProgress ?? (() => {})

  const previous = ctx.db
    .select()
    .from(schema.importRecords)
    .where(
      and(
        eq(schema.importRecords.generationId, generation.id),
        eq(schema.importRecords.sha256, hash),
        // A CSV holding both runs is recorded without a role: it matches either.
        or(eq(schema.importRecords.role, req.role), isNull(schema.importRecords.role)),
      ),
    )
    .get()
  if (previous && !req.force) {
    return {
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
    }
  }

  // JSON logs are parsed whole (they are small); CSV is streamed row by row into the
  // transaction, so a million rows never sit in memory as objects.
  const run =
    req.format === 'lm-eval'
      ? parseLmEvalResults(req.bytes, req.fileName, { strict: req.strict })
      : req.format === 'inspect'
        ? parseInspectLog(req.bytes, req.fileName, { strict: req.strict })
        : null
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
    const importId = ctx.sqlite.transaction(() => {
      const record = ctx.db
        .insert(schema.importRecords)
        .values({
          projectId: generation.projectId,
          generationId: generation.id,
          fileName: req.fileName,
          sha256: hash,
          format: req.format,
          role: req.role,
          rowCount: 0,
        })
        .returning()
        .get()
      const write = rowWriter(ctx, generation.id, record.id, req.fileName)
      const take = (r: Row, index: number) => {
        const direction = r.direction ?? directions[r.metric] ?? null
        if (direction === null) needsDirection.add(r.metric)
        if (needsDirection.size) return // nothing will be kept: just collect what to ask
        const stored = write(r, direction, index)
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
        const { layout } = scanCsv(
          req.bytes,
          req.fileName,
          {
            measurement: (m) => take(m, index++),
            result: (r) => {
              row.benchmark = r.benchmark
              row.metric = r.metric
              row.direction = r.direction
              row.shots = r.shots
              row.groupPath = r.groupPath
              row.baseline = baselineRole ? r.value : null
              row.aligned = baselineRole ? null : r.value
              row.baselineStderr = baselineRole ? r.stderr : null
              row.alignedStderr = baselineRole ? null : r.stderr
              take(row, index++)
            },
          },
          progress,
        )
        if (layout === 'measurements') {
          ctx.db.update(schema.importRecords).set({ role: null }).where(eq(schema.importRecords.id, record.id)).run()
        }
      }
      if (needsDirection.size) throw new NeedsDirection()
      ctx.db
        .update(schema.importRecords)
        .set({ rowCount: imported })
        .where(eq(schema.importRecords.id, record.id))
        .run()
      return record.id
    })()
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
 * Writes one row and returns both sides as stored. Raw SQL: bulk writes of up to
 * millions of rows, measured by `npm run bench`. Into a generation with no
 * measurements yet nothing can conflict, so plain inserts (the fastest path);
 * otherwise an upsert fills in the side this run brings and keeps the other.
 */
function rowWriter(ctx: ServiceContext, generationId: number, importId: number, fileName: string) {
  const columns = `(generation_id, benchmark, metric, direction, shots, baseline, aligned, baseline_stderr, aligned_stderr, group_path, source, import_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?)`
  const isEmpty = !ctx.sqlite
    .prepare('SELECT 1 FROM benchmark_measurements WHERE generation_id = ? LIMIT 1')
    .get(generationId)
  if (isEmpty) {
    const insert = ctx.sqlite.prepare(`INSERT INTO benchmark_measurements ${columns}`)
    return (r: Row, direction: Direction, index: number) => {
      try {
        insert.run(
          generationId,
          r.benchmark,
          r.metric,
          direction,
          r.shots,
          r.baseline,
          r.aligned,
          r.baselineStderr,
          r.alignedStderr,
          groupPathColumn(r.groupPath),
          importId,
        )
      } catch (err) {
        throw duplicateOrRethrow(err, fileName, r, index)
      }
      return r // both sides as stored: the row itself (no object per row)
    }
  }
  const upsert = ctx.sqlite.prepare(`
    INSERT INTO benchmark_measurements ${columns}
    ON CONFLICT (generation_id, benchmark, metric) DO UPDATE SET
      direction = excluded.direction,
      shots = coalesce(excluded.shots, shots),
      baseline = coalesce(excluded.baseline, baseline),
      aligned = coalesce(excluded.aligned, aligned),
      baseline_stderr = CASE WHEN excluded.baseline IS NOT NULL THEN excluded.baseline_stderr ELSE baseline_stderr END,
      aligned_stderr = CASE WHEN excluded.aligned IS NOT NULL THEN excluded.aligned_stderr ELSE aligned_stderr END,
      group_path = coalesce(excluded.group_path, group_path),
      import_id = excluded.import_id
    RETURNING baseline, aligned`)
  const seen = new Set<string>()
  return (r: Row, direction: Direction, index: number) => {
    const key = `${r.benchmark}\u0000${r.metric}`
    if (seen.has(key)) throw duplicateOrRethrow(new Error('UNIQUE constraint failed'), fileName, r, index)
    seen.add(key)
    return upsert.get(
      generationId,
      r.benchmark,
      r.metric,
      direction,
      r.shots,
      r.baseline,
      r.aligned,
      r.baselineStderr,
      r.alignedStderr,
      groupPathColumn(r.groupPath),
      importId,
    ) as {
      baseline: number | null
      aligned: number | null
    }
  }
}

/** A file that names the same benchmark · metric twice is refused: which value would be right? */
function duplicateOrRethrow(err: unknown, fileName: string, r: Row, index: number): Error {
  if ((err as Error)?.message?.includes('UNIQUE constraint failed')) {
    return new ImportError(
      `${fileName}: result ${index + 1}: ${r.benchmark} · ${r.metric} appears more than once in the file`,
      fileName,
      `result ${index + 1}`,
      `${r.benchmark} · ${r.metric}`,
    )
  }
  return err as Error
}
