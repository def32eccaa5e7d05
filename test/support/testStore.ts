/**
 * A test's store as the processes that open it by name see it (the built `atax`, the engine
 * host's worker threads, web mode): a SQLite file path, or — in the vitest project
 * `integration-pg` (ATAX_TEST_STORE=postgres) — the postgres:// URL of a fresh database on the
 * test server (test/support/postgres.ts), copied from its migrated template.
 *
 * Made synchronously (the `createdb` client of the server's own bin folder), so a test file
 * that sets its store up at collection time, as the CLI tests do, keeps doing so.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { afterAll } from 'vitest'
import { findPostgresBin, TEMPLATE_DATABASE, testServerUrl } from './postgres'
import { TEST_STORE } from './tempDb'

/** True in the PostgreSQL run of the suite: for `it.skipIf(onPg)` on a test of the SQLite file itself. */
export const onPg = TEST_STORE === 'postgres'

const made = new Map<string, string>()
// Registered when a test file imports this module (a hook added while tests run would be lost);
// vitest runs afterAll hooks last-registered first, so this one after the file's own.
afterAll(dropAll)

/**
 * The store named by `file`: the file itself on SQLite; on PostgreSQL the URL of a new
 * database, the same one each time for the same `file` (dropped when the test file ends).
 */
export function testStore(file: string): string {
  if (!onPg) return file
  const known = made.get(file)
  if (known) return known
  const admin = new URL(testServerUrl())
  const name = `atax_t_${randomBytes(6).toString('hex')}`
  const bin = findPostgresBin()
  if (!bin) throw new Error('no PostgreSQL client (createdb) for the test store')
  const r = spawnSync(
    path.join(bin, 'createdb'),
    ['-h', admin.hostname, '-p', admin.port, '-U', decodeURIComponent(admin.username), '-T', TEMPLATE_DATABASE, name],
    { encoding: 'utf8', timeout: 60_000 },
  )
  if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr || r.error?.message}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  made.set(file, url.toString())
  return url.toString()
}

/** The global option that names the store for `atax`: `--db FILE` on SQLite, `--store URL` on PostgreSQL. */
export function storeArgs(file: string): string[] {
  return onPg ? ['--store', testStore(file)] : ['--db', file]
}

function dropAll(): void {
  if (made.size === 0) return
  const bin = findPostgresBin()
  if (!bin) return
  const admin = new URL(testServerUrl())
  for (const url of made.values()) {
    spawnSync(
      path.join(bin, 'dropdb'),
      [
        '-h',
        admin.hostname,
        '-p',
        admin.port,
        '-U',
        decodeURIComponent(admin.username),
        '--force',
        '--if-exists',
        new URL(url).pathname.slice(1),
      ],
      { timeout: 60_000 },
    )
  }
  made.clear()
}
