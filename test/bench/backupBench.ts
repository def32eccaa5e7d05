/**
 * Backup out and in with 3,000,000 measurements, each in a process of its own, so
 * that its peak resident memory (maxRSS) is the backup's alone.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { openApp } from '../../src-main/app'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { seedBigGeneration } from './bigGenerationBench'

export interface BackupBenchResult {
  measurements: number
  backupMb: number
  exportMs: number
  restoreMs: number
  exportRssMb: number
  restoreRssMb: number
}

/** Runs test/bench/backupChild.ts (export or restore) in a new Node process; returns its report. */
function child(args: string[]): { ms: number; maxRssMb: number } {
  const r = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/bench/backupChild.ts', ...args],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) throw new Error(`backup bench: ${args[0]} failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

export function runBackupBench(rows = 3_000_000): BackupBenchResult {
  const dir = tempDir('atax-bench-backup-')
  try {
    const db = path.join(dir, 'source.db')
    const app = openApp(db, 'desktop')
    seedBigGeneration(app.env.sqlite, rows)
    app.close()
    const backup = path.join(dir, 'backup.jsonl')
    const out = child(['export', db, backup])
    const target = path.join(dir, 'target.db')
    openApp(target, 'desktop').close()
    const back = child(['restore', target, backup])
    return {
      measurements: rows,
      backupMb: fs.statSync(backup).size / 2 ** 20,
      exportMs: out.ms,
      restoreMs: back.ms,
      exportRssMb: out.maxRssMb,
      restoreRssMb: back.maxRssMb,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
