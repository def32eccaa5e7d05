/**
 * The performance-tax headline end to end, through the real `atax` binary on real
 * database files: real lm-eval fixtures and files built with the exact structure
 * lm-eval v0.4 writes (nested groups with and without aggregates, two filters for one
 * metric, "N/A" stderr, a signed metric).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SHARED_FIXTURES, tempDir } from '../support/tempDb'
import { runAtax } from '../support/atax'
import { storeArgs } from '../support/testStore'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const atax = (args: string[]) => runAtax(dir, args)

function ok(args: string[]) {
  const r = atax(args)
  expect(r.code, r.stderr).toBe(0)
  return r
}

type Doc = Record<string, any>

/**
 * An lm-eval v0.4.3+ results file as the harness writes it: mmlu (aggregate) → mmlu_stem
 * (aggregate) → subtasks; glue without an aggregate (cola's signed MCC, rte's acc);
 * gsm8k under two filters; hellaswag with acc and acc_norm; "N/A" group stderrs.
 */
function suite(scale: (task: string, metric: string, value: number) => number): Doc {
  const v = (task: string, metric: string, value: number) => scale(task, metric, value)
  const results: Doc = {
    mmlu: { 'acc,none': v('mmlu', 'acc', 0.6), 'acc_stderr,none': 'N/A', alias: 'mmlu' },
    mmlu_stem: { 'acc,none': v('mmlu_stem', 'acc', 0.5), 'acc_stderr,none': 'N/A', alias: ' - stem' },
    mmlu_anatomy: { alias: '  - anatomy', 'acc,none': v('mmlu_anatomy', 'acc', 0.45), 'acc_stderr,none': 0.04 },
    mmlu_astronomy: { alias: '  - astronomy', 'acc,none': v('mmlu_astronomy', 'acc', 0.55), 'acc_stderr,none': 0.04 },
    mmlu_world_religions: {
      alias: ' - world_religions',
      'acc,none': v('mmlu_world_religions', 'acc', 0.7),
      'acc_stderr,none': 0.03,
    },
    glue: { ' ': ' ', alias: 'glue' },
    cola: { alias: ' - cola', 'mcc,none': v('cola', 'mcc', -0.09), 'mcc_stderr,none': 0.03 },
    rte: { alias: ' - rte', 'acc,none': v('rte', 'acc', 0.6), 'acc_stderr,none': 0.03 },
    gsm8k: {
      alias: 'gsm8k',
      'exact_match,strict-match': v('gsm8k', 'exact_match (strict-match)', 0.3),
      'exact_match_stderr,strict-match': 0.01,
      'exact_match,flexible-extract': v('gsm8k', 'exact_match (flexible-extract)', 0.35),
      'exact_match_stderr,flexible-extract': 0.01,
    },
    hellaswag: {
      alias: 'hellaswag',
      'acc,none': v('hellaswag', 'acc', 0.5),
      'acc_stderr,none': 0.005,
      'acc_norm,none': v('hellaswag', 'acc_norm', 0.7),
      'acc_norm_stderr,none': 0.004,
    },
  }
  return {
    results,
    groups: { mmlu: results.mmlu, mmlu_stem: results.mmlu_stem },
    group_subtasks: {
      mmlu_stem: ['mmlu_anatomy', 'mmlu_astronomy'],
      mmlu: ['mmlu_stem', 'mmlu_world_religions'],
      glue: ['cola', 'rte'],
      gsm8k: [],
      hellaswag: [],
    },
    'n-shot': { mmlu_anatomy: 0, gsm8k: 5 },
    higher_is_better: {
      cola: { mcc: true },
      gsm8k: { exact_match: true },
      mmlu_anatomy: { acc: true },
    },
    model_name: 'base',
    date: 1713883742.5,
  }
}

const write = (name: string, doc: Doc) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, JSON.stringify(doc, null, 2))
  return file
}

function setUp(db: string, baseline: Doc, aligned: Doc) {
  ok([...storeArgs(db), 'project', 'add', 'P'])
  ok([...storeArgs(db), 'gen', 'add', '--project', 'P', '--name', 'g1', '--pretrained', '2024-01-01'])
  const g = ['--project', 'P', '--gen', 'g1']
  ok([
    ...storeArgs(db),
    'import',
    'lm-eval',
    write(`${path.basename(db)}-base.json`, baseline),
    ...g,
    '--role',
    'baseline',
  ])
  ok([...storeArgs(db), 'import', 'lm-eval', write(`${path.basename(db)}-al.json`, aligned), ...g, '--role', 'aligned'])
  return g
}

describe('the headline on an lm-eval suite', () => {
  const db = path.join(dir, 'suite.db')
  const drop = (task: string, metric: string, value: number) =>
    metric === 'mcc' ? 0.22 : task.startsWith('mmlu_') ? value - 0.3 : value - 0.05
  const g = setUp(
    db,
    suite((_t, _m, x) => x),
    suite(drop),
  )
  const perf = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...g]).stdout) as Doc[]

  it('perf list prints every measurement with exactly the documented fields', () => {
    expect(perf).toHaveLength(11)
    for (const r of perf) {
      expect(Object.keys(r).sort()).toEqual(
        ['aligned', 'baseline', 'benchmark', 'delta', 'group', 'inHeadline', 'metric', 'regressionPct'].sort(),
      )
    }
    const find = (b: string, m: string) => perf.find((r) => r.benchmark === b && r.metric === m)!
    expect(find('mmlu_anatomy', 'acc')).toMatchObject({ group: 'mmlu_stem', inHeadline: false })
    expect(find('mmlu_stem', 'acc')).toMatchObject({ group: 'mmlu', inHeadline: false })
    expect(find('mmlu', 'acc')).toMatchObject({ group: null, inHeadline: true })
    expect(find('cola', 'mcc')).toMatchObject({ group: 'glue', regressionPct: null, inHeadline: false })
    expect(find('cola', 'mcc').delta).toBeCloseTo(0.31, 12)
    expect(find('gsm8k', 'exact_match (strict-match)').inHeadline).toBe(true)
    expect(find('gsm8k', 'exact_match (flexible-extract)').inHeadline).toBe(false)
    expect(find('hellaswag', 'acc_norm').inHeadline).toBe(true)
    expect(find('hellaswag', 'acc').inHeadline).toBe(false)
  })

  it('counts each top-level benchmark once; summary --json gives headlineCount and the headline mean', () => {
    const headline = perf.filter((r) => r.inHeadline)
    const names = headline.map((r) => r.benchmark)
    expect(new Set(names).size).toBe(names.length)
    expect(names.sort()).toEqual(['gsm8k', 'hellaswag', 'mmlu'])
    const [summary] = JSON.parse(ok([...storeArgs(db), '--json', 'summary', '--project', 'P']).stdout)
    // glue has no aggregate: it counts once, by a figure computed from its subtasks with
    // its primary metric (acc: rte alone, 0.6 → 0.55); cola's MCC is not in it.
    expect(summary.headlineCount).toBe(4)
    const pcts = [...headline.map((r) => r.regressionPct as number), (0.05 / 0.6) * 100]
    expect(summary.meanRegressionPct).toBeCloseTo(pcts.reduce((a, b) => a + b, 0) / pcts.length, 9)
  })

  it('lets the user choose a benchmark headline metric, and go back to the rule', () => {
    ok([...storeArgs(db), 'perf', 'headline', ...g, '--benchmark', 'hellaswag', '--metric', 'acc'])
    let rows = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...g]).stdout) as Doc[]
    expect(rows.filter((r) => r.benchmark === 'hellaswag' && r.inHeadline).map((r) => r.metric)).toEqual(['acc'])
    const bad = atax([...storeArgs(db), 'perf', 'headline', ...g, '--benchmark', 'hellaswag', '--metric', 'f1'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/hellaswag.*no metric "f1".*"acc".*"acc_norm"/)
    const sub = atax([...storeArgs(db), 'perf', 'headline', ...g, '--benchmark', 'mmlu_anatomy', '--metric', 'acc'])
    expect(sub.code).toBe(1)
    expect(sub.stderr).toMatch(/mmlu_anatomy.*not a top-level benchmark/)
    ok([...storeArgs(db), 'perf', 'headline', ...g, '--benchmark', 'hellaswag', '--default'])
    rows = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...g]).stdout) as Doc[]
    expect(rows.filter((r) => r.benchmark === 'hellaswag' && r.inHeadline).map((r) => r.metric)).toEqual(['acc_norm'])
  })
})

describe('the headline on the real nested Open LLM Leaderboard file', () => {
  it('holds the top-level leaderboard group once, none of its sub-groups or subtasks', () => {
    const db = path.join(dir, 'leaderboard.db')
    const real = JSON.parse(
      fs.readFileSync(path.join(SHARED_FIXTURES, 'lm-eval/leaderboard-v2-nested-groups-v04.json'), 'utf8'),
    )
    const aligned = structuredClone(real)
    for (const entry of Object.values(aligned.results) as Doc[]) {
      for (const key of Object.keys(entry)) if (typeof entry[key] === 'number') entry[key] = entry[key] * 0.9
    }
    const g = setUp(db, real, aligned)
    const rows = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...g]).stdout) as Doc[]
    const headline = rows.filter((r) => r.inHeadline)
    expect(headline.map((r) => r.benchmark)).toEqual(['leaderboard'])
    expect(rows.find((r) => r.benchmark === 'leaderboard_bbh_snarks')!.group).toBe('leaderboard_bbh')
    expect(rows.find((r) => r.benchmark === 'leaderboard_bbh')!.group).toBe('leaderboard')
    const [summary] = JSON.parse(ok([...storeArgs(db), '--json', 'summary', '--project', 'P']).stdout)
    expect(summary.headlineCount).toBe(1)
    expect(summary.meanRegressionPct).toBeCloseTo(10, 9)
  })
})
