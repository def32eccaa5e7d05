import { describe, expect, it } from 'vitest'
import { parseLmEvalResults, type ParsedResult } from '../../../../src-main/importers'
import { expectImportError, own, ownText, shared } from './helpers'

const LEGACY = ['arc_challenge-v2.0-res.json', 'hellaswag-v0-res.json', 'truthfulqa_mc-v1-res.json']
const V04 = 'lm-eval-v0.4-results.json'

type Json = Record<string, any>

const find = (results: ParsedResult[], benchmark: string, metric: string) =>
  results.find((r) => r.benchmark === benchmark && r.metric === metric)

describe('parseLmEvalResults: real legacy files', () => {
  for (const name of LEGACY) {
    it(`reads every metric of ${name} with its stderr`, () => {
      const bytes = shared(`lm-eval/${name}`)
      const doc = JSON.parse(new TextDecoder().decode(bytes)) as Json
      const run = parseLmEvalResults(bytes, name)

      expect(run.format).toBe('lm-eval')
      expect(run.warnings).toEqual([])
      // Expected: every key of every task that is not a *_stderr is a metric.
      const expected: ParsedResult[] = []
      for (const [task, metrics] of Object.entries(doc.results as Json)) {
        for (const [key, value] of Object.entries(metrics as Json)) {
          if (key.endsWith('_stderr')) continue
          expected.push({
            benchmark: task,
            metric: key,
            value: value as number,
            stderr: (metrics as Json)[`${key}_stderr`],
            direction: 'higher', // acc, acc_norm, mc1, mc2
            shots: null,
          })
        }
      }
      expect(expected.length).toBeGreaterThan(0)
      expect(run.results).toHaveLength(expected.length)
      for (const e of expected) expect(find(run.results, e.benchmark, e.metric)).toEqual(e)
    })
  }

  it('accepts a string as well as bytes, and a BOM', () => {
    const text = new TextDecoder().decode(shared('lm-eval/hellaswag-v0-res.json'))
    const fromBytes = parseLmEvalResults(shared('lm-eval/hellaswag-v0-res.json'), 'h.json')
    expect(parseLmEvalResults(text, 'h.json')).toEqual(fromBytes)
    expect(parseLmEvalResults(`\uFEFF${text}`, 'h.json')).toEqual(fromBytes)
  })

  it('takes the shots of a legacy file from config.num_fewshot', () => {
    const doc = JSON.parse(new TextDecoder().decode(shared('lm-eval/arc_challenge-v2.0-res.json')))
    doc.config = { model: 'gpt2', model_args: 'pretrained=gpt2-xl', num_fewshot: 25, batch_size: 8 }
    const run = parseLmEvalResults(JSON.stringify(doc), 'arc.json')
    expect(run.results.every((r) => r.shots === 25)).toBe(true)
    expect(run.model).toBe('gpt2-xl')
  })
})

describe('parseLmEvalResults: v0.4+ results file', () => {
  const doc = JSON.parse(ownText(V04)) as Json
  const run = parseLmEvalResults(own(V04), V04)

  it('reads model and date', () => {
    expect(run.model).toBe(doc.model_name)
    expect(run.date).toBe(new Date(doc.date * 1000).toISOString())
    expect(run.date).toBe('2024-04-23T14:49:02.528Z')
  })

  it('reads every "metric,filter" value of every task, and groups not already in results', () => {
    const expected: Array<[string, string, number, unknown]> = []
    const collect = (task: string, entry: Json) => {
      for (const [key, value] of Object.entries(entry)) {
        const [metric, filter] = key.split(',')
        if (filter === undefined || metric.endsWith('_stderr') || metric === 'sample_len') continue
        const name = filter === 'none' ? metric : `${metric} (${filter})`
        expected.push([task, name, value as number, entry[`${metric}_stderr,${filter}`]])
      }
    }
    for (const [task, entry] of Object.entries(doc.results as Json)) collect(task, entry)
    for (const [group, entry] of Object.entries(doc.groups as Json)) if (!(group in doc.results)) collect(group, entry)

    expect(run.results).toHaveLength(expected.length)
    for (const [benchmark, metric, value, stderr] of expected) {
      const result = find(run.results, benchmark, metric)
      expect(result, `${benchmark} ${metric}`).toBeDefined()
      expect(result!.value).toBe(value)
      expect(result!.stderr).toBe(stderr === 'N/A' || stderr === undefined ? null : stderr)
    }
  })

  it('keeps a filter other than "none" in the metric name', () => {
    const flexible = find(run.results, 'gsm8k', 'exact_match (flexible-extract)')
    const strict = find(run.results, 'gsm8k', 'exact_match (strict-match)')
    expect(flexible?.value).toBe(doc.results.gsm8k['exact_match,flexible-extract'])
    expect(flexible?.stderr).toBe(doc.results.gsm8k['exact_match_stderr,flexible-extract'])
    expect(strict?.value).toBe(doc.results.gsm8k['exact_match,strict-match'])
    expect(find(run.results, 'arc_challenge', 'acc')?.value).toBe(doc.results.arc_challenge['acc,none'])
  })

  it('turns an "N/A" stderr into null', () => {
    expect(find(run.results, 'mmlu_humanities', 'acc')?.stderr).toBeNull()
    expect(find(run.results, 'wikitext', 'word_perplexity')?.stderr).toBeNull()
  })

  it('takes shots from n-shot, null where a task has none', () => {
    for (const r of run.results) expect(r.shots, r.benchmark).toBe(doc['n-shot'][r.benchmark] ?? null)
    expect(find(run.results, 'arc_challenge', 'acc')?.shots).toBe(25)
    expect(find(run.results, 'mmlu', 'acc')?.shots).toBeNull()
  })

  it('takes direction from higher_is_better, else the known table, else null', () => {
    expect(find(run.results, 'wikitext', 'bits_per_byte')?.direction).toBe('lower')
    expect(find(run.results, 'gsm8k', 'exact_match (flexible-extract)')?.direction).toBe('higher')
    // mmlu_other has no higher_is_better entry: "acc" is in the table.
    expect(find(run.results, 'mmlu_other', 'acc')?.direction).toBe('higher')
    // refusal_rate is in neither: the user is asked.
    expect(find(run.results, 'refusal_probe', 'refusal_rate')?.direction).toBeNull()
  })

  it('skips alias, sample_len and a group without aggregate score, whose subtasks carry it', () => {
    expect(run.results.some((r) => r.metric === 'alias' || r.metric === 'sample_len')).toBe(false)
    expect(run.results.some((r) => r.benchmark === 'leaderboard')).toBe(false)
    expect(run.warnings).toEqual([])
    const pathOf = (task: string) => run.results.find((r) => r.benchmark === task)!.groupPath
    expect(pathOf('arc_challenge')).toEqual(['leaderboard'])
    expect(pathOf('hellaswag')).toEqual(['leaderboard'])
  })

  it('stores nested groups as paths from group_subtasks: mmlu → mmlu_humanities → mmlu_formal_logic', () => {
    const pathOf = (task: string) => run.results.find((r) => r.benchmark === task)!.groupPath
    expect(pathOf('mmlu')).toBeUndefined()
    expect(pathOf('mmlu_humanities')).toEqual(['mmlu'])
    expect(pathOf('mmlu_formal_logic')).toEqual(['mmlu', 'mmlu_humanities'])
    expect(pathOf('gsm8k')).toBeUndefined()
  })

  it('infers nested groups from indented aliases in older v0.4 files without group_subtasks', () => {
    // lm-eval 0.4.0–0.4.2: group rows without numbers ({" ": " ", "alias": …}), aggregates
    // in `groups`, the tree in the order of `results` with aliases indented by depth.
    const old = {
      results: {
        mmlu: { ' ': ' ', alias: 'mmlu' },
        mmlu_stem: { ' ': ' ', alias: ' - stem' },
        mmlu_anatomy: { alias: '  - anatomy', 'acc,none': 0.4, 'acc_stderr,none': 0.04 },
        mmlu_astronomy: { alias: '  - astronomy', 'acc,none': 0.5, 'acc_stderr,none': 0.04 },
        mmlu_humanities: { ' ': ' ', alias: ' - humanities' },
        mmlu_world_religions: { alias: '  - world_religions', 'acc,none': 0.6, 'acc_stderr,none': 0.03 },
        arc_easy: { alias: 'arc_easy', 'acc,none': 0.7, 'acc_stderr,none': 0.01 },
      },
      groups: { mmlu: { 'acc,none': 0.5, 'acc_stderr,none': 0.01, alias: 'mmlu' } },
    }
    const r = parseLmEvalResults(JSON.stringify(old), 'old.json')
    const pathOf = (task: string) => r.results.find((x) => x.benchmark === task)!.groupPath
    expect(pathOf('mmlu_anatomy')).toEqual(['mmlu', 'mmlu_stem'])
    expect(pathOf('mmlu_astronomy')).toEqual(['mmlu', 'mmlu_stem'])
    expect(pathOf('mmlu_world_religions')).toEqual(['mmlu', 'mmlu_humanities'])
    expect(pathOf('arc_easy')).toBeUndefined()
    expect(pathOf('mmlu')).toBeUndefined()
    expect(r.results.map((x) => x.benchmark).sort()).toEqual(
      ['arc_easy', 'mmlu', 'mmlu_anatomy', 'mmlu_astronomy', 'mmlu_world_religions'].sort(),
    )
    expect(r.warnings).toEqual([])
  })

  it('refuses group_subtasks that contain each other, naming the loop', () => {
    const loop = {
      results: { a: { 'acc,none': 0.5 } },
      group_subtasks: { g1: ['g2'], g2: ['g1', 'a'] },
    }
    expectImportError(
      () => parseLmEvalResults(JSON.stringify(loop), 'loop.json'),
      'loop.json',
      'group_subtasks',
      'loop',
    )
  })

  it('reads the nested Open LLM Leaderboard v2 groups of the real file', () => {
    const real = parseLmEvalResults(shared('lm-eval/leaderboard-v2-nested-groups-v04.json'), 'lb.json')
    const pathOf = (task: string) => real.results.find((x) => x.benchmark === task)!.groupPath
    expect(pathOf('leaderboard')).toBeUndefined()
    expect(pathOf('leaderboard_bbh')).toEqual(['leaderboard'])
    expect(pathOf('leaderboard_bbh_snarks')).toEqual(['leaderboard', 'leaderboard_bbh'])
    expect(pathOf('leaderboard_mmlu_pro')).toEqual(['leaderboard'])
  })

  it('imports a group listed in both results and groups once', () => {
    expect(run.results.filter((r) => r.benchmark === 'mmlu')).toHaveLength(1)
  })

  it('falls back to config.model_args, then config.model, for the model', () => {
    const copy = structuredClone(doc)
    delete copy.model_name
    expect(parseLmEvalResults(JSON.stringify(copy), V04).model).toBe('EleutherAI/pythia-1.4b')
    copy.config.model_args = { model: 'meta-llama/Llama-3-8B', num_concurrent: 8 }
    expect(parseLmEvalResults(JSON.stringify(copy), V04).model).toBe('meta-llama/Llama-3-8B')
    delete copy.config.model_args
    expect(parseLmEvalResults(JSON.stringify(copy), V04).model).toBe('hf')
  })

  it('reads a date written as a string, and warns about one that is not a date', () => {
    const copy = structuredClone(doc)
    copy.date = '1713883742.5281413'
    expect(parseLmEvalResults(JSON.stringify(copy), V04).date).toBe('2024-04-23T14:49:02.528Z')
    copy.date = '2024-04-23T14:49:02Z'
    expect(parseLmEvalResults(JSON.stringify(copy), V04).date).toBe('2024-04-23T14:49:02.000Z')
    copy.date = 'yesterday'
    const odd = parseLmEvalResults(JSON.stringify(copy), V04)
    expect(odd.date).toBeNull()
    expect(odd.warnings).toContainEqual(expect.stringContaining('"yesterday" is not a date'))
  })
})

describe('parseLmEvalResults: malformed files are refused with file, place and value', () => {
  const base = () => JSON.parse(ownText(V04)) as Json
  const parse =
    (doc: unknown, file = 'bad.json') =>
    () =>
      parseLmEvalResults(JSON.stringify(doc), file)

  it('a bare NaN as Python writes it (strict)', () => {
    expectImportError(
      () => parseLmEvalResults(own('lm-eval-nan-stderr.json'), 'lm-eval-nan-stderr.json', { strict: true }),
      'lm-eval-nan-stderr.json',
      'results.hellaswag.acc_stderr,none',
      'NaN',
    )
  })

  it('NaN and Infinity as metric values (strict)', () => {
    const strict = { strict: true }
    const text = ownText(V04)
    const nan = text.replace('"acc,none": 0.3993174061433447', '"acc,none": NaN')
    expectImportError(
      () => parseLmEvalResults(nan, 'n.json', strict),
      'n.json',
      'results.arc_challenge.acc,none',
      'NaN',
    )
    const inf = text.replace('"acc,none": 0.3993174061433447', '"acc,none": -Infinity')
    expectImportError(
      () => parseLmEvalResults(inf, 'i.json', strict),
      'i.json',
      'results.arc_challenge.acc,none',
      '-Infinity',
    )
    // In a legacy file too.
    expectImportError(
      () => parseLmEvalResults('{"results": {"arc": {"acc": NaN, "acc_stderr": 0.01}}}', 'l.json', strict),
      'l.json',
      'results.arc.acc',
      'NaN',
    )
  })

  it('without strict, a non-finite metric is skipped and named in the warnings; the rest is imported', () => {
    const text = ownText(V04)
    const { results: all, warnings } = parseLmEvalResults(text, 'ok.json')
    for (const spelled of ['NaN', 'Infinity', '-Infinity', '"Infinity"', '1e999']) {
      const run = parseLmEvalResults(text.replace('"acc,none": 0.3993174061433447', `"acc,none": ${spelled}`), 'n.json')
      expect(run.results).toEqual(all.filter((r) => !(r.benchmark === 'arc_challenge' && r.metric === 'acc')))
      expect(run.warnings).toHaveLength(warnings.length + 1)
      const added = run.warnings.find((w) => !warnings.includes(w))!
      expect(added).toContain('results.arc_challenge.acc,none')
      expect(added).toContain('arc_challenge · acc is ')
      expect(added).toMatch(/NaN|Infinity/)
    }
    // A non-finite standard error leaves the metric without one.
    const run = parseLmEvalResults(own('lm-eval-nan-stderr.json'), 'lm-eval-nan-stderr.json')
    const hellaswag = run.results.find((r) => r.benchmark === 'hellaswag' && r.metric === 'acc')!
    expect(hellaswag.stderr).toBeNull()
    expect(run.warnings.join('\n')).toContain('acc_stderr,none')
  })

  it('NaN where nothing is read (a config) does not matter', () => {
    const text = ownText(V04).replace('"random_seed": 0', '"random_seed": NaN')
    expect(parseLmEvalResults(text, 'ok.json').results).toHaveLength(15)
  })

  it('a truncated file', () => {
    const text = ownText(V04)
    for (const cut of [text.indexOf('"hellaswag"') + 60, text.length - 2, 1]) {
      expectImportError(
        () => parseLmEvalResults(text.slice(0, cut), 'lm-eval-truncated.json'),
        'lm-eval-truncated.json',
        /^line \d+, column \d+$/,
        'truncated',
      )
    }
  })

  it('a syntax error, with its line and column', () => {
    const text = '{\n  "results": {\n    "arc": {"acc": 0.5,, "acc_stderr": 0.01}\n  }\n}'
    expectImportError(() => parseLmEvalResults(text, 's.json'), 's.json', 'line 3, column 24', '","')
    expectImportError(
      () => parseLmEvalResults('{"results": {"arc": {"acc": 0.5}}} trailing', 't.json'),
      't.json',
      'line 1, column 36',
      '"trailing"',
    )
  })

  it('an empty file', () => {
    expectImportError(() => parseLmEvalResults(new Uint8Array(), 'e.json'), 'e.json', 'file', 'empty')
    expectImportError(() => parseLmEvalResults('  \n ', 'e.json'), 'e.json', 'file', 'empty')
  })

  it('bytes that are not text', () => {
    expectImportError(
      () => parseLmEvalResults(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'b.json'),
      'b.json',
      'file',
      'UTF-8',
    )
  })

  it('missing or mistyped results', () => {
    expectImportError(parse({ versions: {} }), 'bad.json', 'results', 'missing')
    expectImportError(parse({ results: [1, 2] }), 'bad.json', 'results', 'an array')
    expectImportError(parse([1]), 'bad.json', 'top level', 'an array')
    expectImportError(parse({ results: { arc: 0.5 } }), 'bad.json', 'results.arc', 'number 0.5')
    expectImportError(parse({ results: {} }), 'bad.json', 'results', 'no metric values', '{}')
  })

  it('a metric value of the wrong type', () => {
    const doc = base()
    doc.results.hellaswag['acc_norm,none'] = '0.70'
    expectImportError(parse(doc), 'bad.json', 'results.hellaswag.acc_norm,none', '"0.70"')
    doc.results.hellaswag['acc_norm,none'] = null
    expectImportError(parse(doc), 'bad.json', 'results.hellaswag.acc_norm,none', 'null')
  })

  it('a negative or mistyped stderr', () => {
    const doc = base()
    doc.results.gsm8k['exact_match_stderr,strict-match'] = -0.01
    expectImportError(parse(doc), 'bad.json', 'results.gsm8k.exact_match_stderr,strict-match', '-0.01', 'negative')
    doc.results.gsm8k['exact_match_stderr,strict-match'] = 'unknown'
    expectImportError(parse(doc), 'bad.json', 'results.gsm8k.exact_match_stderr,strict-match', '"unknown"')
    expectImportError(
      parse({ results: { arc: { acc: 0.5, acc_stderr: -1 } } }),
      'bad.json',
      'results.arc.acc_stderr',
      '-1',
    )
  })

  it('a task with no metric that is not a group', () => {
    const doc = base()
    doc.results.hellaswag = { alias: 'hellaswag' }
    expectImportError(parse(doc), 'bad.json', 'results.hellaswag', 'no metric values', '{"alias":"hellaswag"}')
  })

  it('bad n-shot and higher_is_better entries', () => {
    const doc = base()
    doc['n-shot'].gsm8k = 2.5
    expectImportError(parse(doc), 'bad.json', 'n-shot.gsm8k', '2.5')
    const other = base()
    other.higher_is_better.wikitext.bits_per_byte = 'no'
    expectImportError(parse(other), 'bad.json', 'higher_is_better.wikitext.bits_per_byte', '"no"')
  })

  it('an orphan stderr is a warning, not an error', () => {
    const run = parseLmEvalResults(JSON.stringify({ results: { arc: { acc: 0.5, acc_norm_stderr: 0.1 } } }), 'o.json')
    expect(run.results).toHaveLength(1)
    expect(run.warnings).toEqual([expect.stringContaining('results.arc.acc_norm_stderr')])
  })
})
