/**
 * The row rules (src-shared/api/rows.ts) and the database's CHECK constraints
 * (src-main/db/schema.ts) say the same thing: a row the rules accept is never refused by
 * the database (fuzzing found one: a name of a NUL character, now refused by both: PostgreSQL's
 * text cannot hold one), and a row the rules refuse
 * for a value is refused by the database too. Property-based, on a real store (SQLite, and
 * PostgreSQL in the project integration-pg).
 */
import fc from 'fast-check'
import { getTableColumns } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowProblem } from '../../src-shared/api/rows'
import * as schema from '../../src-main/db/schema'
import { loadSample } from '../../src-main/services/sample'
import { openTempApp } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
let generationId: number
beforeAll(async () => {
  app = openTempApp()
  await loadSample(app.env)
  generationId = (await rawSql(app.env).value('SELECT id FROM generations LIMIT 1')) as number
})
afterAll(async () => app.close())

const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\t',
    '\u00a0x',
    'x'.repeat(200),
    'x'.repeat(201),
    'x'.repeat(500),
    'x'.repeat(501),
  ),
)
const number = fc.oneof(
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, 7, Number.POSITIVE_INFINITY, 1e308),
  fc.integer({ min: -5, max: 5 }),
)
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null })
const date = fc.constantFrom(
  '2024-01-01',
  '2024-02-29',
  '2023-02-29',
  '2021-02-30',
  'not a date',
  '2024-1-1',
  '0000-01-01',
)

/** Inserts a row (domain keys) in a transaction that is always rolled back; true if the database accepted it. */
async function databaseAccepts(
  table: keyof typeof schema,
  row: Record<string, unknown>,
): Promise<{ ok: boolean; why?: string }> {
  const columns = getTableColumns(schema[table] as never) as Record<string, { name: string; columnType: string }>
  const entries = Object.entries(row).filter(([k]) => k in columns)
  const sql = `INSERT INTO "${(schema[table] as any)[Symbol.for('drizzle:Name')]}" (${entries.map(([k]) => `"${columns[k].name}"`).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`
  const values = entries.map(([, v]) => (typeof v === 'boolean' ? (v ? 1 : 0) : v))
  const rolledBack = new Error('rolled back')
  try {
    await app.env.transaction(async (tx) => {
      await rawSql(tx).run(sql, ...values)
      throw rolledBack
    })
  } catch (err) {
    if (err === rolledBack) return { ok: true }
    return { ok: false, why: (err as Error).message }
  }
  throw new Error('unreachable')
}

const stamp = '2026-01-01T00:00:00.000Z'
const tables = {
  benchmarkMeasurements: fc.record({
    id: fc.constant(900_001),
    generationId: fc.constant(0),
    benchmark: text,
    metric: text,
    direction: fc.constantFrom('higher', 'lower', 'sideways'),
    shots: maybe(number),
    baseline: maybe(number),
    aligned: maybe(number),
    baselineStderr: maybe(number),
    alignedStderr: maybe(number),
    source: fc.constantFrom('manual', 'import', 'pipeline', 'sample', 'other'),
    importId: fc.constant(null),
    // JSON of the wrong kind or not JSON at all; element types are checked by the rules only
    // (a CHECK cannot look inside an array), so elements here are always strings.
    groupPath: maybe(fc.constantFrom('["mmlu"]', '["mmlu","mmlu_stem"]', '[]', '{}', '"mmlu"', 'mmlu', '')),
    createdAt: fc.constant(stamp),
  }),
  generations: fc.record({
    id: fc.constant(900_002),
    projectId: fc.constant(1),
    ordinal: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.constant(1.5)),
    name: text,
    baseModel: maybe(fc.string({ maxLength: 5 })),
    paramsB: maybe(number),
    pretrainComputePfd: maybe(number),
    pretrainCostUsd: maybe(number),
    technique: maybe(fc.string({ maxLength: 5 })),
    techniqueChange: fc.boolean(),
    pretrainedOn: date,
    deployedOn: maybe(date),
    notes: fc.constant(''),
    headlineMetrics: fc.constantFrom('{}', '{"mmlu":"acc"}', '[]', 'null', 'acc', ''),
    createdAt: fc.constant(stamp),
    updatedAt: fc.constant(stamp),
    deletedAt: maybe(fc.constant(stamp)),
  }),
  costItems: fc.record({
    id: fc.constant(900_003),
    generationId: fc.constant(0),
    category: fc.constantFrom('compute', 'other', 'lunch'),
    amountUsd: number,
    lowUsd: maybe(number),
    highUsd: maybe(number),
    quantity: maybe(number),
    unit: maybe(fc.constantFrom('', 'pf-days')),
    scalesWithModel: fc.boolean(),
    note: fc.constant(''),
    date: maybe(date),
    source: fc.constantFrom('manual', 'pipeline'),
    createdAt: fc.constant(stamp),
  }),
  policyRows: fc.record({
    id: fc.constant(900_004),
    policyId: fc.constant(0),
    position: fc.integer({ min: -1, max: 3 }),
    fraction: number,
    multiplier: number,
  }),
} as const

describe('the row rules and the CHECK constraints agree', () => {
  it.each(Object.keys(tables) as (keyof typeof tables)[])('%s', async (table) => {
    const parentId =
      table === 'policyRows'
        ? ((await rawSql(app.env).value('SELECT id FROM inference_policies LIMIT 1')) as number)
        : generationId
    await fc.assert(
      fc.asyncProperty(tables[table] as fc.Arbitrary<Record<string, unknown>>, async (generated) => {
        const row = { ...generated }
        if ('generationId' in row) row.generationId = parentId
        if ('policyId' in row) row.policyId = parentId
        const problem = rowProblem(table, row)
        const db = await databaseAccepts(table, row)
        if (problem === null) {
          expect(db, `the rules accept ${JSON.stringify(row)}, the database refused`).toEqual({ ok: true })
        } else if (!/^(id|generationId|policyId)$/.test(problem.key)) {
          expect(
            db.ok,
            `the rules refuse ${problem.key} (${problem.message}) in ${JSON.stringify(row)}, the database accepted`,
          ).toBe(false)
        }
      }),
      { numRuns: 300 },
    )
  })
})
