/** The handler table on a real SQLite file: validation, services, undo, the sample workspace. */
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import type { ApiName } from '../../src-shared/api/contract'
import { calendarMonths } from '../../src-shared/tax'
import { openTempApp, TEST_STORE } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
beforeEach(() => {
  app = openTempApp()
})
afterEach(() => app.close())

async function ok<T = any>(name: ApiName, input: unknown): Promise<T> {
  const r = await dispatch(app.env, name, input)
  if (!r.ok) throw new Error(`${name} failed: ${r.error.message}`)
  return r.value as T
}
async function fail(name: ApiName | string, input: unknown) {
  const r = await dispatch(app.env, name, input)
  if (r.ok) throw new Error(`${name} unexpectedly succeeded`)
  return r.error
}
const count = async (table: string) =>
  ((await rawSql(app.env).get(`SELECT count(*) AS n FROM ${table}`)) as { n: number }).n

describe('the handler table', () => {
  it('refuses unknown requests and invalid input with the field named, writing nothing', async () => {
    expect((await fail('projects.drop', {})).code).toBe('unknown-request')
    const e = await fail('projects.create', { name: '   ' })
    expect(e.code).toBe('invalid-input')
    expect(e.issues?.[0]).toEqual({ path: 'name', message: 'name must not be empty' })
    const p = await ok('projects.create', { name: 'P' })
    const g = await fail('generations.create', { projectId: p.id, name: 'G', pretrainedOn: '2021-02-30' })
    expect(g.issues?.[0].path).toBe('pretrainedOn')
    const d = await fail('generations.create', {
      projectId: p.id,
      name: 'G',
      pretrainedOn: '2021-05-01',
      deployedOn: '2021-01-01',
    })
    expect(d.issues?.[0]).toMatchObject({ path: 'deployedOn' })
    const extra = await fail('projects.create', { name: 'X', admin: true })
    expect(extra.code).toBe('invalid-input')
    expect(await count('generations')).toBe(0)
    expect(await count('projects')).toBe(1)
  })

  // SQLite's one write lock per file; PostgreSQL locks rows, and a second writer waits its turn.
  it.skipIf(TEST_STORE === 'postgres')(
    'says the database is busy when another process holds the write lock, and writes nothing',
    async () => {
      const other = new Database(app.file)
      other.prepare('BEGIN IMMEDIATE').run()
      app.env.sqlite.pragma('busy_timeout = 0') // do not wait the real 20 s in a test
      try {
        const e = await fail('projects.create', { name: 'Blocked' })
        expect(e.code).toBe('busy')
        expect(e.message).toMatch(/database is busy.*try again/)
      } finally {
        other.prepare('ROLLBACK').run()
        other.close()
      }
      expect(await count('projects')).toBe(0)
    },
  )

  it('keeps project names unique and says so', async () => {
    await ok('projects.create', { name: 'Same' })
    const e = await fail('projects.create', { name: 'Same' })
    expect(e).toMatchObject({ code: 'conflict', message: 'a project named "Same" already exists' })
  })

  it('numbers generations by pretrained date and computes time to deployment', async () => {
    const p = await ok('projects.create', { name: 'P' })
    await ok('generations.create', {
      projectId: p.id,
      name: 'later',
      pretrainedOn: '2022-02-01',
      deployedOn: '2022-05-01',
    })
    await ok('generations.create', {
      projectId: p.id,
      name: 'first',
      pretrainedOn: '2021-01-15',
      deployedOn: '2021-10-15',
    })
    const s = await ok('projects.summary', { projectId: p.id })
    expect(s.generations.map((g: any) => [g.generation.ordinal, g.generation.name])).toEqual([
      [1, 'first'],
      [2, 'later'],
    ])
    expect(s.generations.map((g: any) => g.ttdMonths)).toEqual([
      calendarMonths('2021-01-15', '2021-10-15'),
      calendarMonths('2022-02-01', '2022-05-01'),
    ])
    expect(s.generations[1].shrink.ratio).toBeCloseTo(3, 10)
    // A generation's own page and Compare summarise it the same way (shrink against its predecessor).
    const detail = await ok('generations.get', { id: s.generations[1].generation.id })
    expect(detail.summary).toEqual(s.generations[1])
    const compared = await ok('compare.get', { generationIds: s.generations.map((g: any) => g.generation.id) })
    expect(compared.generations).toEqual(s.generations)
  })

  it('keeps summaries and the timeline working for a generation deployed the day it was pretrained', async () => {
    const p = await ok('projects.create', { name: 'Same day' })
    await ok('generations.create', { projectId: p.id, name: 'a', pretrainedOn: '2021-01-15', deployedOn: '2021-10-15' })
    await ok('generations.create', { projectId: p.id, name: 'b', pretrainedOn: '2022-01-15', deployedOn: '2022-01-15' })
    const s = await ok('projects.summary', { projectId: p.id })
    expect(s.generations.map((g: any) => g.ttdMonths)).toEqual([9, 0])
    expect(s.generations[1].shrink).toBeNull()
    expect(s.forecast).toBeNull()
    expect((await ok('timeline.get', {})).projects).toHaveLength(1)
  })

  it('moves a project to the trash, restores it, and empties the trash for good', async () => {
    const p = await ok('projects.create', { name: 'Doomed' })
    await ok('generations.create', { projectId: p.id, name: 'G', pretrainedOn: '2021-01-01' })
    await ok('projects.delete', { id: p.id })
    expect((await ok('projects.list', {})).map((x: any) => x.name)).not.toContain('Doomed')
    expect((await ok('projects.trash', {})).map((x: any) => x.name)).toEqual(['Doomed'])
    await ok('projects.restore', { id: p.id })
    expect((await ok('projects.list', {})).map((x: any) => x.name)).toContain('Doomed')
    await ok('projects.delete', { id: p.id })
    expect(await ok('projects.emptyTrash', {})).toEqual({ removed: 1 })
    expect(await count('projects')).toBe(0)
    expect(await count('generations')).toBe(0)
  })

  it('refuses writes into a project that is in the trash', async () => {
    const p = await ok('projects.create', { name: 'Binned' })
    const g = await ok('generations.create', { projectId: p.id, name: 'G', pretrainedOn: '2021-01-01' })
    await ok('projects.delete', { id: p.id })
    const e = await fail('measurements.create', { generationId: g.id, benchmark: 'b', baseline: 1, aligned: 1 })
    expect(e).toMatchObject({
      code: 'conflict',
      message: 'project "Binned" is in the trash: restore it before changing it',
    })
    expect((await fail('generations.update', { id: g.id, name: 'H' })).code).toBe('conflict')
    expect(await count('benchmark_measurements')).toBe(0)
  })

  it('undoes the deletion of a generation with everything in it, ids included', async () => {
    const { projectId } = await ok('sample.load', {})
    const gens = await ok('generations.list', { projectId })
    const before = {
      m: await count('benchmark_measurements'),
      c: await count('cost_items'),
      ph: await count('pipeline_phases'),
      pr: await count('policy_rows'),
      cp: await count('curve_points'),
    }
    const detailBefore = await ok('generations.get', { id: gens[0].id })
    const measurementsBefore = await ok('measurements.page', { generationId: gens[0].id, limit: 500 })
    expect(measurementsBefore.total).toBeGreaterThan(0)
    const entry = await ok('generations.delete', { id: gens[0].id })
    // Marked, not copied: its rows stay where they are, and it is hidden everywhere.
    expect(await count('benchmark_measurements')).toBe(before.m)
    expect(await rawSql(app.env).get("SELECT count(*) AS n FROM trash WHERE payload <> '{}'")).toEqual({ n: 0 })
    expect((await ok('generations.list', { projectId })).map((g: any) => g.ordinal)).toEqual([1])
    expect((await ok('generations.listAll', {})).map((g: any) => g.id)).not.toContain(gens[0].id)
    expect((await fail('generations.get', { id: gens[0].id })).code).toBe('not-found')
    expect((await ok('timeline.get', {})).projects[0].generations).toHaveLength(1)
    await ok('trash.restore', { id: entry.id })
    expect({
      m: await count('benchmark_measurements'),
      c: await count('cost_items'),
      ph: await count('pipeline_phases'),
      pr: await count('policy_rows'),
      cp: await count('curve_points'),
    }).toEqual(before)
    const detailAfter = await ok('generations.get', { id: gens[0].id })
    expect(detailAfter).toEqual(detailBefore)
    expect(await ok('measurements.page', { generationId: gens[0].id, limit: 500 })).toEqual(measurementsBefore)
    expect(await ok('trash.list', {})).toEqual([])
  })

  it('empties the trash for good: a marked generation with its rows, in steps, with progress', async () => {
    const { projectId } = await ok('sample.load', {})
    const gens = await ok('generations.list', { projectId })
    const keptMeasurements = (
      (await rawSql(app.env).get(
        'SELECT count(*) AS n FROM benchmark_measurements WHERE generation_id = ?',
        gens[1].id,
      )) as { n: number }
    ).n
    await ok('generations.delete', { id: gens[0].id })
    await ok('costs.delete', { id: (await ok('costs.list', { generationId: gens[1].id }))[0].id })
    const fractions: number[] = []
    const emptied = await dispatch({ ...app.env, onProgress: (f: number) => fractions.push(f) }, 'trash.empty', {})
    expect(emptied).toEqual({ ok: true, value: { removed: 2 } })
    expect(await count('benchmark_measurements')).toBe(keptMeasurements)
    expect(await count('trash')).toBe(0)
    expect(await rawSql(app.env).all('SELECT id FROM generations')).toEqual([{ id: gens[1].id }])
    expect(fractions[0]).toBe(0)
    expect(fractions.at(-1)).toBe(1)
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y))
  })

  it('empties the projects trash, generations in the general trash included', async () => {
    const { projectId } = await ok('sample.load', {})
    const gens = await ok('generations.list', { projectId })
    await ok('generations.delete', { id: gens[0].id })
    await ok('projects.delete', { id: projectId })
    expect(await ok('projects.emptyTrash', {})).toEqual({ removed: 1 })
    for (const table of ['projects', 'generations', 'benchmark_measurements', 'trash'])
      expect(await count(table)).toBe(0)
  })

  it('refuses a policy whose fractions add up to more than 1', async () => {
    const p = await ok('projects.create', { name: 'P' })
    const g = await ok('generations.create', { projectId: p.id, name: 'G', pretrainedOn: '2021-01-01' })
    const e = await fail('policies.create', {
      generationId: g.id,
      rows: [
        { fraction: 0.7, multiplier: 2 },
        { fraction: 0.4, multiplier: 4 },
      ],
    })
    expect(e.issues?.[0]).toMatchObject({ path: 'rows', message: 'the fractions of tasks must add up to at most 1' })
    expect(await count('inference_policies')).toBe(0)
  })
})

describe('the tax engine through the contract', () => {
  it('answers tax.policy, tax.curve and tax.regression, and refuses bad rows by name', async () => {
    expect((await ok('tax.policy', { rows: [{ fraction: 0.1, multiplier: 4 }] })).taxPct).toBe(30)
    const curve = await ok('tax.curve', {
      points: [
        { multiplier: 1, score: 0.6 },
        { multiplier: 4, score: 0.7 },
      ],
      baseline: 0.65,
      direction: 'higher',
    })
    expect(curve.multiplier).toBeCloseTo(2, 12)
    const r = await ok('tax.regression', { baseline: 0.5, aligned: 0.45, direction: 'higher' })
    expect(r.regressionPct).toBeCloseTo(10, 12)
    const e = await fail('tax.policy', { rows: [{ fraction: 1.5, multiplier: 2 }] })
    expect(e.issues?.[0]).toMatchObject({ path: 'rows.0.fraction', message: 'fraction must be between 0 and 1' })
  })
})

describe('the sample workspace', () => {
  it('holds the figures of DESIGN.md, and loading it twice changes nothing', async () => {
    const first = await ok('sample.load', {})
    expect(first.created).toBe(true)
    const rowsBefore =
      (await count('benchmark_measurements')) + (await count('cost_items')) + (await count('generations'))
    const second = await ok('sample.load', {})
    expect(second).toEqual({ projectId: first.projectId, created: false })
    expect((await count('benchmark_measurements')) + (await count('cost_items')) + (await count('generations'))).toBe(
      rowsBefore,
    )

    const s = await ok('projects.summary', { projectId: first.projectId })
    expect(s.project.isSample).toBe(true)
    expect(s.generations.map((g: any) => g.ttdMonths)).toEqual([9, 3])
    const g1 = s.generations[0]
    expect(g1.development.computePfd).toBeCloseTo(4.9 + 60, 10)
    expect(g1.development.pctOfPretrainingCompute).toBeCloseTo(((4.9 + 60) / 3640) * 100, 10)
    expect(g1.inferenceTaxPct).toBeCloseTo(30, 10)
    const detail = await ok('generations.get', { id: g1.generation.id })
    expect(detail.largestChanges.some((m: any) => m.regressionPct < 0)).toBe(true)
    expect(detail.largestChanges.some((m: any) => m.regressionPct > 0)).toBe(true)
    const { rows } = await ok('measurements.page', { generationId: g1.generation.id })
    expect(rows).toHaveLength(detail.measurementCount)
    expect(rows.some((m: any) => m.regressionPct < 0)).toBe(true)
    expect(rows.some((m: any) => m.regressionPct > 0)).toBe(true)
  })
})
