/**
 * The reliability suite (`npm run test:reliability`, run by CI after `npm test`): the real
 * `atax` is SIGKILLed at random moments during CSV imports, backup restores and
 * `export --out`, and after each kill the suite checks that `PRAGMA integrity_check` is
 * ok, the data is all-or-nothing, the app opens and summarises, and no half-written file
 * is under a final name. It prints the counts per kind and exits 1 on any violation.
 *
 * `RELIABILITY_KILLS=N` (default 20 per kind), `RELIABILITY_SEED=S` to replay a run.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openApp } from '../../src-main/app'
import { isTemporaryName } from '../../src-main/files/atomic'
import { dispatch } from '../../src-main/handlers'
import { exportBackup } from '../../src-main/services/backup'
import { loadSample, SAMPLE_PROJECT_NAME } from '../../src-main/services/sample'
import { findAppRoot } from '../../src-main/paths'

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 20)
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000)
const ROWS = 30_000
const ATAX = path.join(findAppRoot(), 'bin/atax.mjs')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-reliability-'))

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
let state = SEED
function random(): number {
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  /** From the moment atax opened the database (its `-shm` file appeared) to its end; null if it never did. */
  workMs: number | null
}

/**
 * Runs atax on `dbFile`. The work starts when atax opens the database, which the suite
 * sees as the database's `-shm` file appearing (each run starts without one); with
 * `killAfterMs`, atax is SIGKILLed that long after the work started, if still running.
 * Measured from the work's start, not the launch, so a busy machine's slow start-up
 * does not push the kills past the end.
 */
function atax(dbFile: string, args: string[], killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ATAX, '--db', dbFile, ...args], {
      cwd: work,
      env: { ...process.env, ATAX_DB: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    let workStarted: number | null = null
    let timer: NodeJS.Timeout | null = null
    const poll = setInterval(() => {
      if (workStarted === null && fs.existsSync(`${dbFile}-shm`)) {
        workStarted = performance.now()
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      }
    }, 1)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearInterval(poll)
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stderr, workMs: workStarted === null ? null : performance.now() - workStarted })
    })
  })
}

const failures: string[] = []
function check(condition: boolean, what: string): void {
  if (!condition) failures.push(what)
}

function integrityOk(file: string): boolean {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('integrity_check', { simple: true }) === 'ok'
  } finally {
    db.close()
  }
}

function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(sql).pluck().get() as number
  } finally {
    db.close()
  }
}

/** The app opens the file (migrations, checks) and summarises every project. */
async function opensAndSummarises(file: string): Promise<boolean> {
  const app = openApp(file, 'desktop')
  try {
    const projects = await dispatch(app.env, 'projects.list', {})
    if (!projects.ok) return false
    for (const p of projects.value as { id: number }[]) {
      if (!(await dispatch(app.env, 'projects.summary', { projectId: p.id })).ok) return false
    }
    return true
  } finally {
    app.close()
  }
}

/** A complete copy of an app database: non-empty, SQLite, intact, with the app's tables. */
function completeCopy(file: string): boolean {
  if (fs.statSync(file).size === 0) return false // an empty file opens as an empty database: not a copy
  try {
    const db = new Database(file, { readonly: true })
    try {
      return (
        db.pragma('integrity_check', { simple: true }) === 'ok' &&
        db.prepare('SELECT count(*) FROM projects').get() !== undefined
      )
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

/** No file under a final name is partial: stray temporary names are allowed, nothing else unexpected. */
function noHalfWrittenFiles(dir: string, where: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (isTemporaryName(name) || /-(wal|shm)$/.test(name)) continue
    if (name.endsWith('.bak') || name.includes('.snapshot-')) {
      check(completeCopy(path.join(dir, name)), `${where}: ${name} is not a complete copy of the database`)
    }
  }
}

function copyDb(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  const db = new Database(from, { readonly: true })
  db.prepare('VACUUM INTO ?').run(to)
  db.close()
}

/** A random moment between `from` and `to` milliseconds after the start. */
const moment = (from: number, to: number) => Math.round(from + random() * (to - from))

async function main() {
  console.log(`reliability: ${KILLS} kills per kind, seed ${SEED}, in ${work}`)
  // ---- fixtures: a sample database with an empty generation, a CSV, a backup of other data ----
  const template = path.join(work, 'template.db')
  {
    const app = openApp(template, 'desktop')
    const { projectId } = await loadSample(app.env)
    await dispatch(app.env, 'generations.create', { projectId, name: 'G', pretrainedOn: '2025-01-01' })
    app.close()
  }
  const csv = path.join(work, 'rows.csv')
  const lines = ['benchmark,metric,value']
  for (let i = 0; i < ROWS; i++) lines.push(`task_${i},acc,${(i % 1000) / 1000}`)
  fs.writeFileSync(csv, lines.join('\n') + '\n')

  const big = path.join(work, 'big.db')
  {
    copyDb(template, big)
    const app = openApp(big, 'desktop')
    const g = app.env.sqlite.prepare("SELECT id FROM generations WHERE name = 'G'").pluck().get() as number
    const insert = app.env.sqlite.prepare(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, baseline, aligned, source) VALUES (?, ?, 'acc', ?, ?, 'import')",
    )
    app.env.sqlite.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(g, `restored_${i}`, 0.5, 0.4 + (i % 10) / 100)
    })()
    fs.writeFileSync(path.join(work, 'backup.json'), (await exportBackup(app.env)).content)
    app.close()
  }
  const backup = path.join(work, 'backup.json')
  const measurementsIn = (file: string) =>
    count(
      file,
      "SELECT count(*) FROM benchmark_measurements m JOIN generations g ON g.id = m.generation_id WHERE g.name = 'G'",
    )

  const results: Record<string, Record<string, number>> = { import: {}, restore: {}, export: {} }
  const tally = (kind: string, outcome: string) => (results[kind][outcome] = (results[kind][outcome] ?? 0) + 1)
  const killsOf = (kind: string) =>
    Object.entries(results[kind])
      .filter(([o]) => o.startsWith('killed'))
      .reduce((s, [, n]) => s + n, 0)

  /** A kill moment within the work of an unkilled run (measured from atax opening the database). */
  const during = (full: Run) => moment(0, full.workMs ?? 0)

  // ---- CSV import ----
  const importArgs = () => ['import', 'csv', csv, '--project', SAMPLE_PROJECT_NAME, '--gen', 'G', '--role', 'baseline']
  const importProbe = path.join(work, 'import-probe', 'a.db')
  copyDb(template, importProbe)
  const fullImport = await atax(importProbe, importArgs())
  check(fullImport.code === 0, `an import without a kill failed: ${fullImport.stderr}`)
  check(measurementsIn(importProbe) === ROWS, 'an import without a kill did not write every row')
  for (let i = 0; killsOf('import') < KILLS && i < KILLS * 3; i++) {
    const db = path.join(work, `import-${i}`, 'a.db')
    copyDb(template, db)
    const run = await atax(db, importArgs(), during(fullImport))
    const rows = measurementsIn(db)
    const where = `import kill ${i}`
    check(integrityOk(db), `${where}: integrity_check failed`)
    check(rows === 0 || rows === ROWS, `${where}: ${rows} of ${ROWS} rows (not all-or-nothing)`)
    check(await opensAndSummarises(db), `${where}: the app does not open and summarise`)
    noHalfWrittenFiles(path.dirname(db), where)
    tally(
      'import',
      run.signal === 'SIGKILL'
        ? rows === 0
          ? 'killed, nothing written'
          : 'killed after commit, all written'
        : 'finished before the kill',
    )
    fs.rmSync(path.dirname(db), { recursive: true, force: true })
  }

  // ---- backup restore ----
  const restoreProbe = path.join(work, 'restore-probe', 'a.db')
  copyDb(template, restoreProbe)
  const before = measurementsIn(restoreProbe)
  const fullRestore = await atax(restoreProbe, ['import', 'backup', backup])
  check(fullRestore.code === 0, `a restore without a kill failed: ${fullRestore.stderr}`)
  check(measurementsIn(restoreProbe) === ROWS, 'a restore without a kill did not restore every row')
  for (let i = 0; killsOf('restore') < KILLS && i < KILLS * 3; i++) {
    const db = path.join(work, `restore-${i}`, 'a.db')
    copyDb(template, db)
    const run = await atax(db, ['import', 'backup', backup], during(fullRestore))
    const where = `restore kill ${i}`
    check(integrityOk(db), `${where}: integrity_check failed`)
    const rows = measurementsIn(db)
    check(
      rows === before || rows === ROWS,
      `${where}: ${rows} rows: neither the old data (${before}) nor the backup's (${ROWS})`,
    )
    check(await opensAndSummarises(db), `${where}: the app does not open and summarise`)
    noHalfWrittenFiles(path.dirname(db), where)
    tally(
      'restore',
      run.signal === 'SIGKILL'
        ? rows === before
          ? 'killed, old data kept'
          : 'killed after commit, backup restored'
        : 'finished before the kill',
    )
    fs.rmSync(path.dirname(db), { recursive: true, force: true })
  }

  // ---- export --out ----
  const exportDir = path.join(work, 'export')
  fs.mkdirSync(exportDir)
  const reference = path.join(exportDir, 'reference.csv')
  const exportArgs = (out: string) => ['export', 'csv', '--project', SAMPLE_PROJECT_NAME, '--out', out]
  new Database(big).close()
  const fullExport = await atax(big, exportArgs(reference))
  check(fullExport.code === 0, `an export without a kill failed: ${fullExport.stderr}`)
  const expected = fs.readFileSync(reference)
  for (let i = 0; killsOf('export') < KILLS && i < KILLS * 3; i++) {
    const out = path.join(exportDir, `out-${i}.csv`)
    // A killed run leaves the -shm file behind; the last connection's close removes it, so the next run's opening shows.
    new Database(big).close()
    const run = await atax(big, exportArgs(out), during(fullExport))
    const where = `export kill ${i}`
    const exists = fs.existsSync(out)
    check(!exists || fs.readFileSync(out).equals(expected), `${where}: a half-written file under ${path.basename(out)}`)
    if (!exists) {
      // A re-run after the kill works: nothing under the final name stands in its way.
      new Database(big).close()
      const again = await atax(big, exportArgs(out))
      check(again.code === 0 && fs.readFileSync(out).equals(expected), `${where}: the re-run failed: ${again.stderr}`)
    }
    tally(
      'export',
      run.signal === 'SIGKILL'
        ? exists
          ? 'killed after the rename, file complete'
          : 'killed, no file (re-run ok)'
        : 'finished before the kill',
    )
  }
  const strays = fs.readdirSync(exportDir).filter(isTemporaryName).length
  check(integrityOk(big), 'the exported database is damaged')

  // ---- report ----
  for (const [kind, outcomes] of Object.entries(results)) {
    const kills = killsOf(kind)
    const runs = Object.values(outcomes).reduce((sum, n) => sum + n, 0)
    console.log(
      `${kind}: ${kills} SIGKILLs in ${runs} runs — ${Object.entries(outcomes)
        .map(([o, n]) => `${n} ${o}`)
        .join(', ')}`,
    )
    check(kills >= KILLS, `${kind}: only ${kills} SIGKILLs (${KILLS} wanted)`)
  }
  console.log(
    'kills were drawn uniformly within the work of an unkilled run (from atax opening the database to its end)',
  )
  console.log(`export: ${strays} stray temporary file(s) left by kills (never under the final name)`)
  console.log(
    `work without a kill: import ${Math.round(fullImport.workMs ?? 0)} ms, restore ${Math.round(fullRestore.workMs ?? 0)} ms, export ${Math.round(fullExport.workMs ?? 0)} ms`,
  )
  if (failures.length) {
    console.error(`\n${failures.length} violation(s):\n  ${failures.join('\n  ')}`)
    console.error(`replay with RELIABILITY_SEED=${SEED}`)
  } else {
    console.log(
      'reliability: every check held (integrity ok, all-or-nothing, opens and summarises, no half-written file)',
    )
  }
  return failures.length ? 1 : 0
}

main()
  .then((code) => {
    fs.rmSync(work, { recursive: true, force: true })
    process.exit(code)
  })
  .catch((err) => {
    console.error(err)
    process.exit(1)
  })
