// eslint-disable-next-line no-restricted-imports -- the type of the optional SQLite connection only (design: ServiceContext.sqlite)
import type Database from 'better-sqlite3'
import type { Db } from '../db/open'
import type * as schema from '../db/schema'
import type { Dialect } from '../db/dialects/types'

/** The table objects: the drizzle tables of the store's schema (the same names and columns on both stores). */
export type Tables = typeof schema

/**
 * What every service works on, whichever the store (docs: /work/briefs/issue12-design.md):
 * drizzle builders over `t`, finished with `await`; raw SQL only through `dialect`.
 */
export interface ServiceContext {
  /** drizzle; typed as the SQLite drizzle db (one set of types for both stores). */
  db: Db
  t: Tables
  dialect: Dialect
  /** Runs `fn` in one transaction (nested: a savepoint); it rolls back when `fn` throws. */
  transaction<T>(fn: (tx: ServiceContext) => Promise<T>): Promise<T>
  /**
   * Who is writing: the signed-in user's name on a team server; null/undefined for local use
   * (desktop, loopback web, the CLI on a file). Stamped on rows (created_by/updated_by) and
   * audit events.
   */
  actor?: string | null
  /** Only on the SQLite store, only for dialect/sqlite code and db/open.ts. */
  sqlite?: Database.Database
}

export const nowIso = () => new Date().toISOString()
