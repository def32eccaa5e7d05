/**
 * The PostgreSQL schema (src-main/db/pg/schema.ts) mirrors the SQLite one (src-main/db/schema.ts)
 * column for column: the services hold one set of table objects and run on either store, so
 * every export, property name, SQL name, type, nullability, default, key, index, foreign key and
 * CHECK constraint must have its counterpart.
 */
import { describe, expect, it } from 'vitest'
import { getTableColumns, getTableName, is, SQL, type Table } from 'drizzle-orm'
import { getTableConfig as sqliteConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { getTableConfig as pgConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core'
import * as sqliteSchema from '../../../src-main/db/schema'
import * as pgSchema from '../../../src-main/db/pg/schema'

/** The PostgreSQL type each SQLite column type is written as. */
const TYPE_MAP: Record<string, string> = {
  SQLiteInteger: 'integer',
  SQLiteBoolean: 'boolean',
  SQLiteReal: 'double precision',
  SQLiteText: 'text COLLATE "C"',
}

/**
 * CHECKs SQLite needs only because any column holds any type: on PostgreSQL the column's
 * type (boolean) says it.
 */
const TYPE_ONLY_CHECKS = new Set(['projects_is_sample', 'generations_technique_change', 'cost_items_scales_with_model'])

const sqliteTables = Object.entries(sqliteSchema).filter(([, v]) => is(v, SQLiteTable)) as [string, SQLiteTable][]
const pgTables = Object.entries(pgSchema).filter(([, v]) => is(v, PgTable)) as [string, PgTable][]

/** Integer columns that are neither ids nor references to one: bigint on PostgreSQL (SQLite's integer is 64 bits). */
const isCount = (c: SQLiteColumn) => c.columnType === 'SQLiteInteger' && c.name !== 'id' && !c.name.endsWith('_id')

function describeColumn(c: SQLiteColumn | PgColumn, pg: boolean) {
  return {
    name: c.name,
    type: pg
      ? c.getSQLType()
      : isCount(c as SQLiteColumn)
        ? 'bigint'
        : (TYPE_MAP[c.columnType] ?? `unmapped ${c.columnType}`),
    notNull: c.notNull,
    primary: c.primary,
    // An INTEGER PRIMARY KEY that is not an id (generation_headline.generation_id, always
    // given) is SQLite's rowid, which drizzle marks as having a default; PostgreSQL's has none.
    hasDefault: c.hasDefault && (pg || !(c.primary && c.name !== 'id')),
    default: is(c.default, SQL) ? 'SQL' : c.default,
    unique: c.isUnique,
  }
}

describe('the PostgreSQL schema mirrors the SQLite schema', () => {
  it('exports the same tables under the same names and SQL names', () => {
    expect(pgTables.map(([k, v]) => [k, getTableName(v)]).sort()).toEqual(
      sqliteTables.map(([k, v]) => [k, getTableName(v)]).sort(),
    )
  })

  for (const [key, sqliteTable] of sqliteTables) {
    describe(key, () => {
      const pgTable = (pgSchema as Record<string, unknown>)[key] as PgTable | undefined
      const s = sqliteConfig(sqliteTable)
      const p = pgTable ? pgConfig(pgTable) : null

      it('has the same columns: property names, SQL names, types, nullability, defaults, keys', () => {
        expect(p, `src-main/db/pg/schema.ts has no table ${key}`).not.toBeNull()
        const props = (t: Table) =>
          Object.fromEntries(Object.entries(getTableColumns(t)).map(([prop, col]) => [prop, col.name]))
        expect(props(pgTable!)).toEqual(props(sqliteTable))
        const columns = (cs: (SQLiteColumn | PgColumn)[], pg: boolean) =>
          cs.map((c) => describeColumn(c, pg)).sort((a, b) => a.name.localeCompare(b.name))
        expect(columns(p!.columns, true)).toEqual(columns(s.columns, false))
      })

      it('ids are integer identity columns (ids set by undo and restores allowed)', () => {
        const id = p!.columns.find((c) => c.name === 'id')
        if (!id) return
        expect(id.getSQLType()).toBe('integer')
        expect((id as unknown as { generatedIdentity?: { type: string } }).generatedIdentity?.type).toBe('byDefault')
      })

      it('has the same indexes, foreign keys and CHECK constraints', () => {
        const indexes = (list: { config: { name?: string; unique: boolean; columns: unknown[]; where?: SQL } }[]) =>
          list
            .map((i) => ({
              name: i.config.name,
              unique: i.config.unique,
              columns: i.config.columns.map((c) => (c as { name: string }).name),
              partial: !!i.config.where,
            }))
            .sort((a, b) => String(a.name).localeCompare(String(b.name)))
        expect(indexes(p!.indexes)).toEqual(indexes(s.indexes))
        const fks = (list: (ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>)['foreignKeys'][number][]) =>
          list
            .map((fk) => {
              const r = fk.reference()
              return {
                columns: r.columns.map((c) => c.name),
                table: getTableName(r.foreignTable),
                foreign: r.foreignColumns.map((c) => c.name),
                onDelete: fk.onDelete ?? 'no action',
              }
            })
            .sort((a, b) => a.columns.join().localeCompare(b.columns.join()))
        expect(fks(p!.foreignKeys)).toEqual(fks(s.foreignKeys))
        expect(p!.checks.map((c) => c.name).sort()).toEqual(
          s.checks
            .map((c) => c.name)
            .filter((n) => !TYPE_ONLY_CHECKS.has(n))
            .sort(),
        )
      })
    })
  }
})
