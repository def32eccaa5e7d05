/**
 * What the team server's code works on: the drizzle handle and its tables. Shaped as the
 * part of the coming ServiceContext it needs (`db`, `t`), so that on PostgreSQL the same
 * functions run with the pg store's `db` and `t`. This file is the one place that takes
 * the tables from the SQLite schema at runtime.
 */
import type { Db } from '../db/open'
import * as schema from '../db/schema'

export interface TeamTables {
  users: typeof schema.users
  sessions: typeof schema.sessions
  loginAttempts: typeof schema.loginAttempts
}

export interface TeamContext {
  db: Db
  t: TeamTables
}

export function teamContext(db: Db): TeamContext {
  return { db, t: { users: schema.users, sessions: schema.sessions, loginAttempts: schema.loginAttempts } }
}
