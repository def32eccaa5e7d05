/** Opening the one SQLite file: pragmas, migrations, the copy before migrating, damaged files. */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { BUSY_TIMEOUT_MS, DatabaseOpenError, defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
import { tempDir } from '../support/tempDb'

const dirs: string[] = []
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('openDatabase', () => {
  it('creates the schema, with WAL, foreign keys and a busy timeout', () => {
    const file = path.join(fresh(), 'a.db')
    const opened = openDatabase(file)
    expect(opened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(opened.sqlite.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
    const tables = (
      opened.sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]
    ).map((t) => t.name)
    expect(tables).toEqual(
      expect.arrayContaining([
        'projects',
        'generations',
        'benchmark_measurements',
        'cost_items',
        'plans',
        'import_records',
      ]),
    )
    expect(opened.backupFile).toBeNull()
    opened.close()
  })

  it('opens an existing file again without migrating or copying it', () => {
    const file = path.join(fresh(), 'a.db')
    openDatabase(file).close()
    const again = openDatabase(file)
    expect(again.backupFile).toBeNull()
    again.close()
  })

  it('copies a file that holds data aside before applying a new migration', () => {
    const dir = fresh()
    const file = path.join(dir, 'a.db')
    const first = openDatabase(file)
    first.sqlite.prepare("INSERT INTO projects (name) VALUES ('kept')").run()
    first.close()
    // A migrations folder with one more (later) migration than the file has seen.
    const migrations = path.join(dir, 'migrations')
    fs.cpSync(defaultMigrationsFolder(), migrations, { recursive: true })
    const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta/_journal.json'), 'utf8'))
    const last = journal.entries.at(-1)
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_test' })
    fs.writeFileSync(path.join(migrations, 'meta/_journal.json'), JSON.stringify(journal))
    fs.writeFileSync(path.join(migrations, '9999_test.sql'), 'ALTER TABLE projects ADD COLUMN test_col text;')

    const migrated = openDatabase(file, { migrationsFolder: migrations })
    expect(migrated.backupFile).not.toBeNull()
    expect(fs.existsSync(migrated.backupFile!)).toBe(true)
    const copy = new Database(migrated.backupFile!, { readonly: true })
    expect(copy.prepare('SELECT name FROM projects').all()).toEqual([{ name: 'kept' }])
    const cols = (copy.prepare('PRAGMA table_info(projects)').all() as { name: string }[]).map((c) => c.name)
    expect(cols).not.toContain('test_col')
    copy.close()
    const newCols = (migrated.sqlite.prepare('PRAGMA table_info(projects)').all() as { name: string }[]).map(
      (c) => c.name,
    )
    expect(newCols).toContain('test_col')
    migrated.close()
  })

  it('refuses a file that is not a database, with a message naming it, and leaves it untouched', () => {
    const file = path.join(fresh(), 'notes.db')
    fs.writeFileSync(file, 'this is not sqlite at all, just some text that is long enough to be a header'.repeat(20))
    const before = fs.readFileSync(file)
    expect(() => openDatabase(file)).toThrow(DatabaseOpenError)
    expect(() => openDatabase(file)).toThrow(
      /notes\.db is not an Alignment Tax Planner database: it is not an SQLite file/,
    )
    expect(fs.readFileSync(file)).toEqual(before)
  })

  it('says which folder is missing', () => {
    expect(() => openDatabase('/definitely/not/here/a.db')).toThrow(/folder \/definitely\/not\/here does not exist/)
  })
})
