/**
 * CLI start-up: the built `atax` (bin/atax.mjs → out/main/cli.js) against a bare
 * `node -e 0` on the same machine, same Node. Runs alternate so that a busy moment
 * hits both; the median of each is compared. Two commands: one that needs no
 * database (`tax inference`, the target) and one that opens a database file
 * (`project list`, shown for reference: it loads SQLite and checks migrations).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../support/tempDb'

export interface CliStartResult {
  nodeMs: number
  commands: Array<{ name: string; ms: number; ratio: number }>
  runs: number
}

function timeRun(args: string[]): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return ms
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

export function runCliStartBench(runs = 21): CliStartResult {
  const atax = path.join(REPO_ROOT, 'bin', 'atax.mjs')
  if (!fs.existsSync(path.join(REPO_ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: npm run build')
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-bench-cli-'))
  try {
    const db = path.join(dir, 'bench.db')
    const commands = [
      { name: 'atax tax inference --policy 0.1:4', args: [atax, 'tax', 'inference', '--policy', '0.1:4'] },
      { name: 'atax --db FILE project list', args: [atax, '--db', db, 'project', 'list'] },
    ]
    timeRun([atax, '--db', db, 'sample']) // creates the file; later runs only open it
    const node: number[] = []
    const times = commands.map(() => [] as number[])
    // Two warm-up rounds fill the OS file cache and Node's compile cache.
    for (let i = 0; i < runs + 2; i++) {
      const n = timeRun(['-e', '0'])
      const t = commands.map((c) => timeRun(c.args))
      if (i < 2) continue
      node.push(n)
      t.forEach((ms, j) => times[j].push(ms))
    }
    const nodeMs = median(node)
    return {
      nodeMs,
      runs,
      commands: commands.map((c, j) => ({ name: c.name, ms: median(times[j]), ratio: median(times[j]) / nodeMs })),
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
