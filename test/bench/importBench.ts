/**
 * Import speed against the physical limit, measured in the same run: 1,000,000
 * benchmark measurements from CSV through the real import (read, parse, validate,
 * one transaction), against raw better-sqlite3 prepared inserts of the same rows
 * into the same table in one transaction. Target: at most 1.5× the limit's time.
 */
import fs from 'node:fs'
import path from 'node:path'
import { openApp } from '../../src-main/app'
import { runImport } from '../../src-main/services/imports'
import { tempDir } from '../support/tempDb'

export interface ImportBenchResult {
  rows: number
  csvBytes: number
  importMs: number
  limitMs: number
  ratio: number
  peakRssMb: number
}

function makeCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w')
  fs.writeSync(fd, 'benchmark,metric,baseline,aligned,baseline_stderr,aligned_stderr,direction,shots\n')
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const base = 0.3 + ((i * 7919) % 6000) / 10000
    const aligned = base - 0.02 + ((i * 104729) % 400) / 10000
    chunk += `task_${i},acc,${base.toFixed(5)},${aligned.toFixed(5)},0.0041,0.0043,higher,${i % 6}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
}

function freshGeneration(file: string) {
  const app = openApp(file, 'desktop')
  const project = app.env.sqlite.prepare("INSERT INTO projects (name) VALUES ('bench') RETURNING id").get() as {
    id: number
  }
  const gen = app.env.sqlite
    .prepare(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g', '2024-01-01') RETURNING id",
    )
    .get(project.id) as { id: number }
  return { app, generationId: gen.id }
}

export async function runImportBench(rows = 1_000_000): Promise<ImportBenchResult> {
  const dir = tempDir('atax-bench-')
  try {
    const csv = path.join(dir, 'bench.csv')
    makeCsv(csv, rows)
    const csvBytes = fs.statSync(csv).size

    // The limit: the same rows, already in memory as arrays, inserted raw.
    const limitDb = freshGeneration(path.join(dir, 'limit.db'))
    const parsedRows: [string, string, number, number, number, number, string, number][] = []
    for (let i = 0; i < rows; i++) {
      const base = 0.3 + ((i * 7919) % 6000) / 10000
      const aligned = base - 0.02 + ((i * 104729) % 400) / 10000
      parsedRows.push([
        `task_${i}`,
        'acc',
        Number(base.toFixed(5)),
        Number(aligned.toFixed(5)),
        0.0041,
        0.0043,
        'higher',
        i % 6,
      ])
    }
    const insert = limitDb.app.env.sqlite.prepare(
      `INSERT INTO benchmark_measurements (generation_id, benchmark, metric, baseline, aligned, baseline_stderr, aligned_stderr, direction, shots, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')`,
    )
    const t0 = performance.now()
    limitDb.app.env.sqlite.transaction(() => {
      for (const r of parsedRows) insert.run(limitDb.generationId, ...r)
    })()
    const limitMs = performance.now() - t0
    limitDb.app.close()
    parsedRows.length = 0

    // The real import: from the file on disk to committed rows.
    const importDb = freshGeneration(path.join(dir, 'import.db'))
    const t1 = performance.now()
    const result = await runImport(importDb.app.env, {
      format: 'csv',
      fileName: 'bench.csv',
      file: csv, // by path, streamed, as every door hands it over
      generationId: importDb.generationId,
      role: 'baseline',
      // What the app asks for (the contract's default): counts, not a million-entry list.
      list: 'summary',
    })
    const importMs = performance.now() - t1
    const stored = (
      importDb.app.env.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements').get() as { n: number }
    ).n
    importDb.app.close()
    if (result.imported !== rows || stored !== rows) {
      throw new Error(`import bench: expected ${rows} rows, imported ${result.imported}, stored ${stored}`)
    }
    return {
      rows,
      csvBytes,
      importMs,
      limitMs,
      ratio: importMs / limitMs,
      peakRssMb: process.memoryUsage().rss / 2 ** 20,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
