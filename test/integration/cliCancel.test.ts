/**
 * Ctrl-C during a CLI import: the real `atax` binary is interrupted (SIGINT) while its
 * import is writing — seen from outside as the WAL file growing (SQLite), or as the import's
 * connection holding a transaction that wrote measurements (PostgreSQL, in the integration-pg
 * run) — and the database holds exactly what it held before: the import's one transaction
 * never committed.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { bigCsv } from '../support/bigCsv'
import { runAtax } from '../support/atax'
import { onPg, storeArgs, testStore } from '../support/testStore'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const COUNTS =
  'SELECT (SELECT count(*) FROM benchmark_measurements)::int AS measurements, (SELECT count(*) FROM import_records)::int AS imports'

async function counts(db: string) {
  if (onPg) {
    const client = new pg.Client({ connectionString: testStore(db) })
    await client.connect()
    try {
      return (await client.query(COUNTS)).rows[0]
    } finally {
      await client.end()
    }
  }
  const app = openApp(db, 'desktop')
  try {
    return app.env.sqlite!.prepare(COUNTS.replace(/::int/g, '')).get()
  } finally {
    app.close()
  }
}

/** Resolves once the import is writing: its uncommitted pages spill into the WAL, or its PostgreSQL transaction wrote. */
function writing(db: string): () => Promise<boolean> {
  if (!onPg) {
    const wal = `${db}-wal`
    return async () => fs.existsSync(wal) && fs.statSync(wal).size > 4 * 2 ** 20
  }
  const client = new pg.Client({ connectionString: testStore(db) })
  const connected = client.connect()
  let done = false
  return async () => {
    if (done) return true
    await connected
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
          AND query ILIKE '%benchmark_measurements%'`,
    )
    done = rows[0].n > 0
    if (done) await client.end()
    return done
  }
}

describe('atax import and Ctrl-C', () => {
  it('writes nothing when interrupted mid-import', async () => {
    const db = path.join(dir, 'cli.db')
    for (const args of [
      ['project', 'add', 'P'],
      ['gen', 'add', '--project', 'P', '--name', 'G', '--pretrained', '2024-01-01'],
    ]) {
      const r = runAtax(dir, [...storeArgs(db), ...args])
      expect(r.code, r.stderr).toBe(0)
    }
    const before = await counts(db)
    const csv = path.join(dir, 'big.csv')
    fs.writeFileSync(csv, bigCsv(1_500_000))

    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/atax.mjs'),
        ...storeArgs(db),
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
    const isWriting = writing(db)
    const deadline = Date.now() + 120_000
    while (!(await isWriting())) {
      if (child.exitCode !== null) throw new Error(`the import ended before it could be interrupted: ${stderr}`)
      if (Date.now() > deadline) throw new Error('the import never started writing')
      await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGINT')
    const { code, signal } = await exited
    expect(code === 0, `exit ${code} ${signal} ${stderr}`).toBe(false)
    expect(await counts(db)).toEqual(before)
  })
})
