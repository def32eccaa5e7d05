/** Opens the database and builds what every door hands to `dispatch`. */
import fs from 'node:fs'
import path from 'node:path'
import { openDatabase, type OpenedDatabase } from './db/open'
import type { HandlerEnv } from './handlers'
import { findAppRoot } from './paths'

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(findAppRoot(), 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

export interface OpenApp {
  env: HandlerEnv
  database: OpenedDatabase
  close(): void
}

export function openApp(dbFile: string, mode: 'desktop' | 'web'): OpenApp {
  fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true })
  const database = openDatabase(dbFile, { appVersion: appVersion() })
  const env: HandlerEnv = {
    db: database.db,
    sqlite: database.sqlite,
    version: appVersion(),
    dbFile: database.file,
    mode,
    readOnlyReason: database.readOnlyReason,
  }
  return { env, database, close: () => database.close() }
}
