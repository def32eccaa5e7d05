/**
 * Real stores for the tests, fresh for each test and removed afterwards: SQLite files in a
 * temp folder, or — with ATAX_TEST_STORE=postgres (the vitest project `integration-pg`) —
 * PostgreSQL databases on the test server (test/support/postgres.ts).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { pgTypes } from '../../src-main/db/pg/open'
import { appVersion, openApp, type OpenApp } from '../../src-main/app'
import { postgresContext } from '../../src-main/db/dialects/postgres'
import { backupData } from '../../src-main/services/backup'
import * as pgSchema from '../../src-main/db/pg/schema'
import type { OpenedDatabase } from '../../src-main/db/open'
import { deferredTestDatabase } from './postgres'

/** The store the tests run on: 'sqlite' (default) or 'postgres' (ATAX_TEST_STORE=postgres). */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.ATAX_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'

export function tempDir(prefix = 'atax-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function openTempApp(mode: 'desktop' | 'web' = 'desktop'): OpenApp & { dir: string; file: string } {
  if (TEST_STORE === 'postgres') return openTempPostgresApp(mode)
  const dir = tempDir()
  const file = path.join(dir, 'test.db')
  const app = openApp(file, mode)
  return {
    ...app,
    dir,
    file,
    close: () => {
      app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED_FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures')

/**
 * The PostgreSQL twin of openTempApp: a new database copied from the migrated template.
 * `database` is null there (no SQLite file): a test that reaches for it is a SQLite test.
 * `dir` is still a temp folder, for the files a test writes (exports, backups).
 */
function openTempPostgresApp(mode: 'desktop' | 'web'): OpenApp & { dir: string; file: string } {
  const dir = tempDir()
  const database = deferredTestDatabase()
  const ctx = postgresContext(database.pool, drizzle(database.pool, { schema: pgSchema }))
  const location = new URL(database.url)
  return {
    // No `sqlite` on this store: a test that reaches for it is a SQLite test (it fails saying so).
    env: { ...ctx, version: appVersion(), dbFile: location.toString(), mode, readOnlyReason: null } as OpenApp['env'],
    database: null as unknown as OpenedDatabase,
    dir,
    file: location.toString(),
    close: () => {
      void database.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The same store opened again, as another connection (another process would): the SQLite
 * file by its path, the PostgreSQL database by a new pool. Closing it leaves the store.
 */
export function openAgain(app: OpenApp & { file: string }, mode: 'desktop' | 'web' = 'desktop'): OpenApp {
  if (TEST_STORE === 'sqlite') return openApp(app.file, mode)
  const pool = new pg.Pool({ connectionString: app.file, max: 2, types: pgTypes })
  const ctx = postgresContext(pool, drizzle(pool, { schema: pgSchema }))
  return {
    env: { ...ctx, version: appVersion(), dbFile: app.file, mode, readOnlyReason: null } as OpenApp['env'],
    database: null as unknown as OpenedDatabase,
    close: () => void pool.end(),
  }
}

/**
 * What a test compares to say "nothing changed": every row of every table (a backup's data),
 * and on SQLite its id counters too. On PostgreSQL an insert that was rolled back has still
 * used up its id (sequences are not transactional): there the counters are left out.
 */
export async function storeContents(env: OpenApp['env']): Promise<string> {
  const data = await backupData(env)
  if (TEST_STORE === 'postgres') delete (data as Record<string, unknown>).sqlite_sequence
  return JSON.stringify(data)
}
