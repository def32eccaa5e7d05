/** Opens the database and builds what every door hands to `dispatch`. */
import fs from 'node:fs'
import type Database from 'better-sqlite3'
import path from 'node:path'
import { BUSY_TIMEOUT_MS, fileReadOnlyReason, openDatabase, vacuumIntoAtomically, type OpenedDatabase } from './db/open'
import type { HandlerEnv } from './handlers'
import { findAppRoot } from './paths'
import { sqliteContext } from './db/dialects/sqlite'
import { dailySnapshotDue, freeSnapshotName, keptSnapshot, takeDailySnapshotIfDue } from './services/snapshots'
import { fillHeadlines } from './services/readModels/maintained'

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(findAppRoot(), 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

export interface OpenApp {
  /** On the SQLite file store: the connection is there (tests and db/open.ts reach it). */
  env: HandlerEnv & { sqlite: Database.Database }
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
  if (!options.readonly && !/^postgres(ql)?:\/\//i.test(dbFile))
    fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true })
  const database = openDatabase(dbFile, {
    appVersion: appVersion(),
    busyTimeoutMs: options.interactive ? INTERACTIVE_BUSY_MS : undefined,
    readonly: options.readonly,
  })
  const env: OpenApp['env'] = {
    ...sqliteContext(database.db, database.sqlite),
    version: appVersion(),
    dbFile: database.file,
    mode,
    // The engine's reader opens the file read-only by design: what the app shows is
    // whether the file itself can be written.
    readOnlyReason: options.readonly ? fileReadOnlyReason(database.file) : database.readOnlyReason,
    retryBusyForMs: options.interactive ? BUSY_TIMEOUT_MS : 0,
  }
  // A file this open upgraded: what is kept of each generation is filled before the first
  // request (queued first; the SQLite store serves one request at a time). Until it is, or if
  // it fails, reads work the figures out from the rows, as without the table.
  if (database.upgraded) {
    void env.dialect
      .exclusive(() => fillHeadlines(env))
      .catch((err) => {
        if (database.sqlite.open) console.error(`atax: could not fill the kept headlines: ${(err as Error).message}`)
      })
  }
  let timer: NodeJS.Timeout | null = null
  if (options.interactive && !options.readonly) {
    const snapshotIfDue = () =>
      // Between requests, never inside one (the store serves one at a time).
      env.dialect
        .exclusive(() => takeDailySnapshotIfDue(env, database.file))
        .catch((err) => {
          // A snapshot that cannot be taken (disk full) must not stop the app: it says so in the log.
          console.error(`atax: could not take today's snapshot: ${(err as Error).message}`)
        })
    // At open, before any request, synchronously (the app may be closed at once): the
    // SQLite file store's own copy. Later checks run between requests.
    try {
      takeDailySnapshotAtOpen(database)
    } catch (err) {
      console.error(`atax: could not take today's snapshot: ${(err as Error).message}`)
    }
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

/** `takeDailySnapshotIfDue` at open, on the SQLite connection itself (synchronous). */
function takeDailySnapshotAtOpen(database: OpenedDatabase): void {
  const { sqlite, file } = database
  if (file === ':memory:' || sqlite.readonly || !dailySnapshotDue(file)) return
  // A brand-new, empty database has nothing worth keeping.
  if (sqlite.prepare('SELECT 1 FROM projects LIMIT 1').get() === undefined) return
  const name = freeSnapshotName(file, 'daily', new Date())
  vacuumIntoAtomically(sqlite, path.join(path.dirname(file), name))
  keptSnapshot(file, name)
}
