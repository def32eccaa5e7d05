/**
 * Import speed against the physical limit, measured in the same run: 1,000,000
 * benchmark measurements from CSV through the real import (read, parse, validate,
 * one transaction), against raw better-sqlite3 prepared inserts of the same rows
 * into the same table in one transaction, in several interleaved pairs (runImportBench).
 * Target: at most 1.3× the limit's (wall-clock) time.
 */
import fs from 'node:fs'
import path from 'node:path'
import { openApp } from '../../src-main/app'
import { runImport } from '../../src-main/services/imports'
import { tempDir } from '../support/tempDb'

export interface ImportBenchResult {
  rows: number
  csvBytes: number
  runs: number
  /** Medians over the runs. */
  importMs: number
  limitMs: number
  /** The median of the runs' import / limit wall-clock ratios: the figure (time), moved by other processes' load. */
  ratio: number
  /** The median of the runs' import / limit ratios of CPU time (this process's own work, which other processes cannot move). */
  cpuRatio: number
  /** Every run's CPU-time and wall-clock ratios, in order. */
  ratios: { cpu: number; wall: number }[]
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

/** The rows of the CSV, already in memory as arrays: what the limit inserts. */
function parsedRowsOf(rows: number): [string, string, number, number, number, number, string, number][] {
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
  return parsedRows
}

interface Timing {
  ms: number
  cpuMs: number
}

async function timing<T>(run: () => T | Promise<T>): Promise<Timing & { value: T }> {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const value = await run()
  const ms = performance.now() - t0
  const used = process.cpuUsage(cpu)
  return { ms, cpuMs: (used.user + used.system) / 1000, value }
}

/** The limit: the same rows, already in memory as arrays, inserted raw with one prepared statement in one transaction. */
async function runLimit(file: string, rows: number): Promise<Timing> {
  const limitDb = freshGeneration(file)
  try {
    const parsedRows = parsedRowsOf(rows)
    const insert = limitDb.app.env.sqlite.prepare(
      `INSERT INTO benchmark_measurements (generation_id, benchmark, metric, baseline, aligned, baseline_stderr, aligned_stderr, direction, shots, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')`,
    )
    return await timing(() =>
      limitDb.app.env.sqlite.transaction(() => {
        for (const r of parsedRows) insert.run(limitDb.generationId, ...r)
      })(),
    )
  } finally {
    limitDb.app.close()
  }
}

/** The real import: from the file on disk to committed rows. */
async function runRealImport(file: string, csv: string, rows: number): Promise<Timing> {
  const importDb = freshGeneration(file)
  try {
    const t = await timing(() =>
      runImport(importDb.app.env, {
        format: 'csv',
        fileName: 'bench.csv',
        file: csv, // by path, streamed, as every door hands it over
        generationId: importDb.generationId,
        role: 'baseline',
        // What the app asks for (the contract's default): counts, not a million-entry list.
        list: 'summary',
      }),
    )
    const stored = (
      importDb.app.env.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements').get() as { n: number }
    ).n
    if (t.value.imported !== rows || stored !== rows) {
      throw new Error(`import bench: expected ${rows} rows, imported ${t.value.imported}, stored ${stored}`)
    }
    return t
  } finally {
    importDb.app.close()
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const m = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
}

/**
 * `runs` pairs of (limit, import), interleaved and alternating which goes first, each on a
 * fresh file, both in this process: each pair's ratio compares two runs made side by side,
 * and the median of the pairs is reported, with every pair's figures. `ratio` is of
 * wall-clock time, the figure; `cpuRatio` beside it is of CPU time (user + system
 * of this process, GC helper threads included): the same work either way, but a clock
 * other processes cannot move — on a shared machine one pair's wall-clock ratio swings
 * with their load.
 */
export async function runImportBench(
  rows = 1_000_000,
  runs = Number(process.env.ATAX_BENCH_IMPORT_RUNS ?? 7),
): Promise<ImportBenchResult> {
  const dir = tempDir('atax-bench-')
  try {
    const csv = path.join(dir, 'bench.csv')
    makeCsv(csv, rows)
    const csvBytes = fs.statSync(csv).size
    const pairs: { limit: Timing; import: Timing }[] = []
    for (let i = 0; i < runs; i++) {
      const limitFile = path.join(dir, `limit-${i}.db`)
      const importFile = path.join(dir, `import-${i}.db`)
      let limit: Timing
      let imported: Timing
      if (i % 2 === 0) {
        limit = await runLimit(limitFile, rows)
        imported = await runRealImport(importFile, csv, rows)
      } else {
        imported = await runRealImport(importFile, csv, rows)
        limit = await runLimit(limitFile, rows)
      }
      pairs.push({ limit, import: imported })
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.db') || f.includes('.db-')) fs.rmSync(path.join(dir, f))
    }
    return {
      rows,
      csvBytes,
      runs,
      importMs: median(pairs.map((p) => p.import.ms)),
      limitMs: median(pairs.map((p) => p.limit.ms)),
      ratio: median(pairs.map((p) => p.import.ms / p.limit.ms)),
      cpuRatio: median(pairs.map((p) => p.import.cpuMs / p.limit.cpuMs)),
      ratios: pairs.map((p) => ({ cpu: p.import.cpuMs / p.limit.cpuMs, wall: p.import.ms / p.limit.ms })),
      peakRssMb: process.memoryUsage().rss / 2 ** 20,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
