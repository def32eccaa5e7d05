/**
 * A CSV larger than V8's longest string (2 GiB by default; `ATAX_BENCH_BIGCSV_MB`
 * for another size), written to disk as a stream, then imported in a process of its
 * own: its peak RSS (target ≤ 500 MiB) shows the file is never held whole.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, tempDir } from '../support/tempDb'

export interface BigCsvBenchResult {
  csvMb: number
  rows: number
  importMs: number
  peakRssMb: number
}

/** Writes a measurements-layout CSV of about `bytes` bytes, a buffer of rows at a time. */
async function writeBigCsv(file: string, bytes: number): Promise<number> {
  const out = fs.createWriteStream(file)
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => out.write(s, (err) => (err ? reject(err) : resolve())))
  await write('benchmark,metric,baseline,aligned,baseline_stderr,aligned_stderr,shots\n')
  // Long task names (as real suites have: lm-eval subtasks, Inspect task paths) keep
  // the row count, and so the database and the run time, reasonable for 2 GiB.
  const pad = 'x'.repeat(120)
  let written = 0
  let rows = 0
  while (written < bytes) {
    let chunk = ''
    for (let k = 0; k < 4096; k++, rows++) {
      chunk += `suite/${pad}/task_${rows},acc,${(rows % 997) / 1000},${(rows % 991) / 1000},0.01,0.012,${rows % 6}\n`
    }
    written += Buffer.byteLength(chunk)
    await write(chunk)
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  return rows
}

export async function runBigCsvBench(
  mb = Number(process.env.ATAX_BENCH_BIGCSV_MB ?? 2048),
): Promise<BigCsvBenchResult> {
  const dir = tempDir('atax-bench-bigcsv-')
  try {
    const csv = path.join(dir, 'big.csv')
    const rows = await writeBigCsv(csv, mb * 2 ** 20)
    const db = path.join(dir, 'big.db')
    const r = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/bench/bigCsvChild.ts', db, csv],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    )
    if (r.status !== 0) throw new Error(`bigCsv bench: the import failed: ${r.stderr}`)
    const child = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number; rows: number; maxRssMb: number }
    if (child.rows !== rows) throw new Error(`bigCsv bench: ${child.rows} rows imported, ${rows} written`)
    return { csvMb: fs.statSync(csv).size / 2 ** 20, rows, importMs: child.ms, peakRssMb: child.maxRssMb }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
