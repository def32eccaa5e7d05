/** Opens the database and builds what every door hands to `dispatch`. */
import fs from 'node:fs'
import path from 'node:path'
import { BUSY_TIMEOUT_MS, fileReadOnlyReason, openDatabase, type OpenedDatabase } from './db/open'
import type { HandlerEnv } from './handlers'
import { findAppRoot } from './paths'
import { takeDailySnapshotIfDue } from './services/snapshots'
import { fillHeadlines } from './services/readModels/maintained'

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

/** How long one attempt blocks on another process's lock before the app yields and retries. */
const INTERACTIVE_BUSY_MS = 50

/**
 * `readonly`: the engine host's reader (src-main/engine/worker.ts), which answers quick
 * reads while the writer works.
 * `interactive`: the desktop app and web mode (not the CLI, which a pipeline runs many
 * times a day and which serves one request): keep the daily snapshot while open, and
 * wait for another process's write lock asynchronously, so reads are served meanwhile.
 */
export function openApp(
  dbFile: string,
  mode: 'desktop' | 'web',
  options: { interactive?: boolean; readonly?: boolean } = {},
): OpenApp {
  if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true })
  const database = openDatabase(dbFile, {
    appVersion: appVersion(),
    busyTimeoutMs: options.interactive ? INTERACTIVE_BUSY_MS : undefined,
    readonly: options.readonly,
    afterMigrate: fillHeadlines,
  })
  const env: HandlerEnv = {
    db: database.db,
    sqlite: database.sqlite,
    version: appVersion(),
    dbFile: database.file,
    mode,
    // The engine's reader opens the file read-only by design: what the app shows is
    // whether the file itself can be written.
    readOnlyReason: options.readonly ? fileReadOnlyReason(database.file) : database.readOnlyReason,
    retryBusyForMs: options.interactive ? BUSY_TIMEOUT_MS : 0,
  }
  let timer: NodeJS.Timeout | null = null
  if (options.interactive && !options.readonly) {
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
