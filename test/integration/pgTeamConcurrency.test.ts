/**
 * Must-show of issue 12: many clients writing through the team server at once, over
 * PostgreSQL (two serve processes over one database, the clients spread over both, as a load
 * balancer would) and over a SQLite file (one serve). Each of 8 editors, with their own bearer
 * token, creates a project and generations, logs measurements and costs (some into one shared
 * generation), edits one, reads back after each write, and imports a real lm-eval file.
 * Nothing is lost (every row is counted after, through the API and in the store itself) and no
 * answer is an error but the documented ones: 503 busy and 409 conflict, retried as a client
 * would; anything else fails the test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { count, eq, inArray } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src-main/db/store'
import { createTestDatabase, SKIP_PG, type TestDatabase } from '../support/postgres'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { addUser, api, startServe, type ServeProcess } from '../support/teamServe'

const CLIENTS = 8
const MEASUREMENTS = 10
const COSTS = 3
const FIXTURE = path.resolve(REPO_ROOT, '../shared/fixtures/lm-eval/leaderboard-v2-nested-groups-v04.json')

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** The answers that are documented as "try again": busy (503) and conflict (409). */
const DOCUMENTED = new Set([503, 409])

async function writeConcurrently(store: string, servers: ServeProcess[]) {
  const admin = addUser(store, 'root', 'admin')
  const documented: number[] = []
  /** One request, retried on a documented answer; any other error fails the test. */
  async function call(base: string, token: string, name: string, input: unknown): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      const r = await api(base, token, name, input)
      if (r.status === 200 && r.body.ok) return r.body.value
      if (DOCUMENTED.has(r.status) && attempt < 50) {
        documented.push(r.status)
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40))
        continue
      }
      throw new Error(`${name}: HTTP ${r.status} ${JSON.stringify(r.body.error)}`)
    }
  }
  const first = servers[0].url
  // The editors, made by the admin over HTTP at once.
  const editors: string[] = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const added = await call(first, admin, 'users.add', { name: `editor${c}`, role: 'editor' })
      return added.token as string
    }),
  )
  const shared = await call(first, admin, 'projects.create', { name: 'Shared' })
  const sharedGen = await call(first, admin, 'generations.create', {
    projectId: shared.id,
    name: 'shared',
    pretrainedOn: '2024-01-01',
  })
  const fixture = fs.readFileSync(FIXTURE).toString('base64')

  const results = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const base = servers[c % servers.length].url
      const token = editors[c]
      const project = await call(base, token, 'projects.create', { name: `Team ${c}` })
      const gen = await call(base, token, 'generations.create', {
        projectId: project.id,
        name: `g${c}`,
        pretrainedOn: '2024-01-01',
      })
      const importGen = await call(base, token, 'generations.create', {
        projectId: project.id,
        name: `g${c} imported`,
        pretrainedOn: '2024-02-01',
      })
      const made: number[] = []
      for (let i = 0; i < MEASUREMENTS; i++) {
        const m = await call(base, token, 'measurements.create', {
          generationId: gen.id,
          benchmark: `bench ${i}`,
          metric: 'acc',
          baseline: 0.5,
          aligned: 0.5 - i / 100,
        })
        made.push(m.id)
        // Read back what was just written: its own rows, all of them.
        expect(await call(base, token, 'measurements.list', { generationId: gen.id })).toHaveLength(i + 1)
      }
      for (let i = 0; i < COSTS; i++) {
        await call(base, token, 'costs.create', {
          generationId: sharedGen.id,
          category: 'compute',
          amountUsd: c * 100 + i,
        })
      }
      const edited = await call(base, token, 'measurements.update', { id: made[0], aligned: 0.25 })
      expect(edited.aligned).toBe(0.25)
      const imported = await call(base, token, 'imports.run', {
        format: 'lm-eval',
        fileName: `run-${c}.json`,
        contentBase64: fixture,
        generationId: importGen.id,
        role: 'baseline',
      })
      expect(imported.imported).toBeGreaterThan(0)
      return { project: project.id, gen: gen.id, importGen: importGen.id, imported: imported.imported as number }
    }),
  )

  // Everything is there, read through every server.
  for (const server of servers) {
    const names = (await call(server.url, admin, 'projects.list', {})).map((p: { name: string }) => p.name)
    for (let c = 0; c < CLIENTS; c++) expect(names).toContain(`Team ${c}`)
    for (const r of results) {
      const rows = await call(server.url, admin, 'measurements.list', { generationId: r.gen })
      expect(rows).toHaveLength(MEASUREMENTS)
      expect(rows.filter((m: { aligned: number }) => m.aligned === 0.25)).toHaveLength(1)
      expect(await call(server.url, admin, 'measurements.list', { generationId: r.importGen })).toHaveLength(r.imported)
    }
    const costs = await call(server.url, admin, 'costs.list', { generationId: sharedGen.id })
    expect(costs.map((x: { amountUsd: number }) => x.amountUsd).sort((x: number, y: number) => x - y)).toEqual(
      Array.from({ length: CLIENTS * COSTS }, (_, k) => Math.floor(k / COSTS) * 100 + (k % COSTS)),
    )
  }
  // And counted in the store itself.
  const opened = await openStore(store, { poolSize: 1 })
  try {
    const { db, t } = opened.ctx
    const gens = results.flatMap((r) => [r.gen, r.importGen])
    const [m] = await db
      .select({ n: count() })
      .from(t.benchmarkMeasurements)
      .where(inArray(t.benchmarkMeasurements.generationId, gens))
    expect(Number(m.n)).toBe(CLIENTS * MEASUREMENTS + results.reduce((s, r) => s + r.imported, 0))
    const [costRows] = await db
      .select({ n: count() })
      .from(t.costItems)
      .where(eq(t.costItems.generationId, sharedGen.id))
    expect(Number(costRows.n)).toBe(CLIENTS * COSTS)
    const [projectRows] = await db.select({ n: count() }).from(t.projects)
    expect(Number(projectRows.n)).toBe(CLIENTS + 1)
    const [userRows] = await db.select({ n: count() }).from(t.users)
    expect(Number(userRows.n)).toBe(CLIENTS + 1)
  } finally {
    await opened.close()
  }
  return documented
}

describe.skipIf(SKIP_PG)('8 clients writing at once through two serve processes over one PostgreSQL', () => {
  it('nothing lost, no error but documented ones', async () => {
    const database: TestDatabase = await createTestDatabase('atax_concurrent')
    cleanups.push(() => database.drop())
    const servers = await Promise.all([startServe(database.url), startServe(database.url)])
    cleanups.push(async () => void (await Promise.all(servers.map((s) => s.stop()))))
    await writeConcurrently(database.url, servers)
  }, 120_000)
})

describe('8 clients writing at once through one serve process over a SQLite file', () => {
  it('nothing lost, no error but documented ones', async () => {
    const dir = tempDir('atax-team-concurrent-')
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'team.db')
    const server = await startServe(file)
    cleanups.push(() => server.stop())
    await writeConcurrently(file, [server]).catch((err) => {
      throw new Error(`${(err as Error).message}\nserver stderr: ${server.stderr()}`)
    })
  }, 120_000)
})
