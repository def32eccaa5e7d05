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
import * as schema from './schema'
import { findAppRoot } from '../paths'

export type Db = BetterSQLite3Database<typeof schema>

/** How long a write waits for another process's lock before giving up ('busy'). */
export const BUSY_TIMEOUT_MS = 20_000

export interface OpenedDatabase {
  file: string
  sqlite: Database.Database
  db: Db
  /** Path of the copy made before migrating, when one was needed. */
  backupFile: string | null
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

export function defaultMigrationsFolder(): string {
  return path.join(findAppRoot(), 'drizzle')
}

export function openDatabase(
  file: string,
  options: { migrationsFolder?: string; readonly?: boolean } = {},
): OpenedDatabase {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder()
  const resolved = file === ':memory:' ? file : path.resolve(file)
  if (resolved !== ':memory:') {
    const dir = path.dirname(resolved)
    if (!fs.existsSync(dir)) {
      throw new DatabaseOpenError(`cannot open ${resolved}: folder ${dir} does not exist`, resolved)
    }
  }
  let sqlite: Database.Database
  try {
    sqlite = new Database(resolved, { readonly: options.readonly ?? false })
  } catch (err) {
    throw new DatabaseOpenError(`cannot open ${resolved}: ${(err as Error).message}`, resolved)
  }
  try {
    // Reading the schema is what reveals a file that is not SQLite at all.
    sqlite.pragma('schema_version')
    // Long enough to wait out another process's large import (a million rows take ~10 s).
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    if (!options.readonly) sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('synchronous = NORMAL')
  } catch (err) {
    sqlite.close()
    throw new DatabaseOpenError(
      `${resolved} is not an Alignment Tax Planner database or is damaged (${(err as Error).message})`,
      resolved,
    )
  }

  const db = drizzle(sqlite, { schema })
  let backupFile: string | null = null
  if (!options.readonly) {
    try {
      const pending = pendingMigrationCount(sqlite, migrationsFolder)
      if (pending > 0 && resolved !== ':memory:' && holdsData(sqlite)) {
        backupFile = `${resolved}.before-migration-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
        sqlite.prepare('VACUUM INTO ?').run(backupFile)
      }
      if (pending > 0) migrate(db, { migrationsFolder })
    } catch (err) {
      sqlite.close()
      throw new DatabaseOpenError(
        `cannot prepare ${resolved}: ${(err as Error).message}${backupFile ? ` (a copy was kept at ${backupFile})` : ''}`,
        resolved,
      )
    }
  }
  return {
    file: resolved,
    sqlite,
    db,
    backupFile,
    close: () => {
      if (sqlite.open) sqlite.close()
    },
  }
}

function pendingMigrationCount(sqlite: Database.Database, migrationsFolder: string): number {
  const migrations = readMigrationFiles({ migrationsFolder })
  const hasTable = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get()
  if (!hasTable) return migrations.length
  const last = sqlite.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1').get() as
    { created_at: number } | undefined
  const lastMillis = last ? Number(last.created_at) : -Infinity
  return migrations.filter((m) => m.folderMillis > lastMillis).length
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
