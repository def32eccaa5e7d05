/**
 * One set of row rules (src-shared/api/rows.ts) for the API, backup restore and trash
 * restore: crafted backups and trash entries that the API would refuse are refused,
 * naming the first bad cell, with nothing changed; internal errors answer a sentence.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { dispatch, toApiError } from '../../src-main/handlers'
import { exportBackup, restoreBackup } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'
import { openTempApp, storeContents } from '../support/tempDb'
import { rawSql } from '../support/sql'

const opened: ReturnType<typeof openTempApp>[] = []
const fresh = () => {
  const app = openTempApp()
  opened.push(app)
  return app
}
afterEach(async () => {
  for (const app of opened.splice(0)) app.close()
  vi.restoreAllMocks()
})

async function ok<T = any>(app: ReturnType<typeof openTempApp>, name: string, input: unknown): Promise<T> {
  const r = await dispatch(app.env, name, input)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value as T
}

/** A sample backup whose trash holds a deleted measurement, and the document to tamper with. */
async function sampleBackupWithTrash() {
  const a = fresh()
  const { projectId } = await loadSample(a.env)
  const gens = await ok(a, 'generations.list', { projectId })
  const m = (await ok(a, 'measurements.list', { generationId: gens[0].id }))[0]
  await ok(a, 'measurements.delete', { id: m.id })
  return JSON.parse((await exportBackup(a.env)).content)
}

type Doc = { tables: Record<string, Record<string, unknown>[]> }
const trashPayload = (doc: Doc) => JSON.parse(doc.tables.trash[0].payload as string)

describe('crafted backups are refused whole, naming the first bad cell', () => {
  const cases: [string, (doc: Doc) => void, RegExp][] = [
    [
      'a trash payload that is not JSON',
      (d) => (d.tables.trash[0].payload = '{oops'),
      /tables\.trash\[0\]\.payload.*not JSON/,
    ],
    [
      'a trash payload that is null',
      (d) => (d.tables.trash[0].payload = 'null'),
      /tables\.trash\[0\]\.payload.*not a set of rows/,
    ],
    [
      'a trashed measurement going "sideways"',
      (d) => {
        const p = trashPayload(d)
        p.benchmarkMeasurements[0].direction = 'sideways'
        d.tables.trash[0].payload = JSON.stringify(p)
      },
      /tables\.trash\[0\]\.payload.*benchmarkMeasurements\[0\]\.direction: direction must be 'higher' or 'lower', got "sideways"/,
    ],
    [
      'parameters of 0 billion',
      (d) => (d.tables.generations[0].params_b = 0),
      /generations\[0\]\.params_b: .*greater than 0, got 0/,
    ],
    [
      'shots that are not whole',
      (d) => (d.tables.benchmark_measurements[0].shots = 1.5),
      /benchmark_measurements\[0\]\.shots: shots must be a whole number, got 1\.5/,
    ],
    [
      'a name longer than the API allows',
      (d) => (d.tables.projects[0].name = 'x'.repeat(201)),
      /projects\[0\]\.name: name must be at most 200 characters/,
    ],
    [
      'a cost outside its own range',
      (d) => {
        const c = d.tables.cost_items[0]
        c.low_usd = (c.amount_usd as number) + 1
      },
      /cost_items\[0\]\.low_usd: the low estimate must not exceed the amount/,
    ],
    [
      'a policy whose fractions add up to more than 1',
      (d) => {
        const first = d.tables.policy_rows[0]
        first.fraction = 0.9
        d.tables.policy_rows.push({ ...first, id: 99_999, position: 99, fraction: 0.5 })
      },
      /policy_rows: policy #\d+: the fractions of tasks must add up to at most 1/,
    ],
    [
      'a generation dated "not a date"',
      (d) => (d.tables.generations[0].pretrained_on = 'not a date'),
      /generations\[0\]\.pretrained_on: must be a real date/,
    ],
    ['a flag that is not 0 or 1', (d) => (d.tables.projects[0].is_sample = 7), /projects\[0\]\.is_sample: .*got 7/],
  ]
  it.each(cases)('%s', async (_what, tamper, message) => {
    const doc = await sampleBackupWithTrash()
    tamper(doc)
    const b = fresh()
    await rawSql(b.env).run("INSERT INTO projects (name) VALUES ('kept')")
    const before = await storeContents(b.env)
    await expect(restoreBackup(b.env, JSON.stringify(doc), 'bad.json')).rejects.toThrow(message)
    expect(await storeContents(b.env)).toBe(before)
  })

  it('restores the untampered backup, trash included, and its trash entry restores', async () => {
    const doc = await sampleBackupWithTrash()
    const b = fresh()
    await restoreBackup(b.env, JSON.stringify(doc), 'good.json')
    const [entry] = await ok(b, 'trash.list', {})
    expect(await ok(b, 'trash.restore', { id: entry.id })).toEqual({ restored: entry.label })
  })
})

describe('trash restore checks what it puts back', () => {
  async function trashedMeasurement() {
    const app = fresh()
    const { projectId } = await loadSample(app.env)
    const gens = await ok(app, 'generations.list', { projectId })
    const m = (await ok(app, 'measurements.list', { generationId: gens[0].id }))[0]
    const entry = await ok(app, 'measurements.delete', { id: m.id })
    return { app, entry, projectId }
  }
  const setPayload = async (app: ReturnType<typeof fresh>, id: number, payload: string) =>
    await rawSql(app.env).run('UPDATE trash SET payload = ? WHERE id = ?', payload, id)

  it.each([
    ['not JSON', () => '{oops', /not readable \(not JSON\)/],
    ['null', () => 'null', /not a set of rows/],
    ['a list', () => '[]', /not a set of rows/],
    ['an unknown table', () => JSON.stringify({ projects: [] }), /projects is not a table a trash entry can hold/],
  ])('a payload that is %s answers invalid-data, not 500', async (_what, payload, message) => {
    const { app, entry } = await trashedMeasurement()
    await setPayload(app, entry.id, payload())
    const r = await dispatch(app.env, 'trash.restore', { id: entry.id })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-data', message: expect.stringMatching(message) } })
    expect((await ok(app, 'trash.list', {})).map((e: any) => e.id)).toContain(entry.id)
  })

  it.each([
    ['direction', 'sideways', /direction must be 'higher' or 'lower', got "sideways"/],
    ['shots', 2.5, /shots must be a whole number, got 2\.5/],
    ['baseline', 'high', /baseline score must be a number, got "high"/],
  ])('a trashed measurement with %s = %j is refused and the project still summarises', async (key, value, message) => {
    const { app, entry, projectId } = await trashedMeasurement()
    const payload = JSON.parse(
      (await rawSql(app.env).value('SELECT payload FROM trash WHERE id = ?', entry.id)) as string,
    )
    payload.benchmarkMeasurements[0][key] = value
    await setPayload(app, entry.id, JSON.stringify(payload))
    const r = await dispatch(app.env, 'trash.restore', { id: entry.id })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-data', message: expect.stringMatching(message) } })
    expect((await dispatch(app.env, 'projects.summary', { projectId })).ok).toBe(true)
  })

  it('a trashed policy row with fraction 7 or a generation dated "not a date" is refused', async () => {
    const app = fresh()
    const { projectId } = await loadSample(app.env)
    const [g] = await ok(app, 'generations.list', { projectId })
    const [policy] = await ok(app, 'policies.list', { generationId: g.id })
    const entry = await ok(app, 'policies.delete', { id: policy.id })
    const original = (await rawSql(app.env).value('SELECT payload FROM trash WHERE id = ?', entry.id)) as string
    const withFraction = JSON.parse(original)
    withFraction.policyRows[0].fraction = 7
    await setPayload(app, entry.id, JSON.stringify(withFraction))
    expect(await dispatch(app.env, 'trash.restore', { id: entry.id })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-data',
        message: expect.stringMatching(/policyRows\[0\]\.fraction: fraction must be between 0 and 1, got 7/),
      },
    })
    await setPayload(app, entry.id, original)
    expect(await ok(app, 'trash.restore', { id: entry.id })).toEqual({ restored: entry.label })

    // A generation trashed by an older version: its rows as a JSON snapshot (no mark).
    const row = (await rawSql(app.env).get('SELECT * FROM generations WHERE id = ?', g.id)) as Record<string, unknown>
    const snapshot = {
      generations: [
        {
          id: row.id,
          projectId: row.project_id,
          ordinal: row.ordinal,
          name: row.name,
          baseModel: row.base_model,
          paramsB: row.params_b,
          pretrainComputePfd: row.pretrain_compute_pfd,
          pretrainCostUsd: row.pretrain_cost_usd,
          technique: row.technique,
          techniqueChange: row.technique_change === 1,
          pretrainedOn: row.pretrained_on,
          deployedOn: row.deployed_on,
          notes: row.notes,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      ],
    }
    await rawSql(app.env).run('DELETE FROM generations WHERE id = ?', g.id)
    const oldEntry = Number(
      await rawSql(app.env).value(
        "INSERT INTO trash (kind, label, payload) VALUES ('generation', ?, ?) RETURNING id",
        `generation ${String(row.name)}`,
        JSON.stringify(snapshot),
      ),
    )
    const withDate = structuredClone(snapshot)
    withDate.generations[0].pretrainedOn = 'not a date'
    await setPayload(app, oldEntry, JSON.stringify(withDate))
    expect(await dispatch(app.env, 'trash.restore', { id: oldEntry })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-data',
        message: expect.stringMatching(/generations\[0\]\.pretrainedOn: must be a real date/),
      },
    })
    await setPayload(app, oldEntry, JSON.stringify(snapshot))
    expect(await ok(app, 'trash.restore', { id: oldEntry })).toEqual({ restored: `generation ${String(row.name)}` })
    expect((await dispatch(app.env, 'projects.summary', { projectId })).ok).toBe(true)
  })
})

describe('internal errors', () => {
  it('answer a sentence with a reference, and log the details under it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const error = toApiError(new TypeError("Cannot read properties of undefined (reading 'x')"))
    expect(error.code).toBe('internal')
    expect(error.message).not.toMatch(/unexpected error|Cannot read properties/)
    const reference = /reference ([0-9a-f]{8})/.exec(error.message)?.[1]
    expect(reference).toBeDefined()
    expect(String(log.mock.calls[0][0])).toContain(reference!)
  })
})
