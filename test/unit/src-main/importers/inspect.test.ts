import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import { describe, expect, it } from 'vitest'
import { parseInspectLog, type ParsedResult } from '../../../../src-main/importers'
import { expectImportError, shared } from './helpers'

type Json = Record<string, any>

const EVAL = 'log_formats.eval'
const JSON_LOG = 'no-samples.json'

const evalBytes = () => shared(`inspect/${EVAL}`)
const jsonLog = (): Json => JSON.parse(new TextDecoder().decode(shared(`inspect/${JSON_LOG}`)))
/** The entries of the real .eval, read with fflate independently of the parser. */
const evalEntries = (): Record<string, Uint8Array> => unzipSync(evalBytes())
const evalHeader = (): Json => JSON.parse(new TextDecoder().decode(evalEntries()['header.json']))

/** The real .eval with header.json replaced (a string is written as is, so it may be broken). */
function evalWithHeader(header: Json | string, drop: string[] = []): Uint8Array {
  const entries: Zippable = {}
  for (const [name, data] of Object.entries(evalEntries())) if (!drop.includes(name)) entries[name] = data
  if (!drop.includes('header.json'))
    entries['header.json'] = strToU8(typeof header === 'string' ? header : JSON.stringify(header))
  return zipSync(entries)
}

const bytesOf = (log: Json | string) => strToU8(typeof log === 'string' ? log : JSON.stringify(log, null, 2))

/** What the log's scores should become, derived from the log itself. */
function expectedResults(log: Json): ParsedResult[] {
  const scores = log.results.scores as Json[]
  const out: ParsedResult[] = []
  for (const score of scores) {
    const stderr = score.metrics.stderr?.value ?? null
    for (const [name, metric] of Object.entries(score.metrics as Json)) {
      if (name === 'stderr' || name === 'std') continue
      out.push({
        benchmark: log.eval.task,
        metric: scores.length > 1 ? `${score.name}/${name}` : name,
        value: metric.value,
        stderr,
        direction: name === 'accuracy' ? 'higher' : null,
        shots: null,
      })
    }
  }
  return out
}

describe('parseInspectLog: real files', () => {
  it('reads the .eval ZIP log from its header.json', () => {
    const header = evalHeader()
    const run = parseInspectLog(evalBytes(), EVAL)
    expect(run.format).toBe('inspect')
    expect(run.model).toBe(header.eval.model)
    expect(run.date).toBe(new Date(header.eval.created).toISOString())
    expect(run.results).toEqual(expectedResults(header))
    expect(run.results.length).toBeGreaterThan(0)
    expect(run.warnings).toEqual([])
  })

  it('reads the .json log, and warns that it was cancelled', () => {
    const log = jsonLog()
    const run = parseInspectLog(shared(`inspect/${JSON_LOG}`), JSON_LOG)
    expect(run.model).toBe(log.eval.model)
    expect(run.date).toBe(new Date(log.eval.created).toISOString())
    expect(run.date).toBe('2025-05-13T00:28:13.000Z')
    expect(run.results).toEqual(expectedResults(log))
    expect(log.status).toBe('cancelled')
    expect(run.warnings).toEqual([expect.stringContaining('cancelled')])
  })

  it('tells the format by content, not by name', () => {
    expect(parseInspectLog(evalBytes(), 'renamed.json')).toEqual(parseInspectLog(evalBytes(), EVAL))
  })

  it('never decompresses the samples of a .eval', () => {
    // Break the deflate stream of every entry but header.json: reading any of them fails.
    const entries: Zippable = {}
    for (const [name, data] of Object.entries(evalEntries()))
      entries[name] = [data, { level: name === 'header.json' ? 0 : 6 }]
    const zip = zipSync(entries)
    const broken = zip.slice()
    for (const name of Object.keys(entries)) {
      if (name === 'header.json') continue
      const at = indexOfName(broken, name) + name.length // local header: name, then data (no extra field)
      broken[at] = 0xff // BTYPE 11: an invalid deflate block
    }
    expect(() => unzipSync(broken)).toThrow()
    expect(parseInspectLog(broken, EVAL).results).toEqual(parseInspectLog(evalBytes(), EVAL).results)
  })

  it('skips a huge samples array without decoding it, wherever it is', () => {
    const log = jsonLog()
    const tricky = 'he said "}]" \\ and {[ "quoted" ]} \u00e9\u4e2d\ud83d\ude00'
    const samples = Array.from({ length: 3000 }, (_, i) => ({
      id: i,
      input: tricky,
      scores: { match: { value: 'C' } },
    }))
    // samples before results, as an odd writer might put them.
    const reordered = { version: log.version, status: log.status, eval: log.eval, samples, results: log.results }
    const run = parseInspectLog(bytesOf(reordered), 'big.json')
    expect(run.results).toEqual(expectedResults(log))
  })
})

describe('parseInspectLog: scorers and metrics', () => {
  it('names metrics scorer/metric when there are several scorers, and skips std with a warning', () => {
    const log = jsonLog()
    log.status = 'success'
    log.results.scores.push({
      name: 'model_graded_qa',
      scorer: 'model_graded_qa',
      params: {},
      metrics: {
        accuracy: { name: 'accuracy', value: 0.5, params: {} },
        mean: { name: 'mean', value: 0.55, params: {} },
        stderr: { name: 'stderr', value: 0.2, params: {} },
        std: { name: 'std', value: 0.4, params: {} },
      },
    })
    const run = parseInspectLog(bytesOf(log), 'two.json')
    expect(run.results).toEqual([
      {
        benchmark: 'testtaskname',
        metric: 'match/accuracy',
        value: 0.6666666666666666,
        stderr: 0.33333333333333337,
        direction: 'higher',
        shots: null,
      },
      {
        benchmark: 'testtaskname',
        metric: 'model_graded_qa/accuracy',
        value: 0.5,
        stderr: 0.2,
        direction: 'higher',
        shots: null,
      },
      {
        benchmark: 'testtaskname',
        metric: 'model_graded_qa/mean',
        value: 0.55,
        stderr: 0.2,
        direction: 'higher',
        shots: null,
      },
    ])
    expect(run.warnings).toEqual([expect.stringContaining('"std" is a spread')])
  })

  it('tells apart entries of one scorer with different reducers', () => {
    const log = jsonLog()
    const mean = log.results.scores[0]
    log.results.scores = [
      { ...mean, reducer: 'mean' },
      { ...mean, reducer: 'max', metrics: { accuracy: { name: 'accuracy', value: 1, params: {} } } },
    ]
    const run = parseInspectLog(bytesOf(log), 'epochs.json')
    expect(run.results.map((r) => [r.metric, r.value, r.stderr])).toEqual([
      ['match (mean)/accuracy', 0.6666666666666666, 0.33333333333333337],
      ['match (max)/accuracy', 1, null],
    ])
  })

  it('keeps a registry prefix in the task name', () => {
    const header = evalHeader()
    header.eval.task = 'inspect_evals/gsm8k'
    expect(parseInspectLog(evalWithHeader(header), EVAL).results[0].benchmark).toBe('inspect_evals/gsm8k')
  })

  it('an errored run keeps its scores, with a warning naming the error', () => {
    const header = evalHeader()
    header.status = 'error'
    header.error = { message: 'RuntimeError: sandbox died', traceback: '' }
    const run = parseInspectLog(evalWithHeader(header), EVAL)
    expect(run.results).toHaveLength(1)
    expect(run.warnings).toEqual([expect.stringContaining('RuntimeError: sandbox died')])
  })
})

describe('parseInspectLog: malformed logs are refused with file, place and value', () => {
  it('a run with no results', () => {
    const header = evalHeader()
    header.status = 'started'
    delete header.results
    expectImportError(
      () => parseInspectLog(evalWithHeader(header), EVAL),
      EVAL,
      'header.json, results',
      'missing',
      'started',
    )
    const log = jsonLog()
    log.results.scores = []
    expectImportError(
      () => parseInspectLog(bytesOf(log), 'none.json'),
      'none.json',
      'results.scores',
      'no score values',
      '[]',
    )
  })

  it('a bare NaN metric value, in a .json and in a .eval header (strict)', () => {
    const text = JSON.stringify(jsonLog(), null, 2).replace('"value": 0.6666666666666666', '"value": NaN')
    expectImportError(
      () => parseInspectLog(bytesOf(text), 'nan.json', { strict: true }),
      'nan.json',
      'results.scores[0].metrics.accuracy.value',
      'NaN',
    )
    // The raw header as Inspect wrote it; its first "value" is the accuracy.
    const header = new TextDecoder().decode(evalEntries()['header.json']).replace('"value": 0.0', '"value": NaN')
    expect(header).toContain('NaN')
    expectImportError(
      () => parseInspectLog(evalWithHeader(header), EVAL, { strict: true }),
      EVAL,
      'header.json, results.scores[0].metrics.accuracy.value',
      'NaN',
    )
  })

  it('without strict, a non-finite metric is skipped and named in the warnings; the rest is imported', () => {
    for (const spelled of ['NaN', 'Infinity', '"-Infinity"', '"nan"']) {
      const log = jsonLog()
      // A second metric of the scorer, which stays.
      log.results.scores[0].metrics.f1 = { name: 'f1', value: 0.5, params: {} }
      const text = JSON.stringify(log, null, 2).replace('"value": 0.6666666666666666', `"value": ${spelled}`)
      const run = parseInspectLog(bytesOf(text), 'nan.json')
      const skipped = { metric: 'accuracy' }
      expect(run.results.map((r) => [r.benchmark, r.metric, r.value, r.stderr])).toEqual([
        [log.eval.task, 'f1', 0.5, log.results.scores[0].metrics.stderr.value],
      ])
      // The log itself is a cancelled run: that warning comes first.
      expect(run.warnings).toHaveLength(2)
      const warning = run.warnings[1]
      expect(warning).toContain('results.scores[0].metrics.accuracy.value')
      expect(warning).toContain(`${log.eval.task} · ${skipped.metric}`)
      expect(warning).toMatch(/-?Infinity|NaN/)
    }
  })

  it('a negative stderr', () => {
    const log = jsonLog()
    log.results.scores[0].metrics.stderr.value = -0.1
    expectImportError(
      () => parseInspectLog(bytesOf(log), 'neg.json'),
      'neg.json',
      'results.scores[0].metrics.stderr.value',
      '-0.1',
      'negative',
    )
  })

  it('values of the wrong type', () => {
    const log = jsonLog()
    log.results.scores[0].metrics.accuracy.value = '0.67'
    expectImportError(
      () => parseInspectLog(bytesOf(log), 'str.json'),
      'str.json',
      'results.scores[0].metrics.accuracy.value',
      '"0.67"',
    )
    const other = jsonLog()
    other.results.scores = { match: 1 }
    expectImportError(() => parseInspectLog(bytesOf(other), 'obj.json'), 'obj.json', 'results.scores', 'an object')
    const noTask = jsonLog()
    noTask.eval.task = 42
    expectImportError(() => parseInspectLog(bytesOf(noTask), 'task.json'), 'task.json', 'eval.task', '42')
  })

  it('a truncated .json log, even when the cut is in the samples', () => {
    const full = new TextDecoder().decode(shared(`inspect/${JSON_LOG}`))
    const cut = full.slice(0, full.indexOf('"reductions"') + 40)
    expectImportError(
      () => parseInspectLog(bytesOf(cut), 'cut.json'),
      'cut.json',
      /^line \d+, column \d+$/,
      'truncated',
    )
  })

  it('a truncated or damaged .eval', () => {
    const bytes = evalBytes()
    expectImportError(() => parseInspectLog(bytes.slice(0, bytes.length - 100), EVAL), EVAL, 'ZIP archive', 'truncated')
  })

  it('a .eval without header.json (a run still going)', () => {
    expectImportError(
      () => parseInspectLog(evalWithHeader({}, ['header.json']), EVAL),
      EVAL,
      'header.json',
      'missing',
      'still be running',
    )
  })

  it('a broken header.json inside the .eval', () => {
    expectImportError(
      () => parseInspectLog(evalWithHeader('{"eval": {"task": '), EVAL),
      EVAL,
      'header.json, line 1, column 19',
      'truncated',
    )
  })

  it('a .eval that is not a ZIP', () => {
    expectImportError(() => parseInspectLog(strToU8('hello'), 'x.eval'), 'x.eval', 'file', 'not a ZIP', '"hello"')
  })

  it('an empty file', () => {
    expectImportError(() => parseInspectLog(new Uint8Array(), 'e.json'), 'e.json', 'file', 'empty')
    expectImportError(() => parseInspectLog(strToU8('\n  \n'), 'e.json'), 'e.json', 'file', 'empty')
  })

  it('a JSON file that is not an Inspect log', () => {
    expectImportError(
      () => parseInspectLog(strToU8('{"results": {}}'), 'l.json'),
      'l.json',
      'eval',
      'Inspect log',
      'found nothing',
    )
  })
})

function indexOfName(bytes: Uint8Array, name: string): number {
  const needle = strToU8(name)
  outer: for (let i = 0; i < bytes.length - needle.length; i++) {
    for (let k = 0; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer
    return i
  }
  throw new Error(`${name} not found`)
}
