/**
 * Faults of the file and the machine, on real files: a database from a newer app, a
 * truncated or non-SQLite file, and the migration that adds CHECK constraints run on a
 * database holding data (nothing lost, children kept, the rules then enforced).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
import { backupData } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'
import { tempDir } from '../support/tempDb'
import { loadSampleInto, onlyColumnsOf } from '../support/olderSchema'
import { sqliteContext } from '../../src-main/db/dialects/sqlite'

const dirs: string[] = []
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterEach(async () => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A database at the current schema holding the sample, closed. */
async function sampleDb(dir: string): Promise<string> {
  const file = path.join(dir, 'a.db')
  const opened = openDatabase(file, { appVersion: '0.1.0' })
  await loadSample(sqliteContext(opened.db, opened.sqlite))
  opened.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  opened.close()
  return file
}

describe('a database from a newer version of the app', () => {
  const cases: [string, (db: Database.Database) => void, RegExp][] = [
    [
      'a later migration recorded',
      (db) => {
        db.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('f00d', 99999999999999)").run()
        db.prepare("UPDATE settings SET value = '9.0.0' WHERE key = 'schemaWrittenBy'").run()
      },
      /newer version of Alignment Tax Planner \(1 schema change\(s\) this version does not know\): it needs version 9\.0\.0 or later/,
    ],
    ['a higher schema number', (db) => db.pragma('user_version = 99'), /schema 99, this version knows up to \d+/],
    [
      'a column this version does not know',
      (db) => db.prepare('ALTER TABLE projects ADD COLUMN colour text').run(),
      /column projects\.colour is unknown to this version/,
    ],
  ]
  it.each(cases)(
    '(%s) is refused before any write, and the file is left untouched',
    async (_what, makeNewer, message) => {
      const file = await sampleDb(fresh())
      const db = new Database(file)
      makeNewer(db)
      db.close()
      const before = fs.readFileSync(file)
      expect(() => openDatabase(file)).toThrow(message)
      expect(() => openDatabase(file)).toThrow(/it was not changed/)
      expect(fs.readFileSync(file).equals(before)).toBe(true)
    },
  )
})

describe('files that are not (whole) databases', () => {
  it('a truncated database is named damaged, and why', async () => {
    const file = await sampleDb(fresh())
    const bytes = fs.readFileSync(file)
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)))
    expect(() => openDatabase(file)).toThrow(/is damaged: it is truncated \(\d+ bytes where its header promises \d+\)/)
  })

  it('a text file is "not an SQLite file", never "damaged"', async () => {
    const file = path.join(fresh(), 'notes.db')
    fs.writeFileSync(file, 'hello\n'.repeat(100))
    expect(() => openDatabase(file)).toThrow(/is not an Alignment Tax Planner database: it is not an SQLite file/)
    expect(() => openDatabase(file)).not.toThrow(/damaged/)
  })

  it('a folder given as the database is said to be a folder', async () => {
    const dir = fresh()
    expect(() => openDatabase(dir)).toThrow(/is a folder, not a database file/)
  })
})

describe('the CHECK-constraint migration on a database holding data', () => {
  it('keeps every row (children of rebuilt parents included), then enforces the row rules', async () => {
    const dir = fresh()
    // Every migration before the CHECK constraints: the schema as the previous version left it.
    const old = path.join(dir, 'old-migrations')
    fs.cpSync(defaultMigrationsFolder(), old, { recursive: true })
    const journal = JSON.parse(fs.readFileSync(path.join(old, 'meta/_journal.json'), 'utf8'))
    expect(journal.entries.length).toBeGreaterThan(1)
    const checks = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith('_row_rules_check_constraints'))
    expect(checks).toBeGreaterThan(0)
    journal.entries = journal.entries.slice(0, checks)
    fs.writeFileSync(path.join(old, 'meta/_journal.json'), JSON.stringify(journal))
    const file = path.join(dir, 'a.db')
    const first = openDatabase(file, { migrationsFolder: old })
    expect(first.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'generations'").pluck().get()).not.toMatch(
      /CHECK/,
    )
    await loadSampleInto(first.sqlite)
    const before = await backupData(sqliteContext(first.db, first.sqlite))
    expect(before.benchmark_measurements.length).toBeGreaterThan(0)
    first.close()

    const migrated = openDatabase(file)
    expect(migrated.backupFile).not.toBeNull()
    const after = await backupData(sqliteContext(migrated.db, migrated.sqlite))
    for (const table of Object.keys(before)) {
      if (table === 'sqlite_sequence') continue
      // On the columns the old file had (later migrations add some, such as the audit stamps).
      const like = before[table][0] ?? {}
      expect(
        after[table].map((row: Record<string, unknown>) => onlyColumnsOf(like, row)),
        table,
      ).toEqual(before[table])
    }
    // The rebuild adds a 0 counter for a table that never had a row; every real counter is kept.
    const counters = (rows: Record<string, unknown>[]) => rows.filter((r) => (r.seq as number) > 0)
    expect(counters(after.sqlite_sequence)).toEqual(counters(before.sqlite_sequence))
    expect(migrated.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(migrated.sqlite.pragma('foreign_key_check')).toEqual([])
    expect(migrated.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    const gen = after.generations[0]
    const bad: [string, string, unknown[]][] = [
      [
        'measurement going sideways',
        "UPDATE benchmark_measurements SET direction = 'sideways' WHERE id = ?",
        [after.benchmark_measurements[0].id],
      ],
      ['a generation dated "not a date"', "UPDATE generations SET pretrained_on = 'not a date' WHERE id = ?", [gen.id]],
      ['2021-02-30', "UPDATE generations SET pretrained_on = '2021-02-30', deployed_on = NULL WHERE id = ?", [gen.id]],
      ['a policy row with fraction 7', 'UPDATE policy_rows SET fraction = 7 WHERE id = ?', [after.policy_rows[0].id]],
      ['shots 1.5', 'UPDATE benchmark_measurements SET shots = 1.5 WHERE id = ?', [after.benchmark_measurements[0].id]],
      [
        'an infinite score',
        'UPDATE benchmark_measurements SET baseline = 9e999 WHERE id = ?',
        [after.benchmark_measurements[0].id],
      ],
      ['an empty name', "UPDATE projects SET name = '  ' WHERE id = ?", [after.projects[0].id]],
      [
        'a low estimate above the amount',
        'UPDATE cost_items SET low_usd = amount_usd + 1 WHERE id = ?',
        [after.cost_items[0].id],
      ],
    ]
    for (const [what, statement, args] of bad) {
      expect(() => migrated.sqlite.prepare(statement).run(...args), what).toThrow(/CHECK constraint failed/)
    }
    migrated.close()
  })
})

describe('a crash in the middle of a checkpoint', () => {
  it('a file shorter than its header says, beside a write-ahead log holding its pages, opens with every row (not "damaged")', async () => {
    const dir = fresh()
    const file = path.join(dir, 'a.db')
    const first = openDatabase(file)
    await loadSample(sqliteContext(first.db, first.sqlite))
    first.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    first.sqlite.pragma('wal_autocheckpoint = 0')
    // The database grows in the log only: a restore or an import committed, not yet checkpointed.
    const generationId = first.sqlite.prepare('SELECT id FROM generations LIMIT 1').pluck().get() as number
    const add = first.sqlite.prepare(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, baseline, aligned, source) VALUES (?, ?, 'acc', 0.5, 0.4, 'import')",
    )
    first.sqlite.transaction(() => {
      for (let i = 0; i < 20_000; i++) add.run(generationId, `task_${i}`)
    })()
    const expected = first.sqlite.prepare('SELECT count(*) FROM benchmark_measurements').pluck().get() as number
    // The state a kill leaves when a checkpoint has written page 1 (the header, with the new
    // page count) but not yet the pages after the old end of the file.
    const crashed = path.join(dir, 'crashed.db')
    fs.copyFileSync(file, crashed)
    fs.copyFileSync(`${file}-wal`, `${crashed}-wal`)
    first.close()
    const wal = fs.readFileSync(`${crashed}-wal`)
    const pageSize = wal.readUInt32BE(8)
    let pageOne: Buffer | null = null
    for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
      if (wal.readUInt32BE(at) === 1) pageOne = wal.subarray(at + 24, at + 24 + pageSize)
    }
    expect(pageOne).not.toBeNull()
    const fd = fs.openSync(crashed, 'r+')
    fs.writeSync(fd, pageOne!, 0, pageSize, 0)
    fs.closeSync(fd)
    const header = fs.readFileSync(crashed).subarray(0, 100)
    expect(fs.statSync(crashed).size).toBeLessThan(header.readUInt32BE(28) * pageSize)

    const reopened = openDatabase(crashed)
    try {
      expect(reopened.sqlite.prepare('SELECT count(*) FROM benchmark_measurements').pluck().get()).toBe(expected)
      expect(reopened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      reopened.close()
    }
  })
})
