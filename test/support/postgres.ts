/**
 * A throwaway PostgreSQL server for the tests: one per vitest run (vitest's globalSetup calls
 * `setup`, which starts it and hands its URL to the test files through `provide`), a fresh
 * database per test file (`createTestDatabase`), stopped and removed at the end.
 *
 * The server comes from Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin;
 * `.ci/run` installs it). As root, initdb and pg_ctl run as the `postgres` user (PostgreSQL
 * refuses to run as root) through `runuser`; as anyone else, directly. It listens on
 * 127.0.0.1 on a free port, with its socket and data in a temp folder.
 *
 * Without PostgreSQL the tests that need it fail, saying to install it — they are never
 * skipped silently — unless ATAX_SKIP_PG=1 is set, which skips them (for a machine where
 * only the SQLite store matters).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import pg from 'pg'
import { openPostgres, pgTypes } from '../../src-main/db/pg/open'

const run = promisify(execFile)

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's URL (its maintenance database), or null when it is not running. */
    atax_pg_url: string | null
    /** Why there is no test server (not installed, failed to start, ATAX_SKIP_PG=1), or null. */
    atax_pg_problem: string | null
  }
}

/** Set to 1 to skip, not fail, the tests that need PostgreSQL. */
export const SKIP_PG = process.env.ATAX_SKIP_PG === '1'

const INSTALL_HINT =
  "install Debian's PostgreSQL (apt-get install postgresql), or set ATAX_SKIP_PG=1 to skip the tests that need it"

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or null. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | null {
  if (process.env.ATAX_PG_BIN) return process.env.ATAX_PG_BIN
  let versions: string[]
  try {
    versions = fs.readdirSync(root)
  } catch {
    return null
  }
  const found = versions
    .filter(
      (v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')),
    )
    .sort((a, b) => Number(b) - Number(a) || b.localeCompare(a))
  return found.length ? path.join(root, found[0]!, 'bin') : null
}

/** A role of the test server that logs in with a password (PASSWORD_USER_PASSWORD) only; created by `setup`. */
export const PASSWORD_USER = 'atax_password'
export const PASSWORD_USER_PASSWORD = 'right-password'

export interface TestServer {
  url: string
  dir: string
  stop(): Promise<void>
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

/** A command as the `postgres` user when we are root, else as ourselves. */
async function runAsServerUser(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  try {
    await run(file, argv, { env: { ...process.env, LC_ALL: 'C', ...env }, timeout: 120_000 })
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string }
    throw new Error(`${path.basename(bin)} failed: ${(e.stderr || e.stdout || e.message).trim()}`, { cause: err })
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Servers left by a test run that was killed before its teardown (its process is gone): stopped and removed. */
async function stopAbandonedServers(bin: string): Promise<void> {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('atax-pg-'))) {
    const dir = path.join(os.tmpdir(), name)
    let owner: number
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'))
    } catch {
      continue // being made right now, or not ours
    }
    if (!owner || isAlive(owner)) continue
    await runAsServerUser(path.join(bin, 'pg_ctl'), [
      '-D',
      path.join(dir, 'data'),
      '-m',
      'immediate',
      '-w',
      'stop',
    ]).catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** initdb + pg_ctl start in a fresh temp folder; `stop()` stops it and removes the folder. */
export async function startTestServer(bin: string): Promise<TestServer> {
  await stopAbandonedServers(bin)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-pg-'))
  const data = path.join(dir, 'data')
  const log = path.join(dir, 'server.log')
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid))
  if (isRoot()) {
    try {
      await run('id', ['-u', 'postgres'])
    } catch {
      fs.rmSync(dir, { recursive: true, force: true })
      throw new Error(
        `running as root, PostgreSQL must run as the "postgres" user, which does not exist; ${INSTALL_HINT}`,
      )
    }
    await run('chown', ['postgres:', dir])
  }
  const pgCtl = path.join(bin, 'pg_ctl')
  let started = false
  const stop = async () => {
    if (started) await runAsServerUser(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    await runAsServerUser(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'atax',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ])
    // Every login is trusted but one, which needs its password: the tests of a refused login use it.
    const hba = path.join(data, 'pg_hba.conf')
    fs.writeFileSync(hba, `host all ${PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, 'utf8')}`)
    // Another process may take the free port before the server does: a few tries.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const opts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ')
      try {
        await runAsServerUser(pgCtl, ['-D', data, '-l', log, '-o', opts, '-w', '-t', '60', 'start'])
        started = true
        const url = `postgres://atax@127.0.0.1:${port}/postgres`
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        await client.query(`CREATE ROLE ${PASSWORD_USER} LOGIN PASSWORD '${PASSWORD_USER_PASSWORD}'`)
        await client.end()
        return { url, dir, stop }
      } catch (err) {
        const serverLog = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''
        if (attempt >= 3 || !/could not bind|address already in use/i.test(serverLog)) {
          throw new Error(`${(err as Error).message}\n${serverLog.trim().split('\n').slice(-10).join('\n')}`, {
            cause: err,
          })
        }
      }
    }
  } catch (err) {
    await stop()
    throw err
  }
}

interface Started {
  server: TestServer | null
  problem: string | null
  users: number
}

/** The run's server, shared by the vitest projects that set it up (each project runs its globalSetup). */
const SHARED = Symbol.for('atax.test.postgres')
const shared = globalThis as unknown as { [SHARED]?: Promise<Started> }

async function startOnce(): Promise<Started> {
  let server: TestServer | null = null
  let problem: string | null = null
  if (SKIP_PG) problem = 'ATAX_SKIP_PG=1'
  else {
    const bin = findPostgresBin()
    if (!bin) problem = `PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): ${INSTALL_HINT}`
    else {
      try {
        server = await startTestServer(bin)
        await makeTemplate(server.url)
      } catch (err) {
        problem = `the test PostgreSQL server did not start: ${(err as Error).message}`
        await server?.stop()
        server = null
      }
    }
  }
  return { server, problem, users: 0 }
}

/** vitest globalSetup: one server for the whole run, its URL given to every test file. */
export async function setup(project: {
  provide(key: 'atax_pg_url' | 'atax_pg_problem', value: string | null): void
}): Promise<() => Promise<void>> {
  const started = await (shared[SHARED] ??= startOnce())
  started.users++
  const { server, problem } = started
  project.provide('atax_pg_url', server?.url ?? null)
  project.provide('atax_pg_problem', problem)
  // And through the environment, which the test workers inherit: this module is also
  // imported outside vitest (test/support/tempDb.ts by the benches), where vitest's inject is not.
  if (server) process.env.ATAX_TEST_PG_URL = server.url
  else process.env.ATAX_TEST_PG_PROBLEM = problem ?? 'unknown'
  return async () => {
    if (--started.users > 0) return
    delete shared[SHARED]
    await server?.stop()
  }
}

/** The test server's URL; throws (failing the test) when there is none, unless ATAX_SKIP_PG=1. */
export function testServerUrl(): string {
  const url = process.env.ATAX_TEST_PG_URL
  if (url) return url
  throw new Error(
    `no PostgreSQL for this test: ${process.env.ATAX_TEST_PG_PROBLEM ?? 'the vitest globalSetup (test/support/postgres.ts) did not run'}`,
  )
}

export interface TestDatabase {
  /** postgres:// URL of a new, empty database. */
  url: string
  name: string
  drop(): Promise<void>
}

/** A new empty database on the test server (one per test file, or per test when it must start empty). */
export async function createTestDatabase(prefix = 'atax_test'): Promise<TestDatabase> {
  const admin = testServerUrl()
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE "${name}"`)
  } finally {
    await client.end()
  }
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** A database with the app's schema, copied for each test store (CREATE DATABASE … TEMPLATE: no migrations per test). */
export const TEMPLATE_DATABASE = 'atax_template'

async function makeTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${TEMPLATE_DATABASE}`
  const store = await openPostgres(url.toString(), { poolSize: 1 })
  await store.close()
}

/**
 * A pool over a new database copied from the template, made synchronously: the copy is made
 * in the background and the pool's first connection waits for it. So a test store opens as
 * the SQLite one does, without an await (test/support/tempDb.ts openTempApp).
 */
export function deferredTestDatabase(): { pool: pg.Pool; url: string; drop(): Promise<void> } {
  const admin = testServerUrl()
  const name = `atax_test_${randomBytes(6).toString('hex')}`
  const url = new URL(admin)
  url.pathname = `/${name}`
  const ready = (async () => {
    const client = new pg.Client({ connectionString: admin })
    await client.connect()
    try {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE_DATABASE}`)
    } finally {
      await client.end()
    }
  })()
  ready.catch(() => {}) // reported by the first query
  const pool = new DeferredPool({ connectionString: url.toString(), max: 4, types: pgTypes }, ready)
  return {
    pool,
    url: url.toString(),
    async drop() {
      await pool.end().catch(() => {})
      await ready.catch(() => {})
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** A pool whose connections wait until `ready` (the database exists). */
class DeferredPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly ready: Promise<void>,
  ) {
    super(config)
  }
  // pg-pool's query() connects through connect(callback): both forms wait.
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void,
  ): never {
    const connect = super.connect.bind(this) as (...a: unknown[]) => unknown
    if (callback) {
      this.ready.then(
        () => connect(callback),
        (err: Error) => callback(err, undefined, () => {}),
      )
      return undefined as never
    }
    return this.ready.then(() => connect()) as never
  }
}
