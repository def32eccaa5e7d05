/**
 * Every figure is the same on both stores: the sample workspace, an lm-eval import with
 * groups (baseline then aligned: plain inserts, then upserts), edits, a trash round trip and a
 * backup restored, each read model asked of the SQLite file and of PostgreSQL, answers
 * compared whole (only timestamps left out: the two stores write them at different moments).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch, type HandlerEnv } from '../../src-main/handlers'
import { openStore, type Store } from '../../src-main/db/store'
import { createTestDatabase, SKIP_PG } from '../support/postgres'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const describePg = SKIP_PG ? describe.skip : describe

const LM_EVAL = fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/importers/lm-eval-v0.4-results.json'))

interface Opened {
  store: Store
  env: HandlerEnv
  close(): Promise<void>
}

async function openBoth(): Promise<{ sqlite: Opened; pg: Opened }> {
  const dir = tempDir()
  const database = await createTestDatabase()
  const open = async (url: string, cleanup: () => Promise<void>): Promise<Opened> => {
    const store = await openStore(url)
    const env: HandlerEnv = { ...store.ctx, version: 'test', dbFile: store.location, mode: 'web' }
    return {
      store,
      env,
      close: async () => {
        await store.close()
        await cleanup()
      },
    }
  }
  return {
    sqlite: await open(path.join(dir, 'test.db'), async () => fs.rmSync(dir, { recursive: true, force: true })),
    pg: await open(database.url, () => database.drop()),
  }
}

/** The value of a request, or its error (both stores must fail alike too). */
async function call(env: HandlerEnv, name: string, input: unknown = {}): Promise<unknown> {
  const r = await dispatch(env, name, input)
  return r.ok ? r.value : { error: r.error }
}

/** Timestamps and projects' uids (random UUIDs) differ between two runs; everything else must not. */
function withoutTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimestamps)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => !(/At$/.test(k) && (typeof v === 'string' || v === null)) && k !== 'uid')
        .map(([k, v]) => [k, withoutTimestamps(v)]),
    )
  }
  if (typeof value === 'string')
    return value
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/"uid":\s*"[0-9a-f-]{36}"/g, '"uid":"<uid>"')
  return value
}

/** Everything the app shows of the workspace, read model by read model. */
async function everything(env: HandlerEnv): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const projects = (await call(env, 'projects.list', { includeArchived: true })) as { id: number }[]
  out.projects = projects
  out.generationsAll = await call(env, 'generations.listAll')
  for (const p of projects) {
    out[`summary ${p.id}`] = await call(env, 'projects.summary', { projectId: p.id })
    out[`imports ${p.id}`] = await call(env, 'imports.list', { projectId: p.id })
    out[`report md ${p.id}`] = await call(env, 'reports.export', { format: 'md', projectId: p.id })
    out[`report json ${p.id}`] = await call(env, 'reports.export', { format: 'json', projectId: p.id })
    out[`report html ${p.id}`] = await call(env, 'reports.export', { format: 'html', projectId: p.id })
    out[`report csv ${p.id}`] = await call(env, 'reports.export', { format: 'csv', projectId: p.id })
    const gens = (await call(env, 'generations.list', { projectId: p.id })) as { id: number }[]
    out[`generations ${p.id}`] = gens
    for (const g of gens) {
      const generationId = g.id
      out[`detail ${g.id}`] = await call(env, 'generations.get', { id: g.id })
      out[`performance ${g.id}`] = await call(env, 'performance.list', { generationId })
      out[`measurements ${g.id}`] = await call(env, 'measurements.list', { generationId })
      for (const sort of ['name', 'largest-change'] as const) {
        out[`page ${g.id} ${sort}`] = await call(env, 'measurements.page', { generationId, sort, limit: 500 })
        out[`page ${g.id} ${sort} collapsed`] = await call(env, 'measurements.page', {
          generationId,
          sort,
          expanded: [],
        })
        out[`page ${g.id} ${sort} filter`] = await call(env, 'measurements.page', {
          generationId,
          sort,
          filter: 'MMLU_',
        })
        out[`page ${g.id} ${sort} offset`] = await call(env, 'measurements.page', {
          generationId,
          sort,
          offset: 3,
          limit: 4,
        })
      }
      for (const kind of ['policies', 'curves', 'costs', 'phases', 'plans'] as const) {
        out[`${kind} ${g.id}`] = await call(env, kind === 'plans' ? 'plans.get' : `${kind}.list`, { generationId })
      }
    }
  }
  out.timeline = await call(env, 'timeline.get', { projectIds: projects.map((p) => p.id) })
  const all = (await call(env, 'generations.listAll')) as { id: number }[]
  out.compare = await call(env, 'compare.get', { generationIds: all.map((g) => g.id).slice(0, 10) })
  out.trash = await call(env, 'trash.list')
  return withoutTimestamps(out) as Record<string, unknown>
}

/** The same steps on a store; the answers of the writes, for comparison. */
async function work(env: HandlerEnv): Promise<[string, unknown][]> {
  const answers: [string, unknown][] = []
  const step = async (name: string, input: unknown = {}) => {
    const value = await call(env, name, input)
    answers.push([name, withoutTimestamps(value)])
    return value as Record<string, unknown>
  }
  const sample = await step('sample.load')
  const projectId = sample.projectId as number
  const gen = await step('generations.create', {
    projectId,
    name: 'Imported',
    pretrainedOn: '2024-03-01',
    paramsB: 8,
  })
  const generationId = gen.id as number
  const content = LM_EVAL.toString('base64')
  const directions = { refusal_rate: 'lower' }
  await step('imports.run', {
    format: 'lm-eval',
    fileName: 'base.json',
    contentBase64: content,
    generationId,
    role: 'baseline',
    directions,
  })
  await step('imports.run', {
    format: 'lm-eval',
    fileName: 'aligned.json',
    contentBase64: content,
    generationId,
    role: 'aligned',
    force: true,
    directions,
  })
  await step('measurements.create', {
    generationId,
    benchmark: 'Zeta bench',
    metric: 'acc',
    direction: 'higher',
    baseline: 0.5,
    aligned: 0.45,
  })
  const doomed = (await step('costs.create', {
    generationId,
    category: 'compute',
    amountUsd: 1200,
  })) as { id: number }
  await step('costs.delete', { id: doomed.id })
  await step('projects.create', { name: 'Second', description: 'é ordering: Zebra, apple, Äpfel' })
  await step('generations.create', { projectId, name: 'another', pretrainedOn: '2024-06-30' })
  return answers
}

describePg('the same figures on SQLite and PostgreSQL', () => {
  let both: { sqlite: Opened; pg: Opened }
  beforeAll(async () => {
    both = await openBoth()
  }, 120_000)
  afterAll(async () => {
    await both?.sqlite.close()
    await both?.pg.close()
  })

  it('the same answers to the same writes', async () => {
    const a = await work(both.sqlite.env)
    const b = await work(both.pg.env)
    expect(a.filter(([, v]) => (v as { error?: unknown } | null)?.error)).toEqual([])
    expect(b).toEqual(a)
  }, 120_000)

  it('the same read models, figure for figure', async () => {
    const a = await everything(both.sqlite.env)
    const b = await everything(both.pg.env)
    // Real answers, not the same error twice.
    expect(Object.keys(a).filter((k) => (a[k] as { error?: unknown } | null)?.error)).toEqual([])
    expect(Object.keys(a).length).toBeGreaterThan(50)
    for (const key of Object.keys(a)) expect(b[key], key).toEqual(a[key])
    expect(Object.keys(b)).toEqual(Object.keys(a))
  }, 120_000)

  it('a backup of one store restores into the other, and both read the same', async () => {
    const fromSqlite = (await call(both.sqlite.env, 'backup.export')) as { content: string; fileName: string }
    const fromPg = (await call(both.pg.env, 'backup.export')) as { content: string; fileName: string }
    expect(withoutTimestamps(JSON.parse(fromPg.content))).toEqual(withoutTimestamps(JSON.parse(fromSqlite.content)))
    const restored = await call(both.pg.env, 'backup.restore', {
      fileName: 'from-sqlite.json',
      contentBase64: Buffer.from(fromSqlite.content).toString('base64'),
    })
    expect(restored).not.toHaveProperty('error')
    expect(await everything(both.pg.env)).toEqual(await everything(both.sqlite.env))
  }, 120_000)
})
