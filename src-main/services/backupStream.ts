/**
 * The streaming backup (version 2): JSON Lines, written and read a chunk at a time,
 * so a backup of millions of rows never sits in memory as one string or one object.
 *
 *   {"format":"alignment-tax-planner-backup","version":2,"exportedAt":"2026-…"}
 *   {"table":"projects","columns":["id","name",…]}
 *   [1,"RLHF pipeline",…]                  one line per row, values in column order
 *   {"table":"generations","columns":[…]}
 *   …
 *   {"table":"sqlite_sequence","columns":["name","seq"]}
 *   {"end":true,"rows":12345}               guards against a truncated file
 *
 * Restoring reads the file twice: first every line is checked (tables, columns,
 * values, the end line), and only then is the data replaced, in one transaction.
 * Version 1 backups (one JSON object) still restore through ./backup.ts.
 */
import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { sql } from 'drizzle-orm'
import {
  BACKUP_FORMAT,
  BACKUP_TABLES,
  backupIdCounters,
  checkBackupRow,
  restoreBackup,
  SEQUENCES,
  tableColumnSets,
} from './backup'
import type { IdCounter } from '../db/dialects/types'
import { policyFractionsProblem } from '../../src-shared/api/rows'
import { writeFileAtomicallyAsync } from '../files/atomic'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { ensureProjectUids } from './projects'
import { fillHeadlines } from './readModels/maintained'

export const STREAMING_BACKUP_VERSION = 2

type Value = string | number | null
/** Where a backup is read from: a file on disk (the usual way) or bytes already in memory. */
export type BackupSource = { file: string } | { bytes: Uint8Array }

const CHUNK_BYTES = 1 << 20

/**
 * Lines of JSON written to an open file in chunks of about CHUNK_BYTES (never the whole
 * file as one string); `finish` writes what is pending and answers the bytes written.
 */
export function jsonLinesWriter(fd: number): { line: (text: string) => void; finish: () => number } {
  let pending: string[] = []
  let pendingLength = 0
  let bytes = 0
  const flush = () => {
    const buffer = Buffer.from(pending.join(''))
    // writeSync may write less than asked (a disk filling up): the rest is written, or ENOSPC thrown.
    for (let at = 0; at < buffer.length;) at += fs.writeSync(fd, buffer, at, buffer.length - at)
    bytes += buffer.length
    pending = []
    pendingLength = 0
  }
  return {
    line: (text) => {
      pending.push(text, '\n')
      pendingLength += text.length + 1
      if (pendingLength >= CHUNK_BYTES) flush()
    },
    finish: () => {
      flush()
      return bytes
    },
  }
}

/**
 * Writes the backup to `file` through the atomic-file helper (a temporary name beside
 * it, synced, then renamed): never half-written, even on a full disk or a kill.
 */
export async function writeBackupFile(
  ctx: ServiceContext,
  file: string,
  onProgress: (fraction: number) => void = () => {},
): Promise<{ rows: number; bytes: number }> {
  let rows = 0
  let bytes = 0 // set once the file is complete
  const counts: number[] = []
  for (const table of BACKUP_TABLES) {
    const [row] = await ctx.dialect.rows<{ n: number }>(
      sql`SELECT ${ctx.dialect.int(sql`count(*)`)} AS n FROM ${sql.identifier(table)}`,
    )
    counts.push(Number(row?.n ?? 0))
  }
  await writeFileAtomicallyAsync(file, async (temporary) => {
    const fd = fs.openSync(temporary, 'wx')
    try {
      const out = jsonLinesWriter(fd)
      const line = out.line
      const total = counts.reduce((a, b) => a + b, 0) || 1
      line(
        JSON.stringify({
          format: BACKUP_FORMAT,
          version: STREAMING_BACKUP_VERSION,
          exportedAt: new Date().toISOString(),
        }),
      )
      // One read transaction: the backup is one consistent moment even while others write.
      await ctx.dialect.readConsistently(async () => {
        for (const table of BACKUP_TABLES) {
          await ctx.dialect.readTable(table, (columns) => {
            line(JSON.stringify({ table, columns }))
            return (row) => {
              line(JSON.stringify(row))
              if (++rows % 50_000 === 0) onProgress(Math.min(rows / total, 0.99))
            }
          })
        }
        line(JSON.stringify({ table: SEQUENCES, columns: ['name', 'seq'] }))
        for (const { name, seq } of await backupIdCounters(ctx)) line(JSON.stringify([name, seq]))
      })
      line(JSON.stringify({ end: true, rows }))
      bytes = out.finish()
    } finally {
      fs.closeSync(fd)
    }
  })
  onProgress(1)
  return { rows, bytes }
}

/** Calls `onLine` with each line of the source (1-based numbers), reading a chunk at a time. */
function eachLine(
  source: BackupSource,
  onLine: (text: string, lineNumber: number) => void,
  onProgress?: (fraction: number) => void,
): void {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  let lineNumber = 0
  const take = (text: string) => {
    const lines = (carry + text).split('\n')
    carry = lines.pop()!
    for (const l of lines) {
      lineNumber++
      const trimmed = l.endsWith('\r') ? l.slice(0, -1) : l
      if (trimmed.trim()) onLine(trimmed, lineNumber)
    }
  }
  if ('bytes' in source) {
    for (let at = 0; at < source.bytes.length; at += CHUNK_BYTES) {
      take(decoder.write(Buffer.from(source.bytes.subarray(at, at + CHUNK_BYTES))))
      onProgress?.(Math.min((at + CHUNK_BYTES) / source.bytes.length, 1))
    }
  } else {
    const fd = fs.openSync(source.file, 'r')
    const size = fs.fstatSync(fd).size || 1
    const buffer = Buffer.alloc(CHUNK_BYTES)
    let read = 0
    try {
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null)
        if (n === 0) break
        read += n
        take(decoder.write(buffer.subarray(0, n)))
        onProgress?.(read / size)
      }
    } finally {
      fs.closeSync(fd)
    }
  }
  take(decoder.end() + '\n')
}

function firstLine(source: BackupSource): string {
  let head: Buffer
  if ('bytes' in source) head = Buffer.from(source.bytes.subarray(0, 4096))
  else {
    const fd = fs.openSync(source.file, 'r')
    head = Buffer.alloc(4096)
    const n = fs.readSync(fd, head, 0, 4096, 0)
    fs.closeSync(fd)
    head = head.subarray(0, n)
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '')
  const end = text.indexOf('\n')
  return end < 0 ? text : text.slice(0, end)
}

/** True when the source starts with a version-2 header line. */
export function isStreamingBackup(source: BackupSource): boolean {
  try {
    const header = JSON.parse(firstLine(source)) as { format?: unknown; version?: unknown }
    return header.format === BACKUP_FORMAT && header.version === STREAMING_BACKUP_VERSION
  } catch {
    return false
  }
}

/**
 * Restores any backup: a version-2 JSON Lines file streamed (checked whole first),
 * a version-1 single JSON object through the original path.
 */
export async function restoreBackupSource(
  ctx: ServiceContext,
  source: BackupSource,
  fileName: string,
  onProgress: (fraction: number) => void = () => {},
): Promise<{ projects: number }> {
  if (!isStreamingBackup(source)) {
    const bytes = 'bytes' in source ? source.bytes : fs.readFileSync(source.file)
    const restored = await restoreBackup(ctx, Buffer.from(bytes).toString('utf8'), fileName)
    onProgress(1)
    return restored
  }
  const known = await tableColumnSets(ctx)
  known.set(SEQUENCES, new Set(['name', 'seq']))

  /** Walks the file: checks every line, and hands each row to `onRow` (the second pass). */
  const walk = (
    onRow: ((table: string, columns: string[], row: Value[]) => void) | null,
    progress: (fraction: number) => void,
  ) => {
    let table: string | null = null
    let columns: string[] = []
    let index = 0
    let rows = 0
    let ended = false
    let projects = 0
    /** Rows of one policy must sum to at most 1: checked across rows once the file is read. */
    const policyRows: { policyId: unknown; fraction: unknown }[] = []
    eachLine(
      source,
      (text, lineNumber) => {
        const where = `${fileName}: line ${lineNumber}`
        if (ended) throw new ServiceError('invalid-data', `${where}: text after the end line`)
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch (err) {
          throw new ServiceError('invalid-data', `${where}: not valid JSON (${(err as Error).message})`)
        }
        if (lineNumber === 1) return // the header, checked by isStreamingBackup
        if (Array.isArray(value)) {
          if (table === null) throw new ServiceError('invalid-data', `${where}: a row before any table line`)
          if (value.length !== columns.length) {
            throw new ServiceError(
              'invalid-data',
              `${where}: tables.${table}[${index}] has ${value.length} values for ${columns.length} columns`,
            )
          }
          const row: Record<string, Value> = {}
          value.forEach((v, i) => {
            if (v !== null && typeof v !== 'string' && typeof v !== 'number') {
              throw new ServiceError(
                'invalid-data',
                `${where}: tables.${table}[${index}].${columns[i]} must be text, a number or null, got ${JSON.stringify(v)}`,
              )
            }
            row[columns[i]] = v
          })
          const problem = checkBackupRow(table, row)
          if (problem) throw new ServiceError('invalid-data', `${where}: tables.${table}[${index}]${problem}`)
          if (table === 'policy_rows') policyRows.push({ policyId: row.policy_id, fraction: row.fraction })
          if (table === 'projects') projects++
          if (table !== SEQUENCES) rows++
          index++
          onRow?.(table, columns, value as Value[])
          return
        }
        const line = value as { table?: unknown; columns?: unknown; end?: unknown; rows?: unknown }
        if (line.end === true) {
          if (line.rows !== rows) {
            throw new ServiceError(
              'invalid-data',
              `${where}: the end line counts ${String(line.rows)} rows, the file holds ${rows}`,
            )
          }
          ended = true
          return
        }
        if (typeof line.table !== 'string' || !known.has(line.table)) {
          throw new ServiceError('invalid-data', `${where}: tables.${String(line.table)} is not a table of this app`)
        }
        if (!Array.isArray(line.columns) || !line.columns.every((c) => typeof c === 'string')) {
          throw new ServiceError('invalid-data', `${where}: the columns of ${line.table} must be a list of names`)
        }
        for (const c of line.columns as string[]) {
          if (!known.get(line.table)!.has(c)) {
            throw new ServiceError('invalid-data', `${where}: ${c} is not a column of ${line.table}`)
          }
        }
        table = line.table
        columns = line.columns as string[]
        index = 0
      },
      progress,
    )
    if (!ended) throw new ServiceError('invalid-data', `${fileName}: the file ends before its end line (truncated?)`)
    const fractions = policyFractionsProblem(policyRows)
    if (fractions) throw new ServiceError('invalid-data', `${fileName}: tables.policy_rows: ${fractions}`)
    return { projects }
  }

  // Pass 1: everything is checked before anything is replaced.
  const { projects } = walk(null, (f) => onProgress(f * 0.5))

  // A copy of the current data first, so a restore can itself be undone.
  await ctx.dialect.copyBeforeRestore()
  await ctx.transaction(async () => {
    for (const table of [...BACKUP_TABLES].reverse()) await ctx.dialect.run(sql`DELETE FROM ${sql.identifier(table)}`)
    await ctx.dialect.clearIdCounters()
    const inserters = new Map<string, ReturnType<typeof ctx.dialect.rowInserter>>()
    const counters: IdCounter[] = []
    walk(
      (table, columns, row) => {
        if (table === SEQUENCES) {
          counters.push({ name: String(row[0]), seq: Number(row[1]) })
          return
        }
        const key = `${table}(${columns.join(',')})`
        let inserter = inserters.get(key)
        if (!inserter) {
          inserter = ctx.dialect.rowInserter(table, columns)
          inserters.set(key, inserter)
        }
        try {
          inserter.add(row)
        } catch (err) {
          throw new ServiceError('invalid-data', `${fileName}: tables.${table}: ${(err as Error).message}`)
        }
      },
      (f) => onProgress(0.5 + f * 0.5),
    )
    for (const [key, inserter] of inserters) {
      try {
        await inserter.flush()
      } catch (err) {
        throw new ServiceError(
          'invalid-data',
          `${fileName}: tables.${key.slice(0, key.indexOf('('))}: ${(err as Error).message}`,
        )
      }
    }
    // The backup's counters (which count ids now only in the trash) win where higher.
    await ctx.dialect.raiseIdCounters(counters)
    const fk = await ctx.dialect.foreignKeyProblems()
    if (fk.length) {
      throw new ServiceError('invalid-data', `${fileName}: rows refer to missing parents: ${JSON.stringify(fk[0])}`)
    }
    // A backup made before projects had a uid: each gets one (a push finds it by it).
    await ensureProjectUids(ctx)
    await fillHeadlines(ctx)
  })
  onProgress(1)
  return { projects }
}
