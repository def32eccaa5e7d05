import type Database from 'better-sqlite3'
import type { Db } from '../db/open'

/** What every service works on: the drizzle handle and the raw connection (for transactions and bulk SQL). */
export interface ServiceContext {
  db: Db
  sqlite: Database.Database
}

export const nowIso = () => new Date().toISOString()
