/**
 * Property-based fuzzing of every contract entry through `dispatch` (fast-check, on a
 * real store holding the sample: a SQLite file, or PostgreSQL in the project
 * integration-pg): whatever the input, the answer is the envelope `{ ok, value | error }`,
 * an error carries one of the documented codes (never 'internal'), and the database is
 * unchanged whenever the answer is an error.
 */
import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_ERROR_CODES, API_NAMES, type ApiName } from '../../src-shared/api/contract'
import { dispatch } from '../../src-main/handlers'
import { backupData } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'
import { openApp, type OpenApp } from '../../src-main/app'
import { openTempApp, storeContents, TEST_STORE } from '../support/tempDb'

/**
 * At least 200 cases per name in CI on SQLite, 50 on PostgreSQL (the same services; what
 * differs is the store's errors, found in a few cases; each case there is ~4× slower);
 * FUZZ_RUNS raises it for a longer hunt.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? (TEST_STORE === 'postgres' ? 50 : 200))

let app: OpenApp & { file: string }
const dirs: string[] = []
/** A sample database in memory-backed /dev/shm where there is one (snapshots sync files). */
async function sampleApp(): Promise<OpenApp & { file: string }> {
  if (TEST_STORE === 'postgres') {
    const opened = openTempApp()
    await loadSample(opened.env)
    return opened
  }
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  const dir = fs.mkdtempSync(path.join(base, 'atax-fuzz-'))
  dirs.push(dir)
  const file = path.join(dir, 'test.db')
  const opened = { ...openApp(file, 'desktop'), file }
  await loadSample(opened.env)
  return opened
}
let shared: OpenApp & { file: string }
beforeAll(async () => {
  shared = await sampleApp()
})
afterAll(async () => {
  shared.close()
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** A valid input per name (ids of the sample), for mutations that get past the first check. */
const seeds: Partial<Record<ApiName, Record<string, unknown>>> = {
  'projects.list': { includeArchived: true },
  'projects.create': { name: 'Fuzzed', description: 'd' },
  'projects.update': { id: 1, name: 'Renamed', archived: false },
  'projects.delete': { id: 1 },
  'projects.restore': { id: 1 },
  'projects.summary': { projectId: 1 },
  'generations.list': { projectId: 1 },
  'generations.get': { id: 1 },
  'generations.create': { projectId: 1, name: 'g', pretrainedOn: '2024-01-01', deployedOn: '2024-03-01', paramsB: 7 },
  'generations.update': { id: 1, name: 'g1', deployedOn: '2022-01-01' },
  'generations.delete': { id: 2 },
  'measurements.list': { generationId: 1 },
  'measurements.page': { generationId: 1, offset: 0, limit: 10, filter: 'mm', sort: 'largest-change' },
  'measurements.create': { generationId: 1, benchmark: 'b', metric: 'acc', baseline: 0.5, aligned: 0.4, shots: 5 },
  'measurements.update': { id: 1, baseline: 0.7, direction: 'lower' },
  'measurements.delete': { id: 1 },
  'policies.list': { generationId: 1 },
  'policies.create': { generationId: 1, name: 'p', rows: [{ fraction: 0.1, multiplier: 4 }] },
  'policies.update': { id: 1, name: 'p2', rows: [{ fraction: 0.5, multiplier: 2 }] },
  'policies.delete': { id: 1 },
  'curves.list': { generationId: 1 },
  'curves.create': { generationId: 1, benchmark: 'b', baseline: 0.5, points: [{ multiplier: 1, score: 0.4 }] },
  'curves.delete': { id: 1 },
  'costs.list': { generationId: 1 },
  'costs.create': { generationId: 1, category: 'compute', amountUsd: 10, lowUsd: 5, highUsd: 20 },
  'costs.update': { id: 1, category: 'other', amountUsd: 3 },
  'costs.delete': { id: 1 },
  'phases.list': { generationId: 1 },
  'phases.create': { generationId: 1, name: 'SFT', startOn: '2024-01-01', endOn: '2024-02-01' },
  'phases.update': { id: 1, name: 'RL', startOn: '2024-01-01', endOn: '2024-02-01' },
  'phases.delete': { id: 1 },
  'plans.get': { generationId: 1 },
  'plans.save': { generationId: 1, horizonMonths: 12, devBudgetUsd: 100 },
  'trash.restore': { id: 1 },
  'timeline.get': { projectIds: [1] },
  'compare.get': { generationIds: [1, 2] },
  'imports.list': { projectId: 1 },
  'imports.run': {
    format: 'csv',
    fileName: 'f.csv',
    contentBase64: Buffer.from('benchmark,metric,value\nb,acc,0.5\n').toString('base64'),
    generationId: 1,
    role: 'baseline',
  },
  'backup.restore': { fileName: 'b.json', contentBase64: Buffer.from('{"format":"x"}').toString('base64') },
  'reports.export': { format: 'md', projectId: 1 },
  'snapshots.restore': { name: 'test.db.snapshot-daily-2026-01-01T00-00-00-000Z.db' },
  'tax.policy': { rows: [{ fraction: 0.1, multiplier: 4 }] },
  'tax.curve': { points: [{ multiplier: 2, score: 0.5 }], baseline: 0.5, direction: 'higher' },
  'tax.regression': { baseline: 0.5, aligned: 0.4, direction: 'higher' },
}

/** Values that have broken parsers before: edge numbers, odd strings, wrong types. */
const nasty = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    0,
    -1,
    -0,
    1.5,
    2 ** 31,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    ' ',
    'x'.repeat(600),
    '2021-02-30',
    'not a date',
    '../../etc/passwd',
    "'; DROP TABLE projects; --",
    '\u0000',
    '%',
    '__proto__',
    [],
    {},
    true,
  ),
  fc.anything(),
)

function inputs(name: ApiName): fc.Arbitrary<unknown> {
  const seed = seeds[name]
  const mutated: fc.Arbitrary<unknown> = seed
    ? fc
        .record(Object.fromEntries(Object.entries(seed).map(([k, v]) => [k, fc.oneof(fc.constant(v), nasty)])))
        .chain((base) =>
          fc.oneof(
            fc.constant(base),
            fc.tuple(fc.string({ maxLength: 12 }), nasty).map(([k, v]) => ({ ...base, [k]: v })),
          ),
        )
    : fc.dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 3 })
  return fc.oneof(
    { arbitrary: mutated, weight: 4 },
    { arbitrary: nasty, weight: 1 },
    { arbitrary: fc.constant(seed ?? {}), weight: 1 },
  )
}

/** What "the database" is: every row of every table, and the snapshot files beside it. */
async function fingerprint(): Promise<string> {
  if (TEST_STORE === 'postgres') return storeContents(app.env) // no files beside a PostgreSQL store
  return JSON.stringify(await backupData(app.env)) + fs.readdirSync(path.dirname(app.file)).sort().join('|')
}

describe('fuzzing every contract entry through dispatch', () => {
  const counts: Record<string, number> = {}
  afterAll(async () => {
    const total = Object.values(counts).reduce((s, n) => s + n, 0)
    console.log(`fuzz: ${total} cases over ${Object.keys(counts).length} names (${RUNS} per name)`)
  })

  it.each(API_NAMES)(
    '%s',
    async (name) => {
      counts[name] = 0
      // Snapshots copy the whole database each time: they get a sample database of their own,
      // not the one that every other name's cases have grown.
      const own = name.startsWith('snapshots.') ? await sampleApp() : null
      app = own ?? shared
      await fc.assert(
        fc.asyncProperty(inputs(name), async (input) => {
          counts[name]++
          const before = await fingerprint()
          const response = await dispatch(app.env, name, input)
          expect(typeof response.ok).toBe('boolean')
          if (response.ok) {
            expect(Object.keys(response).sort()).toEqual(['ok', 'value'])
            // The answer crosses IPC and HTTP as JSON.
            expect(() => JSON.stringify(response)).not.toThrow()
            return
          }
          expect(Object.keys(response).sort()).toEqual(['error', 'ok'])
          expect(API_ERROR_CODES).toContain(response.error.code)
          expect(response.error.code, response.error.message).not.toBe('internal')
          expect(typeof response.error.message).toBe('string')
          expect(await fingerprint(), `${name} answered ${response.error.code} but changed the database`).toBe(before)
        }),
        { numRuns: RUNS },
      )
      own?.close()
      expect(counts[name]).toBeGreaterThanOrEqual(RUNS)
    },
    300_000,
  )

  it('unknown names answer unknown-request and change nothing', async () => {
    app = shared
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), nasty), nasty, async (name, input) => {
        fc.pre(typeof name !== 'string' || !(API_NAMES as string[]).includes(name))
        const before = await fingerprint()
        const response = await dispatch(app.env, name, input)
        expect(response).toMatchObject({ ok: false, error: { code: 'unknown-request' } })
        expect(await fingerprint()).toBe(before)
      }),
      { numRuns: RUNS },
    )
  })
})
