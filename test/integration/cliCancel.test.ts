/**
 * Ctrl-C during a CLI import: the real `atax` binary is interrupted (SIGINT) while its
 * import is writing — seen from outside as the WAL file growing — and the database
 * holds exactly what it held before: the import's one transaction never committed.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { bigCsv } from '../support/bigCsv'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const counts = (db: string) => {
  const app = openApp(db, 'desktop')
  try {
    return app.env.sqlite
      .prepare(
        'SELECT (SELECT count(*) FROM benchmark_measurements) AS measurements, (SELECT count(*) FROM import_records) AS imports',
      )
      .get()
  } finally {
    app.close()
  }
}

describe('atax import and Ctrl-C', () => {
  it('writes nothing when interrupted mid-import', async () => {
    const db = path.join(dir, 'cli.db')
    const app = openApp(db, 'desktop')
    const p = app.env.sqlite.prepare("INSERT INTO projects (name) VALUES ('P') RETURNING id").get() as { id: number }
    app.env.sqlite
      .prepare("INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'G', '2024-01-01')")
      .run(p.id)
    app.close()
    const before = counts(db)
    const csv = path.join(dir, 'big.csv')
    fs.writeFileSync(csv, bigCsv(1_500_000))

    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/atax.mjs'),
        '--db',
        db,
        'import',
        'csv',
        csv,
        '--project',
        'P',
        '--gen',
        'G',
        '--role',
        'baseline',
      ],
      { cwd: dir, env: { ...process.env, ATAX_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    // Wait until the import is writing: its uncommitted pages spill into the WAL.
    const wal = `${db}-wal`
    const deadline = Date.now() + 120_000
    while (!(fs.existsSync(wal) && fs.statSync(wal).size > 4 * 2 ** 20)) {
      if (child.exitCode !== null) throw new Error(`the import ended before it could be interrupted: ${stderr}`)
      if (Date.now() > deadline) throw new Error('the import never started writing')
      await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGINT')
    const { code, signal } = await exited
    expect(code === 0, `exit ${code} ${signal} ${stderr}`).toBe(false)
    expect(counts(db)).toEqual(before)
  })
})
