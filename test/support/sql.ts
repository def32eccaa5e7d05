/**
 * Raw SQL in tests, on whichever store the test runs (test/support/tempDb.ts): statements
 * written with `?` placeholders, as for better-sqlite3, run through the store's dialect.
 * The SQL itself must mean the same on both stores (no SQLite pragmas or functions); rows
 * come back as SQLite gives them (numbers, booleans as 1/0).
 */
import { sql, type SQL } from 'drizzle-orm'
import type { ServiceContext } from '../../src-main/services/context'

/** `text` with each `?` bound to the next of `params`. */
export function bind(text: string, params: readonly unknown[]): SQL {
  const parts = text.split('?')
  if (parts.length - 1 !== params.length) {
    throw new Error(`${parts.length - 1} placeholders but ${params.length} values in: ${text}`)
  }
  const chunks: SQL[] = []
  parts.forEach((part, i) => {
    chunks.push(sql.raw(part))
    if (i < params.length) chunks.push(sql`${params[i]}`)
  })
  return sql.join(chunks)
}

export interface RawSql {
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T | undefined>
  all<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>
  /** The first column of the first row (better-sqlite3's pluck().get()). */
  value<T = unknown>(text: string, ...params: unknown[]): Promise<T | undefined>
  /** How many rows the statement changed. */
  run(text: string, ...params: unknown[]): Promise<number>
}

export function rawSql(ctx: Pick<ServiceContext, 'dialect'>): RawSql {
  return {
    get: async <T>(text: string, ...params: unknown[]) => (await ctx.dialect.rows<T>(bind(text, params)))[0],
    all: <T>(text: string, ...params: unknown[]) => ctx.dialect.rows<T>(bind(text, params)),
    value: async <T>(text: string, ...params: unknown[]) => (await ctx.dialect.arrays<[T]>(bind(text, params)))[0]?.[0],
    run: (text: string, ...params: unknown[]) => ctx.dialect.run(bind(text, params)),
  }
}
