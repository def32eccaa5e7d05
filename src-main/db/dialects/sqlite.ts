/**
 * The SQLite dialect: raw SQL of the embedded file store, bound to one better-sqlite3
 * connection. Also the SQLite store's transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK,
 * SAVEPOINT when nested) and its one-request-at-a-time queue.
 */
import type Database from 'better-sqlite3'
import type { Direction } from '../../../src-shared/domain/types'
import { sql, type SQL } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { vacuumIntoAtomically, type Db } from '../open'
import * as tables from '../schema'
import type { ServiceContext } from '../../services/context'
import {
  SnapshotFileError,
  type Dialect,
  type IdCounter,
  type MeasurementInsert,
  type MeasurementWriter,
  type StoredSides,
  type TableReader,
} from './types'

const SEQUENCES = 'sqlite_sequence'

/** Per connection: the tail of its request queue. */
const queues = new WeakMap<Database.Database, Promise<unknown>>()

/** Runs `fn` after every request queued before it on this connection has finished. */
function oneAtATime<T>(sqlite: Database.Database, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(sqlite) ?? Promise.resolve()
  const result = previous.then(fn, fn)
  queues.set(
    sqlite,
    result.then(
      () => undefined,
      () => undefined,
    ),
  )
  return result
}

let savepoints = 0

/**
 * One transaction on the connection: BEGIN IMMEDIATE (the write lock at once, so a busy
 * store fails before anything is done and the whole request can be retried), or a
 * SAVEPOINT inside one already open. Rolled back when `fn` throws.
 */
export async function sqliteTransaction<T>(sqlite: Database.Database, fn: () => Promise<T>): Promise<T> {
  if (sqlite.inTransaction) {
    const name = `atax_sp${++savepoints}`
    sqlite.exec(`SAVEPOINT ${name}`)
    try {
      const result = await fn()
      sqlite.exec(`RELEASE ${name}`)
      return result
    } catch (err) {
      if (sqlite.inTransaction) {
        sqlite.exec(`ROLLBACK TO ${name}`)
        sqlite.exec(`RELEASE ${name}`)
      }
      throw err
    }
  }
  sqlite.exec('BEGIN IMMEDIATE')
  try {
    const result = await fn()
    sqlite.exec('COMMIT')
    return result
  } catch (err) {
    // SQLite may have rolled back already (a full disk, a busy upgrade): then there is nothing to undo.
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK')
    throw err
  }
}

const MEASUREMENT_COLUMNS = `(generation_id, benchmark, metric, direction, shots, baseline, aligned, baseline_stderr, aligned_stderr, group_path, source, import_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?)`

export function sqliteDialect(sqlite: Database.Database, db: BetterSQLite3Database<Record<string, unknown>>): Dialect {
  const dialect: Dialect = {
    kind: 'sqlite',
    storeKey: sqlite,

    rows: async <T>(query: SQL) => db.all<T>(query),
    arrays: async <T extends unknown[]>(query: SQL) => db.values<T>(query) as T[],
    run: async (query) => db.run(query).changes,

    int: (expr) => expr,
    firstGroup: (groupPath) => sql`json_extract(${groupPath}, '$[0]')`,
    jsonElements: (jsonText, alias) => sql`json_each(${jsonText}) ${sql.raw(alias)}`,
    unitSeparator: () => sql`char(31)`,
    likeFolded: (expr, pattern) => sql`${expr} LIKE ${pattern} ESCAPE '\\'`,
    isUniqueViolation: (err) => Boolean((err as Error)?.message?.includes('UNIQUE constraint failed')),
    // One writer at a time (BEGIN IMMEDIATE): nothing to hold.
    lockGenerations: async () => {},

    exclusive: (fn) => oneAtATime(sqlite, fn),
    /**
     * Two counters SQLite keeps: `PRAGMA data_version` (changes when another connection
     * commits) and `total_changes()` (every row this connection inserts, updates or deletes).
     */
    dataVersion: async () => {
      const version = sqlite.pragma('data_version', { simple: true }) as number
      const changes = (sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n
      return `${version}:${changes}`
    },
    readConsistently: async (fn) => {
      if (sqlite.inTransaction) return fn()
      sqlite.exec('BEGIN')
      try {
        const result = await fn()
        sqlite.exec('COMMIT')
        return result
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK')
        throw err
      }
    },

    measurementWriter: async (generationId, importId) => measurementWriter(sqlite, generationId, importId),

    tableColumns: async (table) =>
      (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
    readTable: async (table: string, reader: TableReader) => {
      const query = sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`)
      const onRow = reader(query.columns().map((c) => c.name))
      for (const row of query.raw().iterate() as IterableIterator<(string | number | null)[]>) onRow(row)
    },
    idCounters: async () => sqlite.prepare(`SELECT name, seq FROM ${SEQUENCES} ORDER BY name`).all() as IdCounter[],
    clearIdCounters: async () => {
      sqlite.prepare(`DELETE FROM ${SEQUENCES}`).run()
    },
    raiseIdCounters: async (counters) => {
      const raise = sqlite.prepare(`UPDATE ${SEQUENCES} SET seq = max(seq, ?) WHERE name = ?`)
      const add = sqlite.prepare(`INSERT INTO ${SEQUENCES} (name, seq) VALUES (?, ?)`)
      for (const { name, seq } of counters) if (raise.run(seq, name).changes === 0) add.run(name, seq)
    },
    rowInserter: (table, columns) => {
      const statement = sqlite.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      )
      return {
        add: (values) => {
          statement.run(values)
        },
        flush: async () => {},
      }
    },
    foreignKeyProblems: async () => sqlite.prepare('PRAGMA foreign_key_check').all(),
    copyBeforeRestore: async () => {
      if (!sqlite.name || sqlite.name === ':memory:') return null
      const copy = `${sqlite.name}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
      vacuumIntoAtomically(sqlite, copy)
      return copy
    },

    canSnapshot: () => sqlite.name !== ':memory:' && !sqlite.readonly,
    copyInto: async (target) => vacuumIntoAtomically(sqlite, target),
    restoreSnapshotFile: async (file, tables) => {
      sqlite.prepare('ATTACH DATABASE ? AS snap').run(file)
      try {
        const check = sqlite.prepare('PRAGMA snap.quick_check').pluck().get()
        if (check !== 'ok') throw new SnapshotFileError('damaged', String(check))
        await sqliteTransaction(sqlite, async () => {
          for (const table of [...tables].reverse()) sqlite.prepare(`DELETE FROM main."${table}"`).run()
          for (const table of tables) {
            const mine = columnsOf(sqlite, 'main', table)
            const theirs = new Set(columnsOf(sqlite, 'snap', table))
            const shared = mine
              .filter((c) => theirs.has(c))
              .map((c) => `"${c}"`)
              .join(', ')
            if (!shared) continue
            sqlite.prepare(`INSERT INTO main."${table}" (${shared}) SELECT ${shared} FROM snap."${table}"`).run()
          }
          sqlite.prepare('DELETE FROM main.sqlite_sequence').run()
          sqlite
            .prepare('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snap.sqlite_sequence')
            .run()
          const fk = sqlite.prepare('PRAGMA main.foreign_key_check').all()
          if (fk.length) throw new SnapshotFileError('missing-rows', 'it refers to missing rows')
        })
      } finally {
        sqlite.prepare('DETACH DATABASE snap').run()
      }
    },
  }
  return dialect
}

function columnsOf(sqlite: Database.Database, schemaName: string, table: string): string[] {
  return (sqlite.prepare(`PRAGMA ${schemaName}.table_info("${table}")`).all() as { name: string }[]).map((c) => c.name)
}

/**
 * Raw SQL: bulk writes of up to millions of rows, one prepared statement in a sync loop,
 * measured by `npm run bench`.
 */
function measurementWriter(sqlite: Database.Database, generationId: number, importId: number): MeasurementWriter {
  const isEmpty = !sqlite
    .prepare('SELECT 1 FROM benchmark_measurements WHERE generation_id = ? LIMIT 1')
    .get(generationId)
  if (isEmpty) {
    const insert = sqlite.prepare(`INSERT INTO benchmark_measurements ${MEASUREMENT_COLUMNS}`)
    return {
      plainInserts: true,
      write: (r: MeasurementInsert, direction: Direction, groupPath: string | null) => {
        insert.run(
          generationId,
          r.benchmark,
          r.metric,
          direction,
          r.shots,
          r.baseline,
          r.aligned,
          r.baselineStderr,
          r.alignedStderr,
          groupPath,
          importId,
        )
        return r // both sides as stored: the row itself (no object per row)
      },
      flush: async () => {},
    }
  }
  const upsert = sqlite.prepare(`
    INSERT INTO benchmark_measurements ${MEASUREMENT_COLUMNS}
    ON CONFLICT (generation_id, benchmark, metric) DO UPDATE SET
      direction = excluded.direction,
      shots = coalesce(excluded.shots, shots),
      baseline = coalesce(excluded.baseline, baseline),
      aligned = coalesce(excluded.aligned, aligned),
      baseline_stderr = CASE WHEN excluded.baseline IS NOT NULL THEN excluded.baseline_stderr ELSE baseline_stderr END,
      aligned_stderr = CASE WHEN excluded.aligned IS NOT NULL THEN excluded.aligned_stderr ELSE aligned_stderr END,
      group_path = coalesce(excluded.group_path, group_path),
      import_id = excluded.import_id
    WHERE benchmark_measurements.import_id IS NOT excluded.import_id
    RETURNING baseline, aligned`)
  // A row this very import wrote already is not updated (the WHERE) and returns
  // nothing: the file repeats a pair. The database remembers, not a Set of every key.
  return {
    plainInserts: false,
    write: (r: MeasurementInsert, direction: Direction, groupPath: string | null) =>
      upsert.get(
        generationId,
        r.benchmark,
        r.metric,
        direction,
        r.shots,
        r.baseline,
        r.aligned,
        r.baselineStderr,
        r.alignedStderr,
        groupPath,
        importId,
      ) as StoredSides | undefined,
    flush: async () => {},
  }
}

/**
 * The services' context over one SQLite connection. Its transactions run on that same
 * connection (the context itself is the transaction's context); `dialect.exclusive`
 * keeps another request from running between a transaction's awaits.
 */
export function sqliteContext(db: Db, sqlite: Database.Database): ServiceContext & { sqlite: Database.Database } {
  const ctx: ServiceContext & { sqlite: Database.Database } = {
    db,
    t: tables,
    dialect: sqliteDialect(sqlite, db as unknown as BetterSQLite3Database<Record<string, unknown>>),
    sqlite,
    transaction: (fn) => sqliteTransaction(sqlite, () => fn(ctx)),
  }
  return ctx
}
