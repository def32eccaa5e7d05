/**
 * The raw SQL that differs between the stores, in one place per store: SQLite
 * (./sqlite.ts) and PostgreSQL (./postgres.ts) each export an object implementing
 * `Dialect`. Services build everything else with drizzle (the same builders on both)
 * and reach raw SQL only through these methods. A dialect object is bound to one
 * connection (SQLite) or to a pool / a transaction's client (PostgreSQL).
 */
import type { SQL } from 'drizzle-orm'
import type { Direction } from '../../../src-shared/domain/types'

/** One row of an import, as written into `benchmark_measurements` (with its direction and group path). */
export interface MeasurementInsert {
  benchmark: string
  metric: string
  shots: number | null
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
}

/** Both sides of a measurement as stored after a write. */
export interface StoredSides {
  baseline: number | null
  aligned: number | null
}

/**
 * Writes the rows of one import into one generation, inside the caller's transaction.
 * Into a generation with no measurements yet: plain inserts (the fastest path); else an
 * upsert that fills in the side this run brings and keeps the other.
 */
export interface MeasurementWriter {
  /** True when the generation had no measurements when the writer was made (plain inserts). */
  readonly plainInserts: boolean
  /**
   * Writes one row (`groupPath`: the stored form, a JSON array, or null). Returns both
   * sides as stored (after a plain insert: `row` itself), or `undefined` when this very import
   * wrote the same (benchmark, metric) already (the file repeats a pair). A plain insert
   * of a repeated pair throws the store's unique-constraint error (see `isUniqueViolation`).
   * Synchronous on SQLite (one prepared statement in a loop: the import bench).
   */
  write(row: MeasurementInsert, direction: Direction, groupPath: string | null): StoredSides | undefined
  /** Writes what is still buffered (PostgreSQL batches); a no-op on SQLite. */
  flush(): Promise<void>
}

/** A table's rows read in order, for backups: its column names, then each row's values. */
export interface TableReader {
  (columns: string[]): (values: (string | number | null)[]) => void
}

/** An id counter: the highest id ever handed out for a table (SQLite's sqlite_sequence). */
export interface IdCounter {
  name: string
  seq: number
}

export interface Dialect {
  readonly kind: 'sqlite' | 'postgres'

  // ---- generic raw SQL (drizzle `sql` templates, parameters bound) ----
  /** The rows of a query, as objects named by the query's column names. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>
  /** The rows of a query as arrays of values in column order (no object per row: 1M-row reads). */
  arrays<T extends unknown[] = unknown[]>(query: SQL): Promise<T[]>
  /** Runs a statement; how many rows it changed. */
  run(query: SQL): Promise<number>

  // ---- SQL text that differs ----
  /** `expr` as an integer (PostgreSQL's count/sum are bigint or numeric). */
  int(expr: SQL): SQL
  /** The first element of a JSON-array text column, as text (a group path's outermost group). */
  firstGroup(groupPath: SQL): SQL
  /** A FROM item over the text elements of a JSON-array text column, aliased `alias`, with a column `value`. */
  jsonElements(jsonText: SQL, alias: string): SQL
  /** Character 31 (a unit separator) as a one-character text. */
  unitSeparator(): SQL
  /** `expr` matching a LIKE pattern (with `\` as escape), folding ASCII case like SQLite's LIKE. */
  likeFolded(expr: SQL, pattern: string): SQL
  /** True when `err` is the store's unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean
  /**
   * Inside a transaction: holds these generations against another transaction's refresh of
   * what is kept of them (the maintained headline) until this one ends, so that the last
   * to store works its figures out after the other's rows are committed. SQLite: nothing
   * (one writer at a time: BEGIN IMMEDIATE). PostgreSQL: `FOR NO KEY UPDATE` on their rows,
   * in id order (not in conflict with the key-share locks of inserts that refer to them).
   */
  lockGenerations(ids: number[]): Promise<void>

  // ---- store behaviour ----
  /**
   * Runs `fn` when no other request runs on this store's connection (SQLite: one
   * request at a time per connection, so awaits inside a transaction never interleave
   * with another request). PostgreSQL: runs it at once (a pool). Not reentrant: only
   * the doors call it (dispatch, the app's snapshot timer), never a service.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  /** A token that changes whenever any data changed (memo caches), or null when there is none (no memo). */
  dataVersion(): Promise<string | null>
  /** An object identifying the store, as a WeakMap key for per-store memos. */
  readonly storeKey: object
  /** Runs `fn` as one consistent read (a read transaction: the backup is one moment even while others write). */
  readConsistently<T>(fn: () => Promise<T>): Promise<T>

  // ---- imports ----
  /** A writer for one import's measurements into one generation (inside the caller's transaction). */
  measurementWriter(generationId: number, importId: number): Promise<MeasurementWriter>

  // ---- backups and restores ----
  /** The SQL names of a table's columns, in order. */
  tableColumns(table: string): Promise<string[]>
  /** Reads every row of a table in id order, streamed (never the whole table in memory). */
  readTable(table: string, reader: TableReader): Promise<void>
  /** Every table's id counter, by table name. */
  idCounters(): Promise<IdCounter[]>
  /** Forgets every id counter (before a restore refills the tables). */
  clearIdCounters(): Promise<void>
  /** Raises each table's counter to at least `seq` (ids in the trash are never handed out again). */
  raiseIdCounters(counters: IdCounter[]): Promise<void>
  /**
   * Inserts rows with these columns into `table` (ids as given). Synchronous on SQLite
   * (one prepared statement); PostgreSQL buffers and writes batches on `flush`.
   */
  rowInserter(table: string, columns: string[]): { add(values: unknown[]): void; flush(): Promise<void> }
  /** The first few rows that refer to a missing parent (foreign keys checked at the end of a restore), or []. */
  foreignKeyProblems(): Promise<unknown[]>
  /** Keeps a copy of the whole store before a restore replaces it; where it is, or null when the store keeps none. */
  copyBeforeRestore(): Promise<string | null>

  // ---- SQLite file snapshots (a file store only) ----
  /** Whether the store is a file that can be written (snapshots exist only then). */
  canSnapshot(): boolean
  /** A consistent copy of the whole store into `target` (VACUUM INTO, written atomically). */
  copyInto(target: string): Promise<void>
  /** Replaces the rows of `tables` (in insertion order) with a snapshot file's, columns both have. */
  restoreSnapshotFile(file: string, tables: readonly string[]): Promise<void>
}

/** A snapshot file that fails its check: damaged, or its rows refer to rows it does not hold. */
export class SnapshotFileError extends Error {
  constructor(
    readonly problem: 'damaged' | 'missing-rows',
    readonly detail: string,
  ) {
    super(detail)
    this.name = 'SnapshotFileError'
  }
}
