/**
 * Real stores for the tests, fresh for each test and removed afterwards: SQLite files in a
 * temp folder, or — with ATAX_TEST_STORE=postgres (the vitest project `integration-pg`) —
 * PostgreSQL databases on the test server (test/support/postgres.ts).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/node-postgres'
import { appVersion, openApp, type OpenApp } from '../../src-main/app'
import { postgresContext } from '../../src-main/db/dialects/postgres'
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
    env: { ...ctx, version: appVersion(), dbFile: location.toString(), mode, readOnlyReason: null },
    database: null as unknown as OpenedDatabase,
    dir,
    file: location.toString(),
    close: () => {
      void database.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
