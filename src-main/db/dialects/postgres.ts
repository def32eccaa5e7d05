/**
 * The PostgreSQL dialect: raw SQL of the team-server store, bound to a node-postgres pool
 * (requests run side by side, each statement on a free connection) or to one transaction's
 * connection. Also the store's transactions (BEGIN / COMMIT / ROLLBACK, SAVEPOINT when nested).
 *
 * What differs from SQLite (./sqlite.ts), and how:
 * - Results look like SQLite's: int8 and numeric are numbers (the pool's type parsers,
 *   ../pg/open.ts) and booleans read with raw SQL are 1/0, as SQLite stores them.
 * - Bulk writes (imports, restores) are multi-row INSERTs of up to BATCH_ROWS rows, sent as
 *   soon as a batch is full, in the order the rows were given; `flush` sends the rest and
 *   reports the first error.
 * - Id counters are the identity columns' sequences. A sequence is never lowered (setval is
 *   not undone by a rollback, and a lowered sequence would hand out ids that rows still hold):
 *   `clearIdCounters` keeps them, `raiseIdCounters` and explicit ids written by a restore raise them.
 * - The "data changed" token is the current snapshot (pg_current_snapshot()): two reads with the
 *   same snapshot see exactly the same committed rows, in every process of a team server; any
 *   commit anywhere changes it. Inside a transaction there is no token (no memo).
 * - Foreign keys are checked by PostgreSQL as each row is written: a restore of rows whose
 *   parents are missing fails on its INSERT, never later, so `foreignKeyProblems` has none left.
 * - No file snapshots and no copy before a restore: the server's backups are PostgreSQL's own
 *   (pg_dump) and the app's JSON backup.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type pg from 'pg'
import { getTableName, is, sql, type SQL } from 'drizzle-orm'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { PgDialect } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/node-postgres'
import { sqlState } from '../../services/errors'
import type { Direction } from '../../../src-shared/domain/types'
import type { Dialect, IdCounter, MeasurementInsert, MeasurementWriter, StoredSides, TableReader } from './types'
import * as pgTables from '../pg/schema'
import * as sqliteTables from '../schema'
import type { PgDb } from '../pg/open'
import type { Db } from '../open'
import type { ServiceContext, Tables } from '../../services/context'

/** Rows per multi-row INSERT (12 columns × 1000 rows stays far below the 65535 parameters a statement may have). */
export const BATCH_ROWS = 1000
/** Parameters per statement, at most (PostgreSQL's protocol allows 65535). */
const MAX_PARAMS = 30_000
/** Rows fetched per round trip when a table is read in full (backups). */
const FETCH_ROWS = 5000

const BOOL_OID = 16
const renderer = new PgDialect()

/** A pool, or the one connection of a transaction. */
export type Queryable = pg.Pool | pg.PoolClient

/** `pg` error code (SQLSTATE) of an error or of its cause (drizzle wraps the driver's errors). */
export const pgErrorCode = sqlState

/**
 * The tables whose id counter SQLite keeps (AUTOINCREMENT: sqlite_sequence), which backups
 * carry: the same set here, whatever other identity columns the PostgreSQL schema has.
 */
const COUNTED_TABLES = new Set(
  (Object.values(sqliteTables) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .filter((t) =>
      getTableConfig(t).columns.some((c) => c.name === 'id' && (c as { autoIncrement?: boolean }).autoIncrement),
    )
    .map((t) => getTableName(t)),
)

/** A double-quoted identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Booleans as 1/0, as SQLite stores them. */
function sqliteLike(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value
}

/** Runs tasks one after another; the first error is kept and later tasks are skipped. */
class Queue {
  private tail: Promise<void> = Promise.resolve()
  private error: unknown = null
  push(task: () => Promise<void>): void {
    this.tail = this.tail
      .then(() => (this.error === null ? task() : undefined))
      .catch((err: unknown) => {
        this.error ??= err
      })
  }
  async drain(): Promise<void> {
    await this.tail
    if (this.error !== null) throw this.error
  }
}

/**
 * Per store: the connection of the transaction or consistent read the current request is in.
 * Everything the request does through the store's context inside it — the outer context's
 * drizzle db and dialect as well as the transaction's own — runs on that connection, as on
 * SQLite's one connection; other requests, in other async chains, are not affected.
 */
const scope = new AsyncLocalStorage<{
  storeKey: object
  client: pg.PoolClient
  /** drizzle over `client`. */
  db: PgDb
  /** The transaction's context (none in a consistent read). */
  ctx?: ServiceContext
}>()

let savepoints = 0
let cursors = 0

/**
 * One transaction on one connection of the pool (`fn` gets that connection), or a SAVEPOINT
 * when `on` is already a transaction's connection. Rolled back when `fn` throws.
 */
export async function postgresTransaction<T>(
  on: Queryable,
  inTransaction: boolean,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (inTransaction) {
    const client = on as pg.PoolClient
    const name = `atax_sp${++savepoints}`
    await client.query(`SAVEPOINT ${name}`)
    try {
      const result = await fn(client)
      await client.query(`RELEASE SAVEPOINT ${name}`)
      return result
    } catch (err) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {})
      throw err
    }
  }
  const client = await (on as pg.Pool).connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    try {
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e))
      throw err
    }
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: the pool drops it.
    client.release(broken)
  }
}

export interface PostgresDialectOptions {
  /** The pool, or a transaction's connection. */
  client: Queryable
  /** True when `client` is a transaction's connection. */
  inTransaction: boolean
  /** The same object for every dialect of one store (the pool): memos are kept per store. */
  storeKey: object
}

export function postgresDialect({ client, inTransaction, storeKey }: PostgresDialectOptions): Dialect {
  /** Where this call's statements go: a consistent read's connection, else the one bound. */
  const on = (): Queryable => {
    if (inTransaction) return client
    const current = scope.getStore()
    return current && current.storeKey === storeKey ? current.client : client
  }
  /** Whether this call runs inside a transaction (or a consistent read). */
  const inScope = () => inTransaction || scope.getStore()?.storeKey === storeKey
  const query = async (q: SQL): Promise<pg.QueryResult<Record<string, unknown>>> => {
    const { sql: text, params } = renderer.sqlToQuery(q)
    return on().query({ text, values: params })
  }
  const queryArrays = async (q: SQL): Promise<pg.QueryArrayResult<unknown[]>> => {
    const { sql: text, params } = renderer.sqlToQuery(q)
    return on().query({ text, values: params, rowMode: 'array' })
  }
  /** Runs `fn` on one connection inside a transaction: the one bound, or a new one. */
  const withTransaction = <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const target = on()
    return inScope() ? fn(target as pg.PoolClient) : postgresTransaction(target, false, fn)
  }
  /** Identity columns' sequences, by table. */
  const sequences = async (): Promise<{ table: string; sequence: string }[]> => {
    const { rows } = await on().query<{ table: string; sequence: string }>(
      `SELECT c.table_name AS "table", pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS "sequence"
         FROM information_schema.columns c
        WHERE c.table_schema = current_schema() AND c.is_identity = 'YES'
        ORDER BY c.table_name COLLATE "C"`,
    )
    return rows.filter((r) => r.sequence && COUNTED_TABLES.has(r.table))
  }
  /** Raises a table's id sequence to at least `seq` and its largest id; never lowers it. */
  const raiseSequence = async (table: string, seq: number) => {
    const { rows } = await on().query<{ name: string | null }>("SELECT pg_get_serial_sequence($1, 'id') AS name", [
      ident(table),
    ])
    const name = rows[0]?.name
    if (!name) return
    // `name` is the sequence's qualified name as PostgreSQL quotes it.
    await on().query(
      `SELECT setval($2::regclass, t.target, true)
         FROM (SELECT greatest($1::bigint, coalesce(max(id), 0)) AS target FROM ${ident(table)}) t, ${name} q
        WHERE t.target > CASE WHEN q.is_called THEN q.last_value ELSE q.last_value - 1 END`,
      [seq, name],
    )
  }

  const dialect: Dialect = {
    kind: 'postgres',
    storeKey,

    rows: async <T>(q: SQL) => {
      const result = await query(q)
      const bools = result.fields.filter((f) => f.dataTypeID === BOOL_OID).map((f) => f.name)
      if (bools.length) for (const row of result.rows) for (const b of bools) row[b] = sqliteLike(row[b])
      return result.rows as T[]
    },
    arrays: async <T extends unknown[]>(q: SQL) => {
      const result = await queryArrays(q)
      const bools = result.fields.flatMap((f, i) => (f.dataTypeID === BOOL_OID ? [i] : []))
      const rows = result.rows
      if (bools.length) for (const row of rows) for (const i of bools) row[i] = sqliteLike(row[i])
      return rows as T[]
    },
    run: async (q) => (await query(q)).rowCount ?? 0,

    int: (expr) => sql`CAST((${expr}) AS integer)`,
    firstGroup: (groupPath) => sql`(((${groupPath})::jsonb ->> 0) COLLATE "C")`,
    jsonElements: (jsonText, alias) =>
      sql`LATERAL (SELECT e.value COLLATE "C" AS value FROM jsonb_array_elements_text((${jsonText})::jsonb) AS e(value)) AS ${sql.raw(ident(alias))}`,
    unitSeparator: () => sql`chr(31)`,
    // ILIKE folds case by the collation's rules: under "C", ASCII letters only, as SQLite's LIKE.
    likeFolded: (expr, pattern) => sql`((${expr}) COLLATE "C" ILIKE ${pattern} ESCAPE '\\')`,
    isUniqueViolation: (err) => pgErrorCode(err) === '23505',
    lockGenerations: async (ids) => {
      if (ids.length === 0) return
      await on().query('SELECT id FROM generations WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE', [ids])
    },

    exclusive: (fn) => fn(),
    dataVersion: async () => {
      if (inScope()) return null
      const { rows } = await on().query<{ v: string }>('SELECT pg_current_snapshot()::text AS v')
      return rows[0]!.v
    },
    readConsistently: async (fn) => {
      if (inScope()) return fn()
      const c = await (client as pg.Pool).connect()
      let broken: Error | undefined
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
        try {
          const result = await scope.run({ storeKey, client: c, db: drizzle(c, { schema: pgTables }) }, fn)
          await c.query('COMMIT')
          return result
        } catch (err) {
          await c.query('ROLLBACK').catch((e: Error) => (broken = e))
          throw err
        }
      } finally {
        c.release(broken)
      }
    },

    measurementWriter: async (generationId, importId) => measurementWriter(on(), generationId, importId),

    tableColumns: async (table) => {
      const { rows } = await on().query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
      return rows.map((r) => r.name)
    },
    readTable: async (table: string, reader: TableReader) =>
      withTransaction(async (c) => {
        const { rows: keys } = await c.query<{ name: string }>(
          `SELECT a.attname AS name FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
          [ident(table)],
        )
        const order = keys.length ? ` ORDER BY ${keys.map((k) => ident(k.name)).join(', ')}` : ''
        const cursor = `atax_read_${++cursors}`
        await c.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM ${ident(table)}${order}`)
        try {
          let onRow: ((values: (string | number | null)[]) => void) | null = null
          for (;;) {
            const result = await c.query<unknown[]>({
              text: `FETCH FORWARD ${FETCH_ROWS} FROM ${cursor}`,
              rowMode: 'array',
            })
            if (!onRow) onRow = reader(result.fields.map((f) => f.name))
            const bools = result.fields.flatMap((f, i) => (f.dataTypeID === BOOL_OID ? [i] : []))
            for (const row of result.rows) {
              for (const i of bools) row[i] = sqliteLike(row[i])
              onRow(row as (string | number | null)[])
            }
            if (result.rows.length < FETCH_ROWS) break
          }
        } finally {
          await c.query(`CLOSE ${cursor}`).catch(() => {})
        }
      }),
    idCounters: async () => {
      const counters: IdCounter[] = []
      for (const { table, sequence } of await sequences()) {
        const { rows } = await on().query<{ last_value: number; is_called: boolean }>(
          `SELECT last_value, is_called FROM ${sequence}`,
        )
        if (rows[0]?.is_called) counters.push({ name: table, seq: Number(rows[0].last_value) })
      }
      return counters
    },
    // Kept, not lowered: see the top of this file. A restore then raises them.
    clearIdCounters: async () => {},
    raiseIdCounters: async (counters) => {
      const known = new Set((await sequences()).map((s) => s.table))
      for (const { name, seq } of counters) if (known.has(name)) await raiseSequence(name, seq)
    },
    rowInserter: (table, columns) => {
      const queue = new Queue()
      const perBatch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns.length))))
      const head = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES `
      const hasId = columns.includes('id')
      let buffer: unknown[][] = []
      const send = () => {
        if (!buffer.length) return
        const rows = buffer
        buffer = []
        queue.push(async () => {
          await on().query(head + valuesList(rows.length, columns.length), rows.flat())
        })
      }
      return {
        add: (values) => {
          buffer.push(values)
          if (buffer.length >= perBatch) send()
        },
        flush: async () => {
          send()
          await queue.drain()
          // Rows written with their own ids: the sequence must hand out ids above them.
          if (hasId) await raiseSequence(table, 0)
        },
      }
    },
    foreignKeyProblems: async () => [],
    copyBeforeRestore: async () => null,

    canSnapshot: () => false,
    copyInto: async () => {
      throw new Error('snapshots are files of the SQLite store; a PostgreSQL store is backed up with pg_dump')
    },
    restoreSnapshotFile: async () => {
      throw new Error('snapshots are files of the SQLite store; a PostgreSQL store is backed up with pg_dump')
    },
  }
  return dialect
}

/** `($1, $2), ($3, $4), …` for `rows` rows of `columns` values. */
function valuesList(rows: number, columns: number): string {
  const parts: string[] = []
  let n = 0
  for (let r = 0; r < rows; r++) {
    const row: string[] = []
    for (let c = 0; c < columns; c++) row.push(`$${++n}`)
    parts.push(`(${row.join(', ')})`)
  }
  return parts.join(', ')
}

const MEASUREMENT_COLUMNS =
  'generation_id, benchmark, metric, direction, shots, baseline, aligned, baseline_stderr, aligned_stderr, group_path, source, import_id'
/** Rows of an import per statement (sent as column arrays: no limit from the parameter count). */
export const MEASUREMENT_BATCH_ROWS = 5000

/** An error that `isUniqueViolation` recognises, for a pair the import repeats (found before the INSERT). */
class RepeatedPairError extends Error {
  readonly code = '23505'
  constructor(benchmark: string, metric: string) {
    super(
      `duplicate key value violates unique constraint "benchmark_measurements_gen_bench_metric" (${benchmark} · ${metric})`,
    )
    this.name = 'RepeatedPairError'
  }
}

/**
 * One import's measurements into one generation, in batches. `write` must answer at once
 * (the import reads millions of rows without awaiting each), so what SQLite's statement says
 * per row is known here before the row is sent: the pairs this import wrote (a repeated pair
 * is refused), and, into a generation that has rows already, both sides of each existing pair
 * (read once when the writer is made; the upsert keeps a side the import does not bring).
 * The upsert takes an id from the sequence for every row, as SQLite's AUTOINCREMENT does for
 * its upsert: new rows get the same ids on both stores.
 */
async function measurementWriter(
  client: Queryable,
  generationId: number,
  importId: number,
): Promise<MeasurementWriter> {
  const key = (benchmark: string, metric: string) => `${benchmark}\u001f${metric}`
  const existing = new Map<string, StoredSides>()
  const { rows } = await client.query<[string, string, number | null, number | null]>({
    text: 'SELECT benchmark, metric, baseline, aligned FROM benchmark_measurements WHERE generation_id = $1',
    values: [generationId],
    rowMode: 'array',
  })
  for (const [benchmark, metric, baseline, aligned] of rows) existing.set(key(benchmark, metric), { baseline, aligned })
  const plainInserts = existing.size === 0
  const written = new Set<string>()
  const queue = new Queue()
  // One array per column, sent as 9 parameters and unnested: one statement per batch that
  // PostgreSQL parses once, whatever the number of rows (rows keep their order, and their ids).
  let columns: unknown[][] = Array.from({ length: 9 }, () => [])
  const insert = `INSERT INTO benchmark_measurements (${MEASUREMENT_COLUMNS})
    SELECT $1::int, u.benchmark, u.metric, u.direction, u.shots, u.baseline, u.aligned, u.baseline_stderr,
           u.aligned_stderr, u.group_path, 'import', $2::int
      FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::text[])
        AS u(benchmark, metric, direction, shots, baseline, aligned, baseline_stderr, aligned_stderr, group_path)`
  const statement = plainInserts
    ? insert
    : `${insert}
      ON CONFLICT (generation_id, benchmark, metric) DO UPDATE SET
        direction = excluded.direction,
        shots = coalesce(excluded.shots, benchmark_measurements.shots),
        baseline = coalesce(excluded.baseline, benchmark_measurements.baseline),
        aligned = coalesce(excluded.aligned, benchmark_measurements.aligned),
        baseline_stderr = CASE WHEN excluded.baseline IS NOT NULL THEN excluded.baseline_stderr ELSE benchmark_measurements.baseline_stderr END,
        aligned_stderr = CASE WHEN excluded.aligned IS NOT NULL THEN excluded.aligned_stderr ELSE benchmark_measurements.aligned_stderr END,
        group_path = coalesce(excluded.group_path, benchmark_measurements.group_path),
        import_id = excluded.import_id
      WHERE benchmark_measurements.import_id IS DISTINCT FROM excluded.import_id`
  const send = () => {
    if (!columns[0]!.length) return
    const values = [generationId, importId, ...columns]
    columns = Array.from({ length: 9 }, () => [])
    queue.push(async () => {
      await client.query(statement, values)
    })
  }
  return {
    plainInserts,
    write: (r: MeasurementInsert, direction: Direction, groupPath: string | null) => {
      const k = key(r.benchmark, r.metric)
      if (written.has(k)) {
        if (plainInserts) throw new RepeatedPairError(r.benchmark, r.metric)
        return undefined
      }
      written.add(k)
      const c = columns
      c[0]!.push(r.benchmark)
      c[1]!.push(r.metric)
      c[2]!.push(direction)
      c[3]!.push(r.shots)
      c[4]!.push(r.baseline)
      c[5]!.push(r.aligned)
      c[6]!.push(r.baselineStderr)
      c[7]!.push(r.alignedStderr)
      c[8]!.push(groupPath)
      if (c[0]!.length >= MEASUREMENT_BATCH_ROWS) send()
      if (plainInserts) return r // both sides as stored: the row itself (no object per row)
      const before = existing.get(k)
      return { baseline: r.baseline ?? before?.baseline ?? null, aligned: r.aligned ?? before?.aligned ?? null }
    },
    flush: async () => {
      send()
      await queue.drain()
    },
  }
}

/**
 * The services' context over a PostgreSQL pool. The one cast that lies about types: the
 * services are typed against the SQLite drizzle db and tables; here they get the pg ones,
 * which have the same names, property names and SQL names (test/unit/src-main/pgSchemaMirror.test.ts)
 * and are used only through the builders both dialects have, finished with `await`.
 *
 * Inside `transaction(fn)` everything runs on the transaction's connection: through the
 * context `fn` is given, and through this outer context too (its db and dialect follow the
 * request into the transaction, see `scope`), so a service that writes through the context it
 * was called with is still atomic, and a transaction opened inside one is a savepoint of it.
 */
export function postgresContext(pool: pg.Pool, db: PgDb): ServiceContext {
  const t = pgTables as unknown as Tables
  const storeKey = pool
  const current = () => {
    const s = scope.getStore()
    return s && s.storeKey === storeKey ? s : undefined
  }
  const txContext = (client: pg.PoolClient, txDb: PgDb): ServiceContext => {
    const tx: ServiceContext = {
      db: txDb as unknown as Db,
      t,
      dialect: postgresDialect({ client, inTransaction: true, storeKey }),
      transaction: (fn) => postgresTransaction(client, true, () => fn(tx)),
    }
    return tx
  }
  /** The pool's db, or the current transaction's when the request is in one. */
  const routedDb = new Proxy(db, {
    get(target, prop) {
      const inner = current()?.db ?? target
      const value: unknown = Reflect.get(inner, prop, inner)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(inner) : value
    },
  })
  return {
    db: routedDb as unknown as Db,
    t,
    dialect: postgresDialect({ client: pool, inTransaction: false, storeKey }),
    transaction: (fn) => {
      const s = current()
      if (s?.ctx) return postgresTransaction(s.client, true, () => fn(s.ctx!))
      return postgresTransaction(pool, false, (client) => {
        const txDb = drizzle(client, { schema: pgTables })
        const tx = txContext(client, txDb)
        return scope.run({ storeKey, client, db: txDb, ctx: tx }, () => fn(tx))
      })
    },
  }
}
