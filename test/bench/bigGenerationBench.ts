/**
 * A generation of 1,000,000 measurements: its page's header (`generations.get`: counts,
 * headline, the largest changes) the first time after its rows were imported and again,
 * its first page of measurements, moving it to the trash, and undoing that, through the
 * handler table on a real file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { dispatch } from '../../src-main/handlers'
import { runImport } from '../../src-main/services/imports'
import { openTempApp } from '../support/tempDb'

export interface BigGenerationResult {
  measurements: number
  /** `generations.get`, the first time after the rows were imported. */
  generationGetMs: number
  /** `generations.get` again, nothing written since. */
  generationGetAgainMs: number
  pageMs: number
  deleteMs: number
  undoMs: number
}

/** Writes `rows` measurements into one new generation, raw (the seed is not what is measured). */
export function seedBigGeneration(sqlite: import('better-sqlite3').Database, rows: number, name = 'big'): number {
  const p = sqlite.prepare('INSERT INTO projects (name) VALUES (?) RETURNING id').get(name) as { id: number }
  const { id } = sqlite
    .prepare(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g', '2024-01-01') RETURNING id",
    )
    .get(p.id) as { id: number }
  const insert = sqlite.prepare(
    `INSERT INTO benchmark_measurements (generation_id, benchmark, metric, direction, baseline, aligned, baseline_stderr, aligned_stderr, source)
     VALUES (?, ?, 'acc', 'higher', ?, ?, 0.004, 0.004, 'import')`,
  )
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const base = 0.4 + ((i * 37) % 50) / 100
      insert.run(id, `task_${i}`, base, base - 0.03 + ((i * 13) % 60) / 1000)
    }
  })()
  return id
}

/**
 * Imports `rows` measurements into one new generation through the real CSV import (the
 * write path, which keeps the generation's headline as it writes; not what is measured).
 */
export async function importBigGeneration(app: ReturnType<typeof openTempApp>, rows: number): Promise<number> {
  const sqlite = app.env.sqlite
  const p = sqlite.prepare("INSERT INTO projects (name) VALUES ('big') RETURNING id").get() as { id: number }
  const { id } = sqlite
    .prepare(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g', '2024-01-01') RETURNING id",
    )
    .get(p.id) as { id: number }
  const csv = path.join(app.dir, 'big.csv')
  const fd = fs.openSync(csv, 'w')
  fs.writeSync(fd, 'benchmark,metric,baseline,aligned,baseline_stderr,aligned_stderr,direction\n')
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const base = 0.4 + ((i * 37) % 50) / 100
    chunk += `task_${i},acc,${base},${base - 0.03 + ((i * 13) % 60) / 1000},0.004,0.004,higher\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
  const result = await runImport(app.env, {
    format: 'csv',
    fileName: 'big.csv',
    file: csv,
    generationId: id,
    role: 'baseline',
    list: 'summary',
  })
  if (result.imported !== rows) throw new Error(`big generation bench: imported ${result.imported} of ${rows} rows`)
  fs.rmSync(csv)
  return id
}

async function timed(run: () => Promise<{ ok: boolean }>): Promise<number> {
  const t0 = performance.now()
  const r = await run()
  const ms = performance.now() - t0
  if (!r.ok) throw new Error(`big generation bench: ${JSON.stringify(r)}`)
  return ms
}

export async function runBigGenerationBench(rows = 1_000_000): Promise<BigGenerationResult> {
  const app = openTempApp('desktop')
  try {
    const generationId = await importBigGeneration(app, rows)
    const generationGetMs = await timed(() => dispatch(app.env, 'generations.get', { id: generationId }))
    const generationGetAgainMs = await timed(() => dispatch(app.env, 'generations.get', { id: generationId }))
    const pageMs = await timed(() => dispatch(app.env, 'measurements.page', { generationId }))
    let trashId = 0
    const deleteMs = await timed(async () => {
      const r = await dispatch(app.env, 'generations.delete', { id: generationId })
      if (r.ok) trashId = (r.value as { id: number }).id
      return r
    })
    const undoMs = await timed(() => dispatch(app.env, 'trash.restore', { id: trashId }))
    return { measurements: rows, generationGetMs, generationGetAgainMs, pageMs, deleteMs, undoMs }
  } finally {
    app.close()
  }
}
