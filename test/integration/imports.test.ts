/**
 * Imports into a real database: every shared fixture with the file's own numbers,
 * pairing of a baseline and an aligned run, duplicates by hash, and malformed files
 * refused with the stored data unchanged (a JSON export before and after is identical).
 */
import fs from 'node:fs'
import path from 'node:path'
import { unzipSync, zipSync, strToU8 } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import { runImport, UNMATCHED_IN_SUMMARY } from '../../src-main/services/imports'
import { openTempApp, SHARED_FIXTURES, storeContents } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
let generationId: number
beforeEach(async () => {
  app = openTempApp()
  const p = (await rawSql(app.env).get<{ id: number }>("INSERT INTO projects (name) VALUES ('Imports') RETURNING id"))!
  generationId = (await rawSql(app.env).get<{ id: number }>(
    "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g1', '2024-01-01') RETURNING id",
    p.id,
  ))!.id
})
afterEach(async () => app.close())

const fixture = (rel: string) => fs.readFileSync(path.join(SHARED_FIXTURES, rel))
const measurements = () =>
  rawSql(app.env).all<Record<string, any>>('SELECT * FROM benchmark_measurements ORDER BY benchmark, metric')
const snapshot = () => storeContents(app.env)

describe('lm-evaluation-harness fixtures', () => {
  const files = fs.readdirSync(path.join(SHARED_FIXTURES, 'lm-eval'))

  it.each(files)('%s imports every task and metric with its standard error', async (file) => {
    const bytes = fixture(`lm-eval/${file}`)
    const doc = JSON.parse(bytes.toString('utf8'))
    const expected = doc.results as Record<string, Record<string, unknown>>
    const r = await runImport(app.env, { format: 'lm-eval', fileName: file, bytes, generationId, role: 'baseline' })
    const stored = await measurements()
    let metrics = 0
    for (const [task, values] of Object.entries(expected)) {
      for (const [key, value] of Object.entries(values)) {
        // v0.4 keys are "metric,filter" with "metric_stderr,filter" beside; "alias" and
        // other strings describe the task. The filter "none" is dropped from the name.
        if (typeof value !== 'number') continue
        const [metric, filter] = key.split(',')
        if (metric.endsWith('_stderr')) continue
        metrics++
        const name = filter === undefined || filter === 'none' ? metric : `${metric} (${filter})`
        const row = stored.find((m) => m.benchmark === task && m.metric === name)
        expect(row, `${task} ${key}`).toBeDefined()
        expect(row!.baseline).toBe(value)
        const stderr = values[filter === undefined ? `${metric}_stderr` : `${metric}_stderr,${filter}`]
        expect(row!.baseline_stderr).toBe(typeof stderr === 'number' ? stderr : null)
        expect(row!.aligned).toBeNull()
        const declared = doc.higher_is_better?.[task]?.[metric]
        expect(row!.direction).toBe(declared === false ? 'lower' : 'higher')
        expect(row!.source).toBe('import')
      }
    }
    expect(r.imported).toBe(metrics)
    expect(stored).toHaveLength(metrics)
    expect(r.unmatched).toHaveLength(metrics)
  })

  it('pairs a baseline run and an aligned run into regressions, by task and metric', async () => {
    const baseline = fixture('lm-eval/hellaswag-v0-res.json')
    const doc = JSON.parse(baseline.toString('utf8'))
    const aligned = structuredClone(doc)
    aligned.results.hellaswag.acc = doc.results.hellaswag.acc - 0.01
    aligned.results.hellaswag.acc_norm = doc.results.hellaswag.acc_norm + 0.02
    aligned.results.extra_task = { acc: 0.5, acc_stderr: 0.01 }
    await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'base.json',
      bytes: baseline,
      generationId,
      role: 'baseline',
    })
    const r = await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'aligned.json',
      bytes: Buffer.from(JSON.stringify(aligned)),
      generationId,
      role: 'aligned',
    })
    expect(r.benchmarks).toEqual(
      expect.arrayContaining([
        {
          benchmark: 'hellaswag',
          metric: 'acc',
          baseline: doc.results.hellaswag.acc,
          aligned: doc.results.hellaswag.acc - 0.01,
        },
        {
          benchmark: 'hellaswag',
          metric: 'acc_norm',
          baseline: doc.results.hellaswag.acc_norm,
          aligned: doc.results.hellaswag.acc_norm + 0.02,
        },
      ]),
    )
    // The task only the aligned run has is listed, not dropped.
    expect(r.unmatched).toEqual([{ benchmark: 'extra_task', metric: 'acc', baseline: null, aligned: 0.5 }])
    const page = await dispatch(app.env, 'measurements.page', { generationId, limit: 500 })
    if (!page.ok) throw new Error(page.error.message)
    const rows = (page.value as any).rows
    expect(rows).toHaveLength((await measurements()).length)
    const acc = rows.find((m: any) => m.measurement.benchmark === 'hellaswag' && m.measurement.metric === 'acc')
    expect(acc.regressionPct).toBeCloseTo((0.01 / doc.results.hellaswag.acc) * 100, 9)
    const norm = rows.find((m: any) => m.measurement.metric === 'acc_norm')
    expect(norm.regressionPct).toBeLessThan(0)
  })
})

describe('Inspect AI fixtures', () => {
  it('imports the .json log with the scorer metrics and stderr from the file', async () => {
    const bytes = fixture('inspect/no-samples.json')
    const doc = JSON.parse(bytes.toString('utf8'))
    const r = await runImport(app.env, {
      format: 'inspect',
      fileName: 'no-samples.json',
      bytes,
      generationId,
      role: 'aligned',
    })
    const score = doc.results.scores[0]
    const stored = await measurements()
    expect(stored).toHaveLength(r.imported)
    const accuracy = stored.find((m) => m.metric.includes('accuracy'))!
    expect(accuracy.benchmark).toBe(doc.eval.task)
    expect(accuracy.aligned).toBe(score.metrics.accuracy.value)
    expect(accuracy.aligned_stderr).toBe(score.metrics.stderr.value)
    expect(stored.some((m) => m.metric === 'stderr')).toBe(false)
  })

  it('imports the .eval ZIP log from its header', async () => {
    const bytes = fixture('inspect/log_formats.eval')
    const header = JSON.parse(Buffer.from(unzipSync(new Uint8Array(bytes))['header.json']).toString('utf8'))
    const r = await runImport(app.env, {
      format: 'inspect',
      fileName: 'log_formats.eval',
      bytes,
      generationId,
      role: 'baseline',
    })
    const stored = await measurements()
    expect(stored).toHaveLength(r.imported)
    expect(r.imported).toBeGreaterThan(0)
    for (const score of header.results.scores) {
      for (const [name, metric] of Object.entries(score.metrics as Record<string, { value: number }>)) {
        if (name === 'stderr' || name === 'std') continue
        const row = stored.find((m) => m.benchmark === header.eval.task && m.metric.endsWith(name))
        expect(row, name).toBeDefined()
        expect(row!.baseline).toBe(metric.value)
      }
    }
  })
})

describe('what an import answers', () => {
  it("lists every benchmark for 'full', and only counts and the first unmatched for the app's 'summary'", async () => {
    const csv = (n: number, from: number) =>
      Buffer.from(
        'benchmark,metric,value\n' + Array.from({ length: n }, (_, i) => `task_${from + i},acc,0.5`).join('\n') + '\n',
      ).toString('base64')
    const answer = await dispatch(app.env, 'imports.run', {
      format: 'csv',
      fileName: 'many.csv',
      contentBase64: csv(300, 0),
      generationId,
      role: 'baseline',
    })
    if (!answer.ok) throw new Error(answer.error.message)
    const summary = answer.value as any
    expect(summary).toMatchObject({ imported: 300, unmatchedCount: 300, benchmarks: [] })
    expect(summary.unmatched).toHaveLength(UNMATCHED_IN_SUMMARY)
    const full = await dispatch(app.env, 'imports.run', {
      format: 'csv',
      fileName: 'more.csv',
      contentBase64: csv(150, 300),
      generationId,
      role: 'baseline',
      list: 'full',
    })
    if (!full.ok) throw new Error(full.error.message)
    expect((full.value as any).benchmarks).toHaveLength(150)
    expect((full.value as any).unmatched).toHaveLength(150)
    expect(await measurements()).toHaveLength(450)
  })
})

describe('duplicates and malformed files', () => {
  it('recognises the same file by hash and writes nothing unless forced', async () => {
    const bytes = fixture('lm-eval/arc_challenge-v2.0-res.json')
    await runImport(app.env, { format: 'lm-eval', fileName: 'a.json', bytes, generationId, role: 'baseline' })
    const before = await snapshot()
    const again = await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'renamed.json',
      bytes,
      generationId,
      role: 'baseline',
    })
    expect(again.duplicate).toBe(true)
    expect(again.imported).toBe(0)
    expect(await snapshot()).toBe(before)
    const forced = await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'a.json',
      bytes,
      generationId,
      role: 'baseline',
      force: true,
    })
    expect(forced.duplicate).toBe(false)
    expect(forced.imported).toBe(2)
    expect(await measurements()).toHaveLength(2)
  })

  const lm = fixture('lm-eval/arc_challenge-v2.0-res.json').toString('utf8')
  const insp = fixture('inspect/no-samples.json').toString('utf8')
  const evalZip = (header: unknown) => Buffer.from(zipSync({ 'header.json': strToU8(JSON.stringify(header)) }))
  const evalHeader = JSON.parse(
    Buffer.from(unzipSync(new Uint8Array(fixture('inspect/log_formats.eval')))['header.json']).toString('utf8'),
  )
  const cases: [string, 'lm-eval' | 'inspect' | 'csv', Buffer, RegExp][] = [
    ['lm-eval truncated', 'lm-eval', Buffer.from(lm.slice(0, lm.length / 2)), /bad\.json/],
    [
      'lm-eval wrong type',
      'lm-eval',
      Buffer.from(lm.replace(/"acc": [0-9.]+/, '"acc": "high"')),
      /results\.arc_challenge\.acc.*"high"/,
    ],
    ['lm-eval NaN', 'lm-eval', Buffer.from(lm.replace(/"acc": [0-9.]+/, '"acc": NaN')), /NaN/],
    [
      'lm-eval negative stderr',
      'lm-eval',
      Buffer.from(lm.replace(/"acc_stderr": [0-9.]+/, '"acc_stderr": -0.5')),
      /acc_stderr.*-0\.5/,
    ],
    ['lm-eval empty', 'lm-eval', Buffer.from(''), /empty/],
    [
      'lm-eval overflowing number',
      'lm-eval',
      Buffer.from(lm.replace(/"acc": [0-9.]+/, '"acc": 1e999')),
      /results\.arc_challenge\.acc.*Infinity/,
    ],
    ['inspect truncated', 'inspect', Buffer.from(insp.slice(0, 500)), /bad\.json/],
    [
      'inspect wrong type',
      'inspect',
      Buffer.from(insp.replace('"value": 0.6666666666666666', '"value": "two thirds"')),
      /"two thirds"/,
    ],
    ['inspect NaN', 'inspect', Buffer.from(insp.replace('"value": 0.6666666666666666', '"value": NaN')), /NaN/],
    [
      'inspect negative stderr',
      'inspect',
      Buffer.from(insp.replace('"value": 0.33333333333333337', '"value": -0.3')),
      /-0\.3/,
    ],
    ['inspect empty', 'inspect', Buffer.from(''), /empty/],
    [
      'inspect overflowing number',
      'inspect',
      Buffer.from(insp.replace('"value": 0.6666666666666666', '"value": -1e999')),
      /-Infinity/,
    ],
    ['inspect .eval without results', 'inspect', evalZip({ ...evalHeader, results: undefined }), /results/],
    [
      'csv truncated row',
      'csv',
      Buffer.from('benchmark,metric,baseline,aligned\nmmlu,acc,0.7,0.69\narc,acc,0.5\n'),
      /line 3/,
    ],
    [
      'csv wrong type',
      'csv',
      Buffer.from('benchmark,metric,baseline,aligned\nmmlu,acc,0.7,abc\n'),
      /line 2.*aligned.*"abc"/,
    ],
    ['csv NaN', 'csv', Buffer.from('benchmark,metric,baseline,aligned\nmmlu,acc,NaN,0.6\n'), /line 2.*baseline.*NaN/],
    [
      'csv negative stderr',
      'csv',
      Buffer.from('benchmark,metric,baseline,aligned,baseline_stderr\nmmlu,acc,0.7,0.6,-0.01\n'),
      /line 2.*baseline_stderr.*-0\.01/,
    ],
    ['csv empty', 'csv', Buffer.from(''), /empty/],
  ]

  it.each(cases)('%s is refused, saying where, and nothing changes', async (_name, format, bytes, message) => {
    // Existing data that must survive untouched.
    await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'good.json',
      bytes: fixture('lm-eval/hellaswag-v0-res.json'),
      generationId,
      role: 'baseline',
    })
    const before = await snapshot()
    const fileName =
      format === 'csv' ? 'bad.csv' : format === 'inspect' && _name.includes('.eval') ? 'bad.eval' : 'bad.json'
    let error: Error | null = null
    try {
      // Strict: a non-finite value refuses the file (without, it is skipped with a warning).
      await runImport(app.env, { format, fileName, bytes, generationId, role: 'aligned', strict: true })
    } catch (err) {
      error = err as Error
    }
    expect(error, 'the import should have been refused').not.toBeNull()
    expect(error!.message).toContain(fileName)
    expect(error!.message).toMatch(message)
    expect(await snapshot()).toBe(before)
  })

  it('skips a non-finite metric with a warning and imports the rest; strict refuses the file and writes nothing', async () => {
    const text = fixture('lm-eval/truthfulqa-gen-signed-diffs-v04.json')
      .toString('utf8')
      .replace(/"bleu_max,none": [0-9.]+/, '"bleu_max,none": Infinity')
    const bytes = Buffer.from(text)
    const before = await snapshot()
    await expect(
      runImport(app.env, {
        format: 'lm-eval',
        fileName: 'inf.json',
        bytes,
        generationId,
        role: 'baseline',
        strict: true,
      }),
    ).rejects.toThrow(/inf\.json: results\.truthfulqa_gen\.bleu_max,none: Infinity/)
    expect(await snapshot()).toBe(before)
    const r = await runImport(app.env, {
      format: 'lm-eval',
      fileName: 'inf.json',
      bytes,
      generationId,
      role: 'baseline',
    })
    expect(r.imported).toBe(11)
    expect(r.warnings).toEqual([expect.stringMatching(/truthfulqa_gen · bleu_max is Infinity.*skipped/)])
    expect((await measurements()).map((m) => m.metric)).not.toContain('bleu_max')
  })

  it('refuses a CSV naming one benchmark twice, writing nothing', async () => {
    const before = await snapshot()
    await expect(
      runImport(app.env, {
        format: 'csv',
        fileName: 'dup.csv',
        bytes: Buffer.from('benchmark,metric,baseline,aligned\nmmlu,acc,0.7,0.69\nmmlu,acc,0.6,0.6\n'),
        generationId,
        role: 'baseline',
      }),
    ).rejects.toThrow(/dup\.csv: line 3: .*mmlu/)
    expect(await snapshot()).toBe(before)
  })

  it('asks for the direction of an unknown metric and writes nothing until told', async () => {
    const csv = Buffer.from('benchmark,metric,value\nmy_eval,weirdness,0.3\n')
    const asked = await runImport(app.env, {
      format: 'csv',
      fileName: 'w.csv',
      bytes: csv,
      generationId,
      role: 'baseline',
    })
    expect(asked.needsDirection).toEqual(['weirdness'])
    expect(await measurements()).toHaveLength(0)
    const told = await runImport(app.env, {
      format: 'csv',
      fileName: 'w.csv',
      bytes: csv,
      generationId,
      role: 'baseline',
      directions: { weirdness: 'lower' },
    })
    expect(told.imported).toBe(1)
    expect((await measurements())[0]).toMatchObject({
      benchmark: 'my_eval',
      metric: 'weirdness',
      direction: 'lower',
      baseline: 0.3,
    })
  })
})
