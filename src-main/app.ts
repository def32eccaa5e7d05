/** Opens the database and builds what every door hands to `dispatch`. */
import fs from 'node:fs'
import path from 'node:path'
import { openDatabase, type OpenedDatabase } from './db/open'
import type { HandlerEnv } from './handlers'
import { findAppRoot } from './paths'
import { takeDailySnapshotIfDue } from './services/snapshots'

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(findAppRoot(), 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

export interface OpenApp {
  env: HandlerEnv
  database: OpenedDatabase
  close(): void
}

/** How often an app left open checks whether today's snapshot is due. */
const SNAPSHOT_CHECK_MS = 60 * 60 * 1000

/**
 * `snapshots`: keep the daily snapshot while open (the desktop app and web mode; the
 * CLI, which a pipeline runs many times a day, does not).
 */
export function openApp(dbFile: string, mode: 'desktop' | 'web', options: { snapshots?: boolean } = {}): OpenApp {
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
  let timer: NodeJS.Timeout | null = null
  if (options.snapshots) {
    const snapshotIfDue = () => {
      try {
        takeDailySnapshotIfDue(env, database.file)
      } catch (err) {
        // A snapshot that cannot be taken (disk full) must not stop the app: it says so in the log.
        console.error(`atax: could not take today's snapshot: ${(err as Error).message}`)
      }
    }
    snapshotIfDue()
    timer = setInterval(snapshotIfDue, SNAPSHOT_CHECK_MS)
    timer.unref()
  }
  return {
    env,
    database,
    close: () => {
      if (timer) clearInterval(timer)
      database.close()
    },
  }
}
