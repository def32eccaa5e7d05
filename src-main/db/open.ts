/**
 * Opening the one SQLite file: pragmas, a damaged-file check, a safety copy before
 * any migration of a file that already holds data, then drizzle's migrations.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { getTableColumns, getTableName, is } from 'drizzle-orm'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'
import { findAppRoot } from '../paths'
import { writeFileAtomically } from '../files/atomic'
import { quarantineRowsBreakingRules } from './quarantine'

export type Db = BetterSQLite3Database<typeof schema>

/** How long a write waits for another process's lock before giving up ('busy'). */
export const BUSY_TIMEOUT_MS = 20_000

export interface OpenedDatabase {
  file: string
  sqlite: Database.Database
  db: Db
  /** Path of the copy made before migrating, when one was needed. */
  backupFile: string | null
  /** Why the file is open for reading only (a banner says so; writes are refused), or null. */
  readOnlyReason: string | null
  /** Labels of the rows moved to the trash because they break the row rules, when this open upgraded the file. */
  quarantined: string[]
  /**
   * This open migrated a file that held data: derived data (the maintained headline,
   * services/readModels/maintained.ts) is to be filled by the opener (`fillHeadlines`, async).
   */
  upgraded: boolean
  close(): void
}

export class DatabaseOpenError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message)
    this.name = 'DatabaseOpenError'
  }
}

/** The SQLite migrations (drizzle/sqlite/; PostgreSQL's are in drizzle/pg/). */
export function defaultMigrationsFolder(): string {
  return path.join(findAppRoot(), 'drizzle', 'sqlite')
}

export function openDatabase(
  file: string,
  options: {
    migrationsFolder?: string
    readonly?: boolean
    appVersion?: string
    /** How long SQLite itself blocks for another process's lock (the app waits asynchronously instead). */
    busyTimeoutMs?: number
  } = {},
): OpenedDatabase {
  if (/^postgres(ql)?:\/\//i.test(file)) {
    // Never a file named like a URL: a PostgreSQL store opens through db/store.ts.
    throw new DatabaseOpenError(
      `${file.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} is a PostgreSQL URL, not a file`,
      file,
    )
  }
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder()
  const resolved = file === ':memory:' ? file : path.resolve(file)
  let readOnlyReason: string | null = options.readonly ? 'it was opened for reading only' : null
  if (resolved !== ':memory:') {
    const dir = path.dirname(resolved)
    if (!fs.existsSync(dir)) {
      throw new DatabaseOpenError(`cannot open ${resolved}: folder ${dir} does not exist`, resolved)
    }
    // What is wrong with the file itself is told before SQLite gets to say "not a database".
    const problem = fileProblem(resolved)
    if (problem) throw new DatabaseOpenError(`${resolved} ${problem}`, resolved)
    readOnlyReason ??= whyReadOnly(resolved)
    if (readOnlyReason !== null && !fs.existsSync(resolved)) {
      throw new DatabaseOpenError(`cannot create ${resolved}: ${readOnlyReason}`, resolved)
    }
  }
  let sqlite: Database.Database
  try {
    sqlite = readOnlyReason === null ? new Database(resolved) : openForReading(resolved)
  } catch (err) {
    throw new DatabaseOpenError(`cannot open ${resolved}: ${explainSqliteError(err)}`, resolved)
  }
  try {
    // Reading the schema is what reveals a file that is not SQLite at all.
    sqlite.pragma('schema_version')
    // Before anything is written (even the journal mode): a file from a newer app is left untouched.
    const newer = newerVersionProblem(sqlite, migrationsFolder)
    if (newer) {
      sqlite.close()
      throw new DatabaseOpenError(`${resolved} ${newer}; it was not changed`, resolved)
    }
    // Long enough to wait out another process's large import (a million rows take ~10 s).
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`)
    if (readOnlyReason === null) sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('synchronous = NORMAL')
  } catch (err) {
    if (sqlite.open) sqlite.close()
    if (err instanceof DatabaseOpenError) throw err
    throw new DatabaseOpenError(`cannot open ${resolved}: ${explainSqliteError(err)}`, resolved)
  }

  const db = drizzle(sqlite, { schema })
  let backupFile: string | null = null
  let quarantined: string[] = []
  let upgraded = false
  const pending = pendingMigrationCount(sqlite, migrationsFolder)
  if (pending > 0 && readOnlyReason !== null && holdsData(sqlite)) {
    sqlite.close()
    throw new DatabaseOpenError(
      `${resolved} was written by an older version of the app and must be upgraded, which needs writing, but ${readOnlyReason}`,
      resolved,
    )
  }
  if (readOnlyReason === null && pending > 0) {
    try {
      upgraded = holdsData(sqlite)
      if (resolved !== ':memory:' && upgraded) {
        backupFile = `${resolved}.before-migration-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
        vacuumIntoAtomically(sqlite, backupFile)
      }
      // Table rebuilds (new CHECK constraints) drop and re-create tables: with foreign keys on,
      // dropping a parent would cascade-delete its children. The PRAGMA in the migration is a
      // no-op inside drizzle's transaction, so it is switched off here, and checked after.
      sqlite.pragma('foreign_keys = OFF')
      try {
        // Rows an older version stored that the new CHECKs refuse would stop the upgrade: moved aside first.
        const counters = autoincrementCounters(sqlite)
        quarantined = sqlite.transaction(() =>
          quarantineRowsBreakingRules(sqlite, pendingMigrationStatements(sqlite, migrationsFolder)),
        )()
        migrate(db, { migrationsFolder })
        keepCounters(sqlite, counters)
        const broken = sqlite.pragma('foreign_key_check') as unknown[]
        if (broken.length) throw new Error(`rows refer to missing parents: ${JSON.stringify(broken[0])}`)
        if (options.appVersion) {
          sqlite
            .prepare(
              "INSERT INTO settings (key, value) VALUES ('schemaWrittenBy', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )
            .run(options.appVersion)
        }
        sqlite.pragma(`user_version = ${migrationCount(migrationsFolder)}`)
      } finally {
        sqlite.pragma('foreign_keys = ON')
      }
    } catch (err) {
      sqlite.close()
      throw new DatabaseOpenError(
        `cannot prepare ${resolved}: ${explainSqliteError(err)}${backupFile && fs.existsSync(backupFile) ? ` (a copy was kept at ${backupFile})` : ''}`,
        resolved,
      )
    }
  }
  return {
    file: resolved,
    sqlite,
    db,
    backupFile,
    readOnlyReason,
    quarantined,
    upgraded,
    close: () => {
      if (sqlite.open) sqlite.close()
    },
  }
}

/**
 * A file that cannot be written, opened for reading. A WAL-mode file needs its `-shm`
 * index beside it, which a read-only folder or filesystem cannot hold: then the app reads
 * a copy of the file in memory (marked as a rollback-journal file, which memory can hold),
 * still read-only.
 */
function openForReading(file: string): Database.Database {
  const direct = new Database(file, { readonly: true, fileMustExist: true })
  try {
    direct.pragma('schema_version')
    return direct
  } catch (err) {
    direct.close()
    const code = String((err as { code?: unknown }).code ?? '')
    if (!/^SQLITE_(CANTOPEN|IOERR|READONLY)/.test(code)) throw err
  }
  const bytes = fs.readFileSync(file)
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1
    bytes[19] = 1
  }
  return new Database(bytes, { readonly: true })
}

/** Words for SQLite's and the system's errors: "damaged" only when the file is. */
export function explainSqliteError(err: unknown): string {
  const code = String((err as { code?: unknown })?.code ?? '')
  const message = (err as Error)?.message ?? String(err)
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /database or disk is full/.test(message)) {
    return 'the disk is full: nothing was written; free some space and try again'
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return `it cannot be written (${code.startsWith('SQLITE') ? 'read-only' : code}): nothing was written`
  }
  if (code === 'SQLITE_NOTADB') return 'it is not an Alignment Tax Planner database (not an SQLite file)'
  if (code.startsWith('SQLITE_CORRUPT')) return `it is damaged (${message})`
  if (code.startsWith('SQLITE_CANTOPEN')) return `it cannot be opened (${message})`
  return message
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** A file that is not SQLite, or is shorter than its own header says: named before SQLite opens it. */
function fileProblem(file: string): string | null {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'EISDIR') return 'is a folder, not a database file'
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: you do not have permission to read it'
    return `cannot be read (${code ?? (err as Error).message})`
  }
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isDirectory()) return 'is a folder, not a database file'
    const size = stat.size
    if (size === 0) return null // SQLite treats an empty file as a new database
    const header = Buffer.alloc(100)
    const read = fs.readSync(fd, header, 0, 100, 0)
    if (read < 100 || !header.subarray(0, 16).equals(SQLITE_HEADER)) {
      return `is not an Alignment Tax Planner database: it is not an SQLite file (it is ${size} bytes of something else)`
    }
    const rawPageSize = header.readUInt16BE(16)
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize
    const pages = header.readUInt32BE(28)
    const pagesValid = header.readUInt32BE(24) === header.readUInt32BE(92) && pages > 0
    // After a crash mid-checkpoint the file can be shorter than its header says while the
    // write-ahead log (or a hot rollback journal) beside it still holds every page: SQLite
    // recovers from it on open. Only without one is a short file damaged.
    const recoverable = [`${file}-wal`, `${file}-journal`].some((f) => {
      try {
        return fs.statSync(f).size > 0
      } catch {
        return false
      }
    })
    if (pagesValid && !recoverable && size < pages * pageSize) {
      return `is damaged: it is truncated (${size} bytes where its header promises ${pages * pageSize}); restore a backup or a snapshot`
    }
    return null
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Why the file cannot be written, or null: the file itself, its folder (SQLite writes
 * its journal beside the file) or the whole filesystem may be read-only.
 */
export function fileReadOnlyReason(file: string): string | null {
  return file === ':memory:' ? null : whyReadOnly(file)
}

function whyReadOnly(file: string): string | null {
  const dir = path.dirname(file)
  if (fs.existsSync(file)) {
    try {
      fs.closeSync(fs.openSync(file, 'r+'))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EROFS') return `the disk or filesystem holding it is read-only`
      if (code === 'EACCES' || code === 'EPERM') return `the file is read-only (no permission to write it)`
    }
  }
  const probe = path.join(dir, `.atax-write-probe-${process.pid}-${Math.random().toString(36).slice(2)}`)
  try {
    fs.closeSync(fs.openSync(probe, 'wx'))
    fs.rmSync(probe, { force: true })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EROFS') return 'the disk or filesystem holding it is read-only'
    if (code === 'EACCES' || code === 'EPERM') {
      return `its folder ${dir} is read-only (the database needs to write its journal beside the file)`
    }
    // A full disk still lets the database open: writes will say the disk is full.
  }
  return null
}

function migrationCount(migrationsFolder: string): number {
  return readMigrationFiles({ migrationsFolder }).length
}

/** A file whose schema is ahead of this app: a later migration recorded, a higher user_version, or unknown columns. */
function newerVersionProblem(sqlite: Database.Database, migrationsFolder: string): string | null {
  const migrations = readMigrationFiles({ migrationsFolder })
  const known = new Set(migrations.map((m) => m.hash))
  const latest = Math.max(-Infinity, ...migrations.map((m) => m.folderMillis))
  const writtenBy = () => {
    try {
      const row = sqlite.prepare("SELECT value FROM settings WHERE key = 'schemaWrittenBy'").get() as
        { value: string } | undefined
      return row ? `version ${row.value} or later` : 'a newer version'
    } catch {
      return 'a newer version'
    }
  }
  const refuse = (detail: string) =>
    `was written by a newer version of Alignment Tax Planner (${detail}): it needs ${writtenBy()} of the app; update the app to open it`
  const hasTable = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get()
  if (hasTable) {
    const recorded = sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations').all() as {
      hash: string
      created_at: number
    }[]
    const later = recorded.filter((r) => Number(r.created_at) > latest || !known.has(r.hash))
    if (later.length) return refuse(`${later.length} schema change(s) this version does not know`)
  }
  const userVersion = sqlite.pragma('user_version', { simple: true }) as number
  if (userVersion > migrations.length) {
    return refuse(`schema ${userVersion}, this version knows up to ${migrations.length}`)
  }
  for (const [name, table] of Object.entries(TABLES_BY_SQL_NAME)) {
    const present = (sqlite.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name)
    if (!present.length) continue
    const mine = new Set(Object.values(getTableColumns(table)).map((c) => c.name))
    const unknown = present.filter((c) => !mine.has(c))
    if (unknown.length && hasTable) return refuse(`column ${name}.${unknown[0]} is unknown to this version`)
  }
  return null
}

const TABLES_BY_SQL_NAME: Record<string, SQLiteTable> = Object.fromEntries(
  (Object.values(schema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .map((t) => [getTableName(t), t]),
)

function autoincrementCounters(sqlite: Database.Database): { name: string; seq: number }[] {
  const has = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get()
  return has
    ? (sqlite.prepare('SELECT name, seq FROM main.sqlite_sequence').all() as { name: string; seq: number }[])
    : []
}

/**
 * A table rebuilt by a migration counts ids from its highest row only: the counters from
 * before win where they are higher, so ids of rows now only in the trash are never reused.
 */
function keepCounters(sqlite: Database.Database, counters: { name: string; seq: number }[]): void {
  for (const { name, seq } of counters) {
    const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)
    if (!table) continue
    const updated = sqlite.prepare('UPDATE main.sqlite_sequence SET seq = max(seq, ?) WHERE name = ?').run(seq, name)
    if (updated.changes === 0)
      sqlite.prepare('INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)').run(name, seq)
  }
}

/** `VACUUM INTO` a temporary name in the same folder, synced, then renamed: never a partial copy. */
export function vacuumIntoAtomically(sqlite: Database.Database, target: string): void {
  writeFileAtomically(target, (temp) => sqlite.prepare('VACUUM INTO ?').run(temp))
}

function pendingMigrationCount(sqlite: Database.Database, migrationsFolder: string): number {
  return pendingMigrations(sqlite, migrationsFolder).length
}

function pendingMigrationStatements(sqlite: Database.Database, migrationsFolder: string): string[] {
  return pendingMigrations(sqlite, migrationsFolder).flatMap((m) => m.sql)
}

function pendingMigrations(sqlite: Database.Database, migrationsFolder: string) {
  const migrations = readMigrationFiles({ migrationsFolder })
  const hasTable = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get()
  if (!hasTable) return migrations
  const last = sqlite.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1').get() as
    { created_at: number } | undefined
  const lastMillis = last ? Number(last.created_at) : -Infinity
  return migrations.filter((m) => m.folderMillis > lastMillis)
}

/** True when any user table has a row: an empty new file needs no safety copy. */
function holdsData(sqlite: Database.Database): boolean {
  const tables = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'",
    )
    .all() as { name: string }[]
  return tables.some((t) => sqlite.prepare(`SELECT 1 FROM "${t.name}" LIMIT 1`).get() !== undefined)
}
