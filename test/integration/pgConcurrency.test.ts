/**
 * Many requests at once on one PostgreSQL store (a pool, as a team server has): each in its
 * own transaction, none lost, none seeing another's half-done work, and races end in the
 * documented answers (a name taken twice: one wins, the other gets 'conflict').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch, type HandlerEnv } from '../../src-main/handlers'
import { openStore, type Store } from '../../src-main/db/store'
import { createTestDatabase, SKIP_PG, type TestDatabase } from '../support/postgres'

const describePg = SKIP_PG ? describe.skip : describe

const CLIENTS = 16
const STEPS = 10

describePg('many requests at once on PostgreSQL', () => {
  let database: TestDatabase
  let store: Store
  let env: HandlerEnv

  beforeAll(async () => {
    database = await createTestDatabase()
    store = await openStore(database.url, { poolSize: 8 })
    env = { ...store.ctx, version: 'test', dbFile: store.location, mode: 'web' }
  })
  afterAll(async () => {
    await store?.close()
    await database?.drop()
  })

  async function call(name: string, input: unknown): Promise<any> {
    const r = await dispatch(env, name, input)
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { apiError: r.error })
    return r.value
  }

  it(`${CLIENTS} clients writing and reading: nothing lost, no error`, async () => {
    const { projectId } = await call('sample.load', {})
    const [gen] = await call('generations.list', { projectId })
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const project = await call('projects.create', { name: `Team ${c}` })
      const g = await call('generations.create', { projectId: project.id, name: `g${c}`, pretrainedOn: '2024-01-01' })
      for (let i = 0; i < STEPS; i++) {
        await call('measurements.create', {
          generationId: g.id,
          benchmark: `bench ${i}`,
          metric: 'acc',
          baseline: 0.5,
          aligned: 0.5 - i / 100,
        })
        // Everyone also writes into the shared sample generation, and reads its summary.
        await call('costs.create', { generationId: gen.id, category: 'compute', amountUsd: c * 100 + i })
        const summary = await call('projects.summary', { projectId: project.id })
        // Its own writes so far, and no one else's: each client has its own generation.
        expect(summary.generations[0].regressions.count).toBe(i + 1)
      }
      const csv = Buffer.from(
        `benchmark,metric,value\n${Array.from({ length: 200 }, (_, k) => `t${k},acc,0.${k % 10}`).join('\n')}\n`,
      )
      const imported = await call('imports.run', {
        format: 'csv',
        fileName: `c${c}.csv`,
        contentBase64: csv.toString('base64'),
        generationId: g.id,
        role: 'baseline',
      })
      expect(imported.imported).toBe(200)
      return g.id as number
    })
    const generationIds = await Promise.all(clients)
    for (const id of generationIds) {
      expect(await call('measurements.list', { generationId: id })).toHaveLength(STEPS + 200)
    }
    const costs = await call('costs.list', { generationId: gen.id })
    const amounts = new Set(costs.map((c: { amountUsd: number }) => c.amountUsd))
    for (let c = 0; c < CLIENTS; c++) for (let i = 0; i < STEPS; i++) expect(amounts.has(c * 100 + i)).toBe(true)
  }, 120_000)

  it('a name taken by many at once: one wins, the others get conflict', async () => {
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, () => dispatch(env, 'projects.create', { name: 'Contested' })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } })
  })

  it('a failed request in the middle of others leaves nothing behind', async () => {
    const before = (await call('projects.list', { includeArchived: true })).length
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, (_, c) =>
        c % 4 === 0
          ? dispatch(env, 'backup.restore', {
              fileName: 'bad.json',
              contentBase64: Buffer.from('{"oops":').toString('base64'),
            })
          : dispatch(env, 'projects.create', { name: `Batch ${c}` }),
      ),
    )
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'invalid-data')).toBe(true)
    expect((await call('projects.list', { includeArchived: true })).length).toBe(before + CLIENTS - CLIENTS / 4)
  })
})
