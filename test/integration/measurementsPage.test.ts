/**
 * `measurements.page` and `generations.get` on a real SQLite file, through the
 * handler table: the database pages and filters, the engine orders by largest change,
 * and a generation's page never carries its every measurement.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import type { ApiInput, ApiName } from '../../src-shared/api/contract'
import type { GenerationDetail, MeasurementsPage } from '../../src-shared/api/views'
import { benchmarkRegression, regressionFigures } from '../../src-shared/tax'
import { openTempApp } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>
let projectId: number
let generationId: number
beforeEach(async () => {
  app = openTempApp()
  projectId = (await ok('projects.create', { name: 'P' })).id
  generationId = (await ok('generations.create', { projectId, name: 'G1', pretrainedOn: '2024-01-01' })).id
})
afterEach(() => app.close())

async function ok<T = any>(name: ApiName, input: unknown): Promise<T> {
  const r = await dispatch(app.env, name, input)
  if (!r.ok) throw new Error(`${name} failed: ${r.error.message}`)
  return r.value as T
}

function page(input: Partial<ApiInput<'measurements.page'>>): Promise<MeasurementsPage> {
  return ok<MeasurementsPage>('measurements.page', { generationId, ...input })
}

const names = (p: MeasurementsPage) => p.rows.map((r) => `${r.measurement.benchmark} · ${r.measurement.metric}`)

interface Row {
  benchmark: string
  metric?: string
  baseline: number | null
  aligned: number | null
  direction?: 'higher' | 'lower'
  baselineStderr?: number | null
  alignedStderr?: number | null
}

/** Raw inserts in one transaction: as fast as the import, for tens of thousands of rows (on either store). */
async function insert(rows: Row[], into = generationId) {
  await app.env.transaction(async (tx) => {
    const add = tx.dialect.rowInserter('benchmark_measurements', [
      'generation_id',
      'benchmark',
      'metric',
      'direction',
      'baseline',
      'aligned',
      'baseline_stderr',
      'aligned_stderr',
    ])
    for (const r of rows) {
      add.add([
        into,
        r.benchmark,
        r.metric ?? 'acc',
        r.direction ?? 'higher',
        r.baseline,
        r.aligned,
        r.baselineStderr ?? null,
        r.alignedStderr ?? null,
      ])
    }
    await add.flush()
  })
}

const task = (i: number) => `task_${String(i).padStart(3, '0')}`

describe('measurements.page by name', () => {
  beforeEach(async () => {
    // 250 tasks, each with two metrics: 500 measurements.
    const rows: Row[] = []
    for (let i = 0; i < 250; i++) {
      rows.push({ benchmark: task(i), metric: 'acc', baseline: 0.5, aligned: 0.5 - i / 1000 })
      rows.push({ benchmark: task(i), metric: 'acc_norm', baseline: 0.6, aligned: 0.6 })
    }
    await insert(rows)
  })

  it('pages 100 rows by default, by benchmark then metric, with the total on every page', async () => {
    const first = await page({})
    expect(first).toMatchObject({ total: 500, offset: 0, limit: 100 })
    expect(first.rows).toHaveLength(100)
    expect(names(first).slice(0, 3)).toEqual(['task_000 · acc', 'task_000 · acc_norm', 'task_001 · acc'])
    const second = await page({ offset: 100 })
    expect(names(second)[0]).toBe('task_050 · acc')
    const last = await page({ offset: 450, limit: 100 })
    expect(last.rows).toHaveLength(50)
    expect(names(last).at(-1)).toBe('task_249 · acc_norm')
    expect(await page({ offset: 500 })).toEqual({
      warnings: [],
      rows: [],
      groups: [],
      computedGroups: [],
      total: 500,
      offset: 500,
      limit: 100,
    })

    // Every page together is every measurement once, in order.
    const all: string[] = []
    for (let offset = 0; offset < 500; offset += 120) all.push(...names(await page({ offset, limit: 120 })))
    expect(all).toHaveLength(500)
    expect(all).toEqual([...all].sort())
    expect(new Set(all).size).toBe(500)
  })

  it("gives each row the engine's regression and its working in words", async () => {
    const { rows } = await page({ offset: 20, limit: 10 })
    for (const r of rows) {
      const m = r.measurement
      expect(r).toMatchObject(
        benchmarkRegression({ baseline: m.baseline!, aligned: m.aligned!, direction: m.direction }),
      )
      expect(r.explanation).toMatch(/× 100 = /)
    }
  })

  it('filters on the benchmark or the metric, in any case, and counts what matches', async () => {
    const byBenchmark = await page({ filter: 'TASK_24' })
    expect(byBenchmark.total).toBe(20) // task_240 … task_249, two metrics each
    expect(names(byBenchmark)[0]).toBe('task_240 · acc')
    const byMetric = await page({ filter: 'Norm', limit: 500 })
    expect(byMetric.total).toBe(250)
    expect(byMetric.rows.every((r) => r.measurement.metric === 'acc_norm')).toBe(true)
    expect((await page({ filter: '  task_249  ' })).total).toBe(2) // blanks around the text are ignored
    expect((await page({ filter: '   ' })).total).toBe(500) // a blank filter matches everything
    expect(await page({ filter: 'nothing like it' })).toEqual({
      warnings: [],
      rows: [],
      groups: [],
      computedGroups: [],
      total: 0,
      offset: 0,
      limit: 100,
    })
  })

  it('takes % and _ (and \\) literally, not as wildcards', async () => {
    await insert([
      { benchmark: 'pass%rate', baseline: 0.5, aligned: 0.4 },
      { benchmark: 'passXrate', baseline: 0.5, aligned: 0.4 },
      { benchmark: 'a_b', baseline: 0.5, aligned: 0.4 },
      { benchmark: 'axb', baseline: 0.5, aligned: 0.4 },
      { benchmark: 'back\\slash', baseline: 0.5, aligned: 0.4 },
    ])
    expect(names(await page({ filter: 'pass%rate' }))).toEqual(['pass%rate · acc'])
    expect(names(await page({ filter: '%' }))).toEqual(['pass%rate · acc'])
    expect(names(await page({ filter: 'a_b' }))).toEqual(['a_b · acc'])
    // Every task_ row has an underscore, and so does acc_norm; axb and passXrate do not.
    expect((await page({ filter: '_' })).total).toBe(500 + 1)
    expect(names(await page({ filter: 'k\\s' }))).toEqual(['back\\slash · acc'])
  })

  it('leaves other generations out', async () => {
    const other = await ok('generations.create', { projectId, name: 'G2', pretrainedOn: '2024-06-01' })
    await insert([{ benchmark: 'task_000', baseline: 0.5, aligned: 0.1 }], other.id)
    expect((await page({})).total).toBe(500)
    expect((await page({ filter: 'task_000', sort: 'largest-change' })).total).toBe(2)
    expect((await ok<MeasurementsPage>('measurements.page', { generationId: other.id })).total).toBe(1)
  })
})

describe('measurements.page by largest change', () => {
  it('orders by |regression %| whatever its sign, rows without one last, equal changes by name', async () => {
    await insert([
      { benchmark: 'small_tax', baseline: 0.5, aligned: 0.49 }, // +2%
      { benchmark: 'big_gain', baseline: 0.5, aligned: 0.6 }, // -20%
      { benchmark: 'big_tax', baseline: 0.5, aligned: 0.45 }, // +10%
      { benchmark: 'lower_is_better', baseline: 2, aligned: 2.5, direction: 'lower' }, // +25%
      { benchmark: 'baseline_only', baseline: 0.5, aligned: null },
      { benchmark: 'aligned_only', baseline: null, aligned: 0.5 },
      { benchmark: 'zero_baseline', baseline: 0, aligned: 0.1 }, // no regression %
      { benchmark: 'tie_b', baseline: 0.5, aligned: 0.52 }, // -4%
      { benchmark: 'tie_a', baseline: 0.5, aligned: 0.48 }, // +4%
      { benchmark: 'no_change', baseline: 0.5, aligned: 0.5 },
    ])
    const sorted = await page({ sort: 'largest-change' })
    expect(sorted.total).toBe(10)
    expect(sorted.rows.map((r) => r.measurement.benchmark)).toEqual([
      'lower_is_better',
      'big_gain',
      'big_tax',
      'tie_a',
      'tie_b',
      'small_tax',
      'no_change',
      'aligned_only',
      'baseline_only',
      'zero_baseline',
    ])
    expect(sorted.rows[0].regressionPct).toBeCloseTo(25, 9)
    expect(sorted.rows[1]).toMatchObject({ isGain: true })
    expect(sorted.rows[1].regressionPct).toBeCloseTo(-20, 9)
    // Every row of the page has its full explanation, unpaired ones included.
    expect(sorted.rows.find((r) => r.measurement.benchmark === 'aligned_only')!.explanation).toBe(
      'only the aligned run is recorded',
    )
    expect(sorted.rows.find((r) => r.measurement.benchmark === 'zero_baseline')!.explanation).toMatch(/baseline is 0/)

    // Pages of the same order, and the filter applied first.
    expect(
      (await page({ sort: 'largest-change', offset: 3, limit: 2 })).rows.map((r) => r.measurement.benchmark),
    ).toEqual(['tie_a', 'tie_b'])
    expect(await page({ sort: 'largest-change', offset: 10 })).toEqual({
      warnings: [],
      rows: [],
      groups: [],
      computedGroups: [],
      total: 10,
      offset: 10,
      limit: 100,
    })
    const taxes = await page({ sort: 'largest-change', filter: 'TAX' })
    expect(taxes.total).toBe(2)
    expect(taxes.rows.map((r) => r.measurement.benchmark)).toEqual(['big_tax', 'small_tax'])
  })

  it('pages through thousands of rows in one consistent order, ties included', async () => {
    // 3,000 rows with only 40 distinct changes: many ties, broken by name.
    const rows: Row[] = []
    for (let i = 0; i < 3000; i++) {
      const step = (i * 7) % 40
      rows.push({
        benchmark: `b${String(i).padStart(4, '0')}`,
        baseline: 1,
        aligned: i % 2 ? 1 + step / 100 : 1 - step / 100,
      })
    }
    await insert(rows)
    const expected = rows
      .map((r) => ({
        name: r.benchmark,
        size: Math.abs(regressionFigures({ baseline: 1, aligned: r.aligned!, direction: 'higher' }).regressionPct!),
      }))
      .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name))
      .map((r) => r.name)
    const seen: string[] = []
    for (let offset = 0; offset < 3000; offset += 500) {
      const p = await page({ sort: 'largest-change', offset, limit: 500 })
      expect(p.total).toBe(3000)
      seen.push(...p.rows.map((r) => r.measurement.benchmark))
    }
    expect(seen).toEqual(expected)
  })
})

describe('measurements.page input', () => {
  it('refuses a bad page, sort or generation, naming the field', async () => {
    const error = async (input: unknown) => {
      const r = await dispatch(app.env, 'measurements.page', input)
      if (r.ok) throw new Error('unexpectedly accepted')
      return r.error
    }
    expect((await error({ generationId, limit: 0 })).issues?.[0].path).toBe('limit')
    expect((await error({ generationId, limit: 501 })).issues?.[0].path).toBe('limit')
    expect((await error({ generationId, limit: 2.5 })).issues?.[0].path).toBe('limit')
    expect((await error({ generationId, offset: -1 })).issues?.[0].path).toBe('offset')
    expect((await error({ generationId, sort: 'random' })).issues?.[0].path).toBe('sort')
    expect((await error({ generationId, page: 2 })).code).toBe('invalid-input')
    expect((await error({ offset: 0 })).issues?.[0].path).toBe('generationId')
    expect(await error({ generationId: 4242 })).toMatchObject({ code: 'not-found' })
    expect(await page({ limit: 500 })).toEqual({
      warnings: [],
      rows: [],
      groups: [],
      computedGroups: [],
      total: 0,
      offset: 0,
      limit: 500,
    })
  })
})

describe('generations.get on a large generation', () => {
  it('returns the count and the 25 largest changes, never the 50,000 measurements', async () => {
    const rows: Row[] = []
    for (let i = 0; i < 50_000; i++) {
      // Distinct changes up to ±49.999%; every tenth row has one run only.
      const change = ((i * 7919) % 50_000) / 100_000
      rows.push({
        benchmark: `task_${String(i).padStart(5, '0')}`,
        baseline: 1,
        aligned: i % 10 === 9 ? null : i % 2 ? 1 + change : 1 - change,
        baselineStderr: 0.01,
        alignedStderr: 0.01,
      })
    }
    await insert(rows)

    const response = await dispatch(app.env, 'generations.get', { id: generationId })
    if (!response.ok) throw new Error(response.error.message)
    const detail = response.value as GenerationDetail
    expect(detail.measurementCount).toBe(50_000)
    expect(detail.summary.regressions).toMatchObject({ count: 50_000, paired: 45_000, unpaired: 5_000 })
    expect(detail).not.toHaveProperty('measurements')
    expect(detail.largestChanges).toHaveLength(25)
    // A few kilobytes, not the megabytes of 50,000 explained rows.
    expect(JSON.stringify(detail).length).toBeLessThan(50_000)

    const expected = rows
      .filter((r) => r.aligned != null)
      .map((r) => ({ name: r.benchmark, size: Math.abs(r.aligned! - 1) }))
      .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name))
      .slice(0, 25)
      .map((r) => r.name)
    expect(detail.largestChanges.map((r) => r.measurement.benchmark)).toEqual(expected)
    expect(detail.largestChanges.every((r) => r.explanation.includes('significant'))).toBe(true)
    // The same rows as the first page by largest change.
    const top = await page({ sort: 'largest-change', limit: 25 })
    expect(top.rows).toEqual(detail.largestChanges)
    expect(top.total).toBe(50_000)
  })
})

describe('generations.get: the largest changes from one indexed query', () => {
  it('are the first rows with a regression % of the page by largest change, whatever the rows', async () => {
    // Rows that tempt a shortcut: signed metrics (no %) with the biggest changes, negative
    // scores, baselines at and just above the near-zero line, lower-is-better, one-run rows
    // and many equal changes. Pseudo-random but reproducible.
    let seed = 42
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const metrics = ['acc', 'mcc', 'f1_diff', 'inspect/pearson', 'acc_norm', 'exact_match (strict-match)', 'bias']
    const baselines = [0.5, 0.01, 0.0100001, 0, -0.2, 0.8, 2, 40]
    const rows: Row[] = []
    for (let i = 0; i < 600; i++) {
      const baseline = baselines[Math.floor(next() * baselines.length)]
      const step = Math.floor(next() * 12) / 20 - 0.3 // few distinct changes: ties
      rows.push({
        benchmark: `task_${String(Math.floor(next() * 200)).padStart(3, '0')}`,
        metric: metrics[Math.floor(next() * metrics.length)],
        baseline: next() < 0.05 ? null : baseline,
        aligned: next() < 0.05 ? null : baseline === 40 ? 40 * (1 + step) : baseline + step,
        direction: next() < 0.3 ? 'lower' : 'higher',
      })
    }
    // The biggest changes of all are on signed metrics: each must be skipped.
    for (const metric of ['mcc', 'f1_diff', 'inspect/pearson', 'bias'])
      for (let i = 0; i < 30; i++) rows.push({ benchmark: `signed_${metric}_${i}`, metric, baseline: 0.5, aligned: 9 })
    const unique = new Map(rows.map((r) => [`${r.benchmark}\u0000${r.metric ?? 'acc'}`, r]))
    await insert([...unique.values()])

    const detail = await ok<GenerationDetail>('generations.get', { id: generationId })
    const all = await page({ sort: 'largest-change', limit: 500 })
    const expected = all.rows.filter((r) => r.regressionPct !== null).slice(0, 25)
    expect(expected).toHaveLength(25)
    expect(detail.largestChanges).toEqual(expected)
    expect(detail.measurementCount).toBe(unique.size)
    // Signed metrics did reach the top of the raw |%| order, so the skipping was exercised.
    expect(expected.some((r) => r.measurement.metric !== 'acc')).toBe(true)
  })

  it('are empty where no row has a regression %', async () => {
    await insert([
      { benchmark: 'a', metric: 'mcc', baseline: 0.5, aligned: 0.9 },
      { benchmark: 'b', baseline: 0, aligned: 0.9 },
      { benchmark: 'c', baseline: 0.5, aligned: null },
    ])
    const detail = await ok<GenerationDetail>('generations.get', { id: generationId })
    expect(detail.largestChanges).toEqual([])
    expect(detail.measurementCount).toBe(3)
  })
})

describe('measurements.page: groups without an aggregate row', () => {
  /** lm-eval's layout: mmlu with its aggregate; glue without one, nesting a group `glue_x` without one either. */
  async function insertSuite() {
    await app.env.transaction(async (tx) => {
      const add = tx.dialect.rowInserter('benchmark_measurements', [
        'generation_id',
        'benchmark',
        'metric',
        'group_path',
        'direction',
        'baseline',
        'aligned',
      ])
      add.add([generationId, 'mmlu', 'acc', null, 'higher', 0.5, 0.4])
      add.add([generationId, 'mmlu_anatomy', 'acc', '["mmlu"]', 'higher', 0.5, 0.4])
      add.add([generationId, 'cola', 'mcc', '["glue"]', 'higher', 0.5, 0.4])
      add.add([generationId, 'rte', 'acc', '["glue"]', 'higher', 0.5, 0.4])
      add.add([generationId, 'x_one', 'f1', '["glue","glue_x"]', 'higher', 0.5, 0.4])
      add.add([generationId, 'arc', 'acc', null, 'higher', 0.5, 0.4])
      await add.flush()
    })
  }

  it('names them with their path and their subtasks metrics, and hides their subtasks until expanded', async () => {
    await insertSuite()
    const collapsed = await page({ expanded: [] })
    expect(collapsed.groups).toEqual(['mmlu'])
    expect(collapsed.computedGroups).toEqual([
      { name: 'glue', path: [], metrics: ['mcc', 'acc', 'f1'] },
      { name: 'glue_x', path: ['glue'], metrics: ['f1'] },
    ])
    expect(names(collapsed)).toEqual(['arc · acc', 'mmlu · acc'])
    expect(collapsed.total).toBe(2)

    const glueOpen = await page({ expanded: ['glue'] })
    expect(names(glueOpen)).toEqual(['arc · acc', 'cola · mcc', 'rte · acc', 'mmlu · acc'])
    const allOpen = await page({ expanded: ['glue', 'glue_x', 'mmlu'] })
    // Tree order: the sub-group glue_x sorts among glue's subtasks by its name.
    expect(names(allOpen)).toEqual([
      'arc · acc',
      'cola · mcc',
      'x_one · f1',
      'rte · acc',
      'mmlu · acc',
      'mmlu_anatomy · acc',
    ])
    // Without `expanded` (exports, the CLI) and with a filter, every row.
    expect((await page({})).total).toBe(6)
    expect(names(await page({ expanded: [], filter: 'x_' }))).toEqual(['x_one · f1'])
  })
})
