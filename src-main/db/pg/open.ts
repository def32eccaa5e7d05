/**
 * Opening a PostgreSQL store (the team server): a node-postgres Pool over a `postgres://` URL,
 * checks that tell what is wrong and where (server unreachable, login refused, database missing,
 * not UTF8, too old, written by a newer app), then drizzle's migrations from drizzle/pg/.
 *
 * Several `serve` processes may start together over one database: the migrations run under a
 * session advisory lock, so one applies them (in drizzle's one transaction) while the others
 * wait, then find nothing left to do.
 */
import path from 'node:path'
import pg from 'pg'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import * as schema from './schema'
import { findAppRoot } from '../../paths'

export type PgDb = NodePgDatabase<typeof schema>

export interface OpenedPostgres {
  /** The URL without its password, for messages and the app's title. */
  url: string
  pool: pg.Pool
  db: PgDb
  /** This open migrated a database that already had the app's tables: derived data (the maintained headline) is to be filled by the opener. */
  upgraded: boolean
  close(): Promise<void>
}

export class PostgresOpenError extends Error {
  constructor(
    message: string,
    /** The URL without its password. */
    readonly url: string,
  ) {
    super(message)
    this.name = 'PostgresOpenError'
  }
}

/** The lowest server version the schema and its migrations are tested with. */
export const MIN_SERVER_VERSION = 130000
/** The advisory lock the migrations run under (any constant; 'atax' in ASCII). */
export const MIGRATION_LOCK_KEY = 0x61746178
const MIGRATIONS_SCHEMA = 'drizzle'
const MIGRATIONS_TABLE = '__drizzle_migrations'

export function defaultPgMigrationsFolder(): string {
  return path.join(findAppRoot(), 'drizzle', 'pg')
}

export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store)
}

/** The URL with its password replaced by `***` (never printed, never in an error). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '***')
    }
    return u.toString()
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
  }
}

/**
 * node-postgres gives int8 (count(*), sums of integers) and numeric as strings; the services
 * expect numbers, as SQLite gives. Counts and ids stay far below 2^53.
 */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v)
    return format ? pg.types.getTypeParser(oid, format) : pg.types.getTypeParser(oid)
  },
} as pg.CustomTypesConfig

export async function openPostgres(
  url: string,
  options: {
    migrationsFolder?: string
    /** Connections in the pool (node-postgres' default is 10). */
    poolSize?: number
    /** How long to wait for the server to answer before saying it cannot be reached. */
    connectTimeoutMs?: number
    applicationName?: string
  } = {},
): Promise<OpenedPostgres> {
  const shown = redactUrl(url)
  let target: Target
  try {
    target = describeTarget(url)
  } catch {
    throw new PostgresOpenError(`${shown} is not a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)`, shown)
  }
  const migrationsFolder = options.migrationsFolder ?? defaultPgMigrationsFolder()
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'atax',
    types: pgTypes,
  })
  // An idle connection the server drops (a restart, a proxy's timeout) must not crash the
  // process: the pool replaces it; the next query that fails says why.
  pool.on('error', (err) => {
    process.stderr.write(`atax: a PostgreSQL connection to ${target.where} was lost: ${err.message}\n`)
  })
  let upgraded: boolean
  try {
    let client: pg.PoolClient
    try {
      client = await pool.connect()
    } catch (err) {
      throw new PostgresOpenError(explainConnectError(err, target), shown)
    }
    try {
      await checkServer(client, target, shown)
      upgraded = await migrateLocked(client, migrationsFolder, target, shown)
    } finally {
      client.release()
    }
  } catch (err) {
    await pool.end().catch(() => {})
    if (err instanceof PostgresOpenError) throw err
    throw new PostgresOpenError(`cannot prepare ${target.database} at ${target.where}: ${pgMessage(err)}`, shown)
  }
  const db = drizzle(pool, { schema })
  let closed: Promise<void> | null = null
  return {
    url: shown,
    pool,
    db,
    upgraded,
    close: () => (closed ??= pool.end()),
  }
}

interface Target {
  /** host:port, or the socket folder. */
  where: string
  host: string
  port: string
  user: string
  database: string
}

function describeTarget(url: string): Target {
  const u = new URL(url)
  if (!/^postgres(ql)?:$/i.test(u.protocol)) throw new Error('not postgres')
  const socketHost = u.searchParams.get('host')
  const host = socketHost ?? (decodeURIComponent(u.hostname) || 'localhost')
  const port = u.port || u.searchParams.get('port') || '5432'
  const user = decodeURIComponent(u.username) || process.env.PGUSER || process.env.USER || 'postgres'
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user
  const where = host.startsWith('/') ? `${host} (socket, port ${port})` : `${host}:${port}`
  return { where, host, port, user, database }
}

function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

function pgMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** What went wrong reaching the server or logging in, and where. */
export function explainConnectError(err: unknown, t: Target): string {
  const code = pgCode(err)
  const message = pgMessage(err)
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${t.where}: connection refused (is the server running and listening there?)`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL at ${t.where}: host ${t.host} not found`
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach PostgreSQL at ${t.where}: ${code === 'ETIMEDOUT' ? 'timed out' : 'no route to host'}`
    case 'ENOENT':
      return `cannot reach PostgreSQL at ${t.where}: no server socket there (is the server running?)`
    case '28P01':
      return `PostgreSQL at ${t.where} refused user "${t.user}": wrong password`
    case '28000':
      return `PostgreSQL at ${t.where} refused user "${t.user}": ${message}`
    case '3D000':
      return `database "${t.database}" does not exist on PostgreSQL at ${t.where}; create it first (createdb -h ${t.host} -p ${t.port} -U ${t.user} ${t.database})`
    case '42501':
      return `user "${t.user}" may not connect to database "${t.database}" at ${t.where}: ${message}`
    case '53300':
      return `PostgreSQL at ${t.where} has no free connection: ${message}`
    case '57P03':
      return `PostgreSQL at ${t.where} is starting up or shutting down; try again`
  }
  if (/timeout/i.test(message)) return `cannot reach PostgreSQL at ${t.where}: timed out (${message})`
  return `cannot connect to PostgreSQL at ${t.where} as "${t.user}": ${message}`
}

async function checkServer(client: pg.PoolClient, t: Target, shown: string): Promise<void> {
  const { rows } = await client.query<{ version: string; encoding: string }>(
    "SELECT current_setting('server_version_num') AS version, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()",
  )
  const version = Number(rows[0]?.version)
  if (version < MIN_SERVER_VERSION) {
    throw new PostgresOpenError(
      `PostgreSQL at ${t.where} is version ${Math.floor(version / 10000)}; the app needs ${MIN_SERVER_VERSION / 10000} or newer`,
      shown,
    )
  }
  if (rows[0]?.encoding !== 'UTF8') {
    throw new PostgresOpenError(
      `database "${t.database}" at ${t.where} is encoded ${rows[0]?.encoding}; the app needs UTF8 (CREATE DATABASE ${t.database} ENCODING 'UTF8' TEMPLATE template0)`,
      shown,
    )
  }
}

/** Applies the migrations not applied yet; whether it migrated a database that had some already (an upgrade). */
async function migrateLocked(
  client: pg.PoolClient,
  migrationsFolder: string,
  t: Target,
  shown: string,
): Promise<boolean> {
  const migrations = readMigrationFiles({ migrationsFolder })
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
  try {
    const applied = await appliedMigrations(client)
    const newest = Math.max(0, ...migrations.map((m) => m.folderMillis))
    if (applied.count > migrations.length || applied.last > newest) {
      throw new PostgresOpenError(
        `database "${t.database}" at ${t.where} was written by a newer version of the app (${applied.count} migrations, this version knows ${migrations.length}); it was not changed`,
        shown,
      )
    }
    if (applied.count === migrations.length) return false
    try {
      await migrate(drizzle(client, { schema }), {
        migrationsFolder,
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
      })
      return applied.count > 0
    } catch (err) {
      const cause = err instanceof Error && err.cause ? err.cause : err
      const hint = pgCode(cause) === '42501' ? ` (user "${t.user}" needs the right to create tables in it)` : ''
      throw new PostgresOpenError(
        `cannot prepare database "${t.database}" at ${t.where}: ${pgMessage(cause)}${hint}; nothing was changed`,
        shown,
      )
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
  }
}

async function appliedMigrations(client: pg.PoolClient): Promise<{ count: number; last: number }> {
  const { rows: exists } = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `"${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`,
  ])
  if (!exists[0]?.found) return { count: 0, last: 0 }
  const { rows } = await client.query<{ count: number; last: number | null }>(
    `SELECT count(*)::int AS count, max(created_at) AS last FROM "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`,
  )
  return { count: rows[0]?.count ?? 0, last: Number(rows[0]?.last ?? 0) }
}
