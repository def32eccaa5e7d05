import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { headlineSet, primaryMetricOf, type HeadlineCandidate } from '../../../../src-shared/tax/headline'

let nextId = 1
function row(
  benchmark: string,
  metric: string,
  baseline: number | null,
  aligned: number | null,
  groupPath: string[] = [],
) {
  return {
    id: nextId++,
    benchmark,
    metric,
    groupPath,
    direction: 'higher' as const,
    baseline,
    aligned,
    baselineStderr: null,
    alignedStderr: null,
  } satisfies HeadlineCandidate
}

/** No benchmark twice, and none that is a subtask (at any depth) of another headline benchmark. */
function expectOneLevel(rows: HeadlineCandidate[], benchmarks: string[]) {
  expect(new Set(benchmarks).size).toBe(benchmarks.length)
  for (const r of rows) {
    if (benchmarks.includes(r.benchmark)) {
      for (const group of r.groupPath)
        expect(benchmarks, `${r.benchmark} is a subtask of ${group}`).not.toContain(group)
    }
  }
}

describe('headlineSet', () => {
  it('counts an mmlu group once by its aggregate, never its sub-groups or subtasks', () => {
    const rows = [
      row('mmlu', 'acc', 0.6, 0.55),
      row('mmlu_stem', 'acc', 0.5, 0.45, ['mmlu']),
      row('mmlu_anatomy', 'acc', 0.4, 0.1, ['mmlu', 'mmlu_stem']),
      row('mmlu_anatomy', 'acc_norm', 0.4, 0.1, ['mmlu', 'mmlu_stem']),
      row('hellaswag', 'acc', 0.5, 0.5),
      row('hellaswag', 'acc_norm', 0.7, 0.63),
    ]
    const h = headlineSet(rows)
    expect(h.entries.map((e) => [e.benchmark, e.metric, e.metricChosenBy])).toEqual([
      ['mmlu', 'acc', 'table'],
      ['hellaswag', 'acc_norm', 'table'],
    ])
    expect([...h.measurementIds]).toEqual([rows[0].id, rows[5].id])
    // (0.6 − 0.55)/0.6 = 8.33%, (0.7 − 0.63)/0.7 = 10%.
    expect(h.aggregates.meanPct).toBeCloseTo((100 * 0.05) / 0.6 / 2 + 5, 9)
    expectOneLevel(
      rows,
      h.entries.map((e) => e.benchmark),
    )
  })

  it('computes a group without an aggregate from its subtasks, marked computed, through nested groups', () => {
    const rows = [
      row('mmlu_anatomy', 'acc', 0.4, 0.3, ['mmlu', 'mmlu_stem']),
      row('mmlu_astronomy', 'acc', 0.6, 0.6, ['mmlu', 'mmlu_stem']),
      row('mmlu_world_religions', 'acc', 0.8, 0.7, ['mmlu', 'mmlu_humanities']),
    ]
    const h = headlineSet(rows)
    expect(h.entries).toHaveLength(1)
    const [mmlu] = h.entries
    expect(mmlu).toMatchObject({
      benchmark: 'mmlu',
      metric: 'acc',
      computed: true,
      measurementId: null,
      subtaskCount: 3,
    })
    // Mean of the sub-groups' means: stem (0.5 → 0.45), humanities (0.8 → 0.7).
    expect(mmlu.baseline).toBeCloseTo(0.65, 12)
    expect(mmlu.aligned).toBeCloseTo(0.575, 12)
    expect(h.measurementIds.size).toBe(0)
  })

  it('takes the metric from the table, else the first the file lists, else the user choice first', () => {
    const rows = [
      row('gsm8k', 'exact_match (flexible-extract)', 0.3, 0.2),
      row('gsm8k', 'exact_match (strict-match)', 0.25, 0.2),
      row('my_eval', 'f1', 0.5, 0.4),
      row('my_eval', 'accuracy', 0.5, 0.45),
    ]
    expect(headlineSet(rows).entries.map((e) => [e.benchmark, e.metric, e.metricChosenBy])).toEqual([
      ['gsm8k', 'exact_match (strict-match)', 'table'],
      ['my_eval', 'f1', 'first'],
    ])
    const chosen = headlineSet(rows, { my_eval: 'accuracy', gsm8k: 'exact_match (flexible-extract)', other: 'x' })
    expect(chosen.entries.map((e) => [e.metric, e.metricChosenBy])).toEqual([
      ['exact_match (flexible-extract)', 'user'],
      ['accuracy', 'user'],
    ])
    // A choice of a metric the benchmark does not have falls back to the rule.
    expect(headlineSet(rows, { my_eval: 'nope' }).entries[1].metric).toBe('f1')
  })

  it("keeps a signed metric's change out of the % mean but counts it as a gain", () => {
    const rows = [row('cola', 'mcc', -0.09, 0.22), row('arc_easy', 'acc_norm', 0.5, 0.45)]
    const h = headlineSet(rows)
    expect(h.entries[0].figures).toMatchObject({ regressionPct: null, noRelativeReason: 'signed-metric' })
    expect(h.aggregates).toMatchObject({ paired: 2, zeroBaseline: 1, gains: 1, regressions: 1 })
    expect(h.aggregates.meanPct).toBeCloseTo(10, 9)
  })

  it('counts an Inspect task with several scorers once, by the first metric its log lists', () => {
    const rows = [
      row('inspect_evals/gsm8k', 'match/accuracy', 0.8, 0.7),
      row('inspect_evals/gsm8k', 'match/stderr_free', 0.5, 0.5),
      row('inspect_evals/gsm8k', 'model_graded_fact/accuracy', 0.82, 0.8),
    ]
    const h = headlineSet(rows)
    expect(h.entries.map((e) => [e.benchmark, e.metric, e.metricChosenBy])).toEqual([
      ['inspect_evals/gsm8k', 'match/accuracy', 'first'],
    ])
  })

  it('looks the primary metric up without trailing name parts', () => {
    expect(primaryMetricOf('arc_challenge')).toBe('acc_norm')
    expect(primaryMetricOf('hellaswag_extra_variant')).toBe('acc_norm')
    expect(primaryMetricOf('unknown')).toBeNull()
  })
})

describe('headlineSet properties', () => {
  const score = fc.integer({ min: 1, max: 1000 }).map((x) => x / 1000)
  const metric = fc.constantFrom('acc', 'acc_norm', 'f1', 'exact_match (strict-match)')
  const name = fc.constantFrom('mmlu', 'hellaswag', 'arc_easy', 'cola', 'task_a', 'task_b', 'glue', 'bbh')
  const topLevel = fc.array(fc.record({ benchmark: name, metric, baseline: score, aligned: score }), {
    minLength: 1,
    maxLength: 12,
  })

  it("adding a group's subtasks never changes the headline", () => {
    const subtasks = fc.array(
      fc.record({
        parent: fc.nat(11),
        name: fc.string({ minLength: 1, maxLength: 6 }),
        metric,
        baseline: score,
        aligned: score,
      }),
      { maxLength: 30 },
    )
    fc.assert(
      fc.property(topLevel, subtasks, (tops, subs) => {
        const rows = dedupe(tops.map((t) => row(t.benchmark, t.metric, t.baseline, t.aligned)))
        const before = headlineSet(rows)
        const groups = [...new Set(rows.map((r) => r.benchmark))]
        const added = subs.map((s) => {
          const group = groups[s.parent % groups.length]
          return row(`${group}__${s.name}`, s.metric, s.baseline, s.aligned, [group])
        })
        const after = headlineSet(dedupe([...rows, ...added]))
        expect(after.entries).toEqual(before.entries)
        expect(after.aggregates).toEqual(before.aggregates)
      }),
    )
  })

  it('never holds a benchmark twice, nor one that is a subtask of another headline benchmark', () => {
    const tree = fc.array(
      fc.record({
        benchmark: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
        path: fc.array(fc.constantFrom('a', 'b', 'c', 'g', 'h'), { maxLength: 3 }),
        metric,
        baseline: fc.option(score),
        aligned: fc.option(score),
      }),
      { maxLength: 20 },
    )
    fc.assert(
      fc.property(tree, (items) => {
        const rows = dedupe(items.map((i) => row(i.benchmark, i.metric, i.baseline, i.aligned, [...new Set(i.path)])))
        const h = headlineSet(rows)
        const names = h.entries.map((e) => e.benchmark)
        expect(new Set(names).size).toBe(names.length)
        // Rebuild the parent links the way the headline reads them (first link wins).
        const parent = new Map<string, string>()
        for (const r of rows) {
          const chain = [...r.groupPath, r.benchmark]
          for (let i = 1; i < chain.length; i++) {
            let loops = false
            for (let g: string | undefined = chain[i - 1]; g !== undefined; g = parent.get(g))
              if (g === chain[i]) loops = true
            if (chain[i] !== chain[i - 1] && !parent.has(chain[i]) && !loops) parent.set(chain[i], chain[i - 1])
          }
        }
        for (const n of names) {
          for (let g = parent.get(n); g !== undefined; g = parent.get(g)) expect(names).not.toContain(g)
        }
      }),
    )
  })
})

/** One row per benchmark · metric, as the database keeps them. */
function dedupe(rows: HeadlineCandidate[]): HeadlineCandidate[] {
  const seen = new Set<string>()
  return rows.filter((r) => {
    const key = `${r.benchmark}\u0000${r.metric}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
