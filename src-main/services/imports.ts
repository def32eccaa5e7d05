/**
 * Imports of evaluation results into a generation. The parsers (src-main/importers)
 * read the file; this writes it in one transaction: a baseline run fills the
 * baseline side of each benchmark · metric, an aligned run the aligned side, and a
 * measurement with both sides is a benchmark regression. The same file (by SHA-256)
 * is not imported twice into the same generation and role unless forced.
 */
import { createHash } from 'node:crypto'
import { and, desc, eq } from 'drizzle-orm'
import type { Direction, ImportRecord } from '../../src-shared/domain/types'
import type { ImportedBenchmark, ImportResult } from '../../src-shared/api/transfer'
import * as schema from '../db/schema'
import { ImportError, parseCsv, parseInspectLog, parseLmEvalResults, type ParsedRun } from '../importers'
import type { ServiceContext } from './context'
import { getGeneration } from './generations'

export interface ImportRequest {
  format: 'lm-eval' | 'inspect' | 'csv'
  fileName: string
  bytes: Uint8Array
  generationId: number
  role: 'baseline' | 'aligned'
  force?: boolean
  directions?: Record<string, Direction>
  /** Called with a fraction in [0, 1] while parsing and writing. */
  onProgress?: (fraction: number) => void
}

/** One row to write: a side of a measurement, or (CSV measurement form) both sides. */
interface Row {
  benchmark: string
  metric: string
  direction: Direction | null
  shots: number | null
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
}

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

export function runImport(ctx: ServiceContext, req: ImportRequest): ImportResult {
  const generation = getGeneration(ctx, req.generationId)
  const hash = sha256(req.bytes)
  const progress = req.onProgress ?? (() => {})

  const rows = parseRows(req, (f) => progress(f * 0.4))
  const warnings = rows.warnings

  const previous = ctx.db
    .select()
    .from(schema.importRecords)
    .where(
      and(
        eq(schema.importRecords.generationId, generation.id),
        eq(schema.importRecords.sha256, hash),
        eq(schema.importRecords.role, req.role),
      ),
    )
    .get()
  if (previous && !req.force) {
    return {
      importId: null,
      imported: 0,
      skipped: rows.rows.length,
      duplicate: true,
      benchmarks: [],
      unmatched: [],
      needsDirection: [],
      warnings: [
        ...warnings,
        `${req.fileName} was already imported on ${previous.importedAt.slice(0, 10)} as the ${req.role} run: nothing was written (import again with force to add it anyway)`,
      ],
    }
  }

  const directions = req.directions ?? {}
  const needsDirection = [
    ...new Set(rows.rows.filter((r) => r.direction === null && !directions[r.metric]).map((r) => r.metric)),
  ]
  if (needsDirection.length) {
    return {
      importId: null,
      imported: 0,
      skipped: 0,
      duplicate: false,
      benchmarks: [],
      unmatched: [],
      needsDirection,
      warnings: [...warnings, `say whether higher or lower is better for: ${needsDirection.join(', ')}; nothing was written`],
    }
  }

  const benchmarks: ImportedBenchmark[] = []
  const unmatched: ImportedBenchmark[] = []
  const importId = ctx.sqlite.transaction(() => {
    const record = ctx.db
      .insert(schema.importRecords)
      .values({
        projectId: generation.projectId,
        generationId: generation.id,
        fileName: req.fileName,
        sha256: hash,
        format: req.format,
        role: rows.kind === 'run' ? req.role : null,
        rowCount: rows.rows.length,
      })
      .returning()
      .get()
    const total = rows.rows.length
    const step = Math.max(1, Math.floor(total / 50))
    const columns = `(generation_id, benchmark, metric, direction, shots, baseline, aligned, baseline_stderr, aligned_stderr, source, import_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?)`
    // Raw SQL here: bulk writes of up to millions of rows, measured by `npm run bench`.
    // Into a generation with no measurements yet nothing can conflict, so plain inserts
    // (the fastest path); otherwise an upsert fills in the side this run brings.
    const isEmpty = !ctx.sqlite.prepare('SELECT 1 FROM benchmark_measurements WHERE generation_id = ? LIMIT 1').get(generation.id)
    if (isEmpty) {
      const insert = ctx.sqlite.prepare(`INSERT INTO benchmark_measurements ${columns}`)
      for (let i = 0; i < total; i++) {
        const r = rows.rows[i]
        try {
          insert.run(generation.id, r.benchmark, r.metric, r.direction ?? directions[r.metric], r.shots, r.baseline, r.aligned, r.baselineStderr, r.alignedStderr, record.id)
        } catch (err) {
          throw duplicateOrRethrow(err, req.fileName, r, i)
        }
        const entry = { benchmark: r.benchmark, metric: r.metric, baseline: r.baseline, aligned: r.aligned }
        benchmarks.push(entry)
        if (r.baseline === null || r.aligned === null) unmatched.push(entry)
        if (i % step === 0) progress(0.4 + (0.6 * i) / total)
      }
      return record.id
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
        import_id = excluded.import_id
      RETURNING baseline, aligned`)
    const seen = new Set<string>()
    for (let i = 0; i < total; i++) {
      const r = rows.rows[i]
      const key = `${r.benchmark}\u0000${r.metric}`
      if (seen.has(key)) throw duplicateOrRethrow(new Error('UNIQUE constraint failed'), req.fileName, r, i)
      seen.add(key)
      const stored = upsert.get(
        generation.id,
        r.benchmark,
        r.metric,
        r.direction ?? directions[r.metric],
        r.shots,
        r.baseline,
        r.aligned,
        r.baselineStderr,
        r.alignedStderr,
        record.id,
      ) as { baseline: number | null; aligned: number | null }
      const entry = { benchmark: r.benchmark, metric: r.metric, baseline: stored.baseline, aligned: stored.aligned }
      benchmarks.push(entry)
      if (stored.baseline === null || stored.aligned === null) unmatched.push(entry)
      if (i % step === 0) progress(0.4 + (0.6 * i) / total)
    }
    return record.id
  })()
  progress(1)
  return {
    importId,
    imported: rows.rows.length,
    skipped: 0,
    duplicate: false,
    benchmarks,
    unmatched,
    needsDirection: [],
    warnings,
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

function parseRows(
  req: ImportRequest,
  progress: (fraction: number) => void,
): { kind: 'run' | 'measurements'; rows: Row[]; warnings: string[] } {
  let run: ParsedRun
  if (req.format === 'csv') {
    const parsed = parseCsv(Buffer.from(req.bytes).toString('utf8'), req.fileName, progress)
    if (parsed.kind === 'measurements') return { kind: 'measurements', rows: parsed.rows, warnings: [] }
    run = parsed.run
  } else if (req.format === 'lm-eval') {
    run = parseLmEvalResults(req.bytes, req.fileName)
  } else {
    run = parseInspectLog(req.bytes, req.fileName)
  }
  progress(1)
  const baseline = req.role === 'baseline'
  return {
    kind: 'run',
    warnings: run.warnings,
    rows: run.results.map((r) => ({
      benchmark: r.benchmark,
      metric: r.metric,
      direction: r.direction,
      shots: r.shots,
      baseline: baseline ? r.value : null,
      aligned: baseline ? null : r.value,
      baselineStderr: baseline ? r.stderr : null,
      alignedStderr: baseline ? null : r.stderr,
    })),
  }
}
