/**
 * A store, chosen by its URL: a file path (the embedded SQLite file, ./open.ts) or
 * `postgres://…` / `postgresql://…` (a PostgreSQL database, ./pg/open.ts). Either gives the
 * services the same context (../services/context.ts).
 */
import { openDatabase, type OpenedDatabase } from './open'
import type { OpenedPostgres } from './pg/open'
import { sqliteContext } from './dialects/sqlite'
import type { ServiceContext } from '../services/context'
import { fillHeadlines } from '../services/readModels/maintained'

/** A PostgreSQL URL (postgres:// or postgresql://), not a file path. */
export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store)
}

export interface Store {
  kind: 'sqlite' | 'postgres'
  /** What to show the user: the file's path, or the URL without its password. */
  location: string
  ctx: ServiceContext
  /** Why the store is open for reading only, or null. */
  readOnlyReason: string | null
  /** The SQLite file as opened (its copy before migrating, rows moved aside…); null on PostgreSQL. */
  sqlite: OpenedDatabase | null
  /** The PostgreSQL pool and drizzle db; null on SQLite. */
  postgres: OpenedPostgres | null
  close(): Promise<void>
}

export interface OpenStoreOptions {
  /** SQLite: see openDatabase. */
  readonly?: boolean
  appVersion?: string
  busyTimeoutMs?: number
  /** Where the store's migrations are (default: drizzle/sqlite or drizzle/pg of the app). */
  migrationsFolder?: string
  /** PostgreSQL: connections in the pool. */
  poolSize?: number
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(url)) {
    // Loaded only for a PostgreSQL store: the CLI on a file starts without node-postgres.
    const [{ openPostgres }, { postgresContext }] = await Promise.all([
      import('./pg/open'),
      import('./dialects/postgres'),
    ])
    const opened = await openPostgres(url, { migrationsFolder: options.migrationsFolder, poolSize: options.poolSize })
    const ctx = postgresContext(opened.pool, opened.db)
    // A database this open upgraded: what is kept of each generation (derived data) is filled.
    if (opened.upgraded) await fillHeadlines(ctx)
    return {
      kind: 'postgres',
      location: opened.url,
      ctx,
      readOnlyReason: null,
      sqlite: null,
      postgres: opened,
      close: () => opened.close(),
    }
  }
  const database = openDatabase(url, options)
  const ctx = sqliteContext(database.db, database.sqlite)
  if (database.upgraded) await fillHeadlines(ctx)
  return {
    kind: 'sqlite',
    location: database.file,
    ctx,
    readOnlyReason: database.readOnlyReason,
    sqlite: database,
    postgres: null,
    close: async () => database.close(),
  }
}
