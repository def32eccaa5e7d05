import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CSV_COLUMNS, parseCsv, scanCsv, type ParsedMeasurementRow } from '../../../../src-main/importers'
import { pairHash } from '../../../../src-main/importers/csv'
import { NOT_A_NUMBER, readNumber, readRecords } from '../../../../src-main/importers/csvReader'
import { expectImportError, own, ownText } from './helpers'

const HEADER = 'benchmark,metric,baseline,aligned'

const measurements = (text: string, file = 'm.csv'): ParsedMeasurementRow[] => {
  const parsed = parseCsv(text, file)
  if (parsed.kind !== 'measurements') throw new Error(`expected measurements, got ${parsed.kind}`)
  return parsed.rows
}

describe('parseCsv: the measurement layout', () => {
  it('reads every row of a documented file, quoting and all', () => {
    const rows = measurements(ownText('measurements.csv'), 'measurements.csv')
    expect(rows).toEqual([
      {
        benchmark: 'mmlu',
        metric: 'acc',
        direction: 'higher',
        shots: 5,
        baseline: 0.652,
        aligned: 0.641,
        baselineStderr: 0.0038,
        alignedStderr: 0.0039,
      },
      {
        benchmark: 'gsm8k',
        metric: 'exact_match (flexible-extract)',
        direction: 'higher',
        shots: 5,
        baseline: 0.412,
        aligned: 0.455,
        baselineStderr: 0.0136,
        alignedStderr: 0.0137,
      },
      {
        benchmark: 'wikitext',
        metric: 'word_perplexity',
        direction: 'lower',
        shots: 0,
        baseline: 16.17,
        aligned: 17.02,
        baselineStderr: null,
        alignedStderr: null,
      },
      {
        benchmark: 'truthfulqa "mc2"',
        metric: 'acc',
        direction: 'higher',
        shots: 0,
        baseline: 0.387,
        aligned: 0.451,
        baselineStderr: 0.014,
        alignedStderr: 0.0141,
      },
      // Unknown metric, no direction given: null, the caller asks.
      {
        benchmark: 'custom eval, with comma',
        metric: 'helpfulness_rating',
        direction: null,
        shots: null,
        baseline: 6.1,
        aligned: 7.4,
        baselineStderr: null,
        alignedStderr: null,
      },
      // Only the baseline is known yet.
      {
        benchmark: 'hellaswag',
        metric: 'acc_norm',
        direction: 'higher',
        shots: 10,
        baseline: 0.703,
        aligned: null,
        baselineStderr: 0.0045,
        alignedStderr: null,
      },
    ])
  })

  it('accepts bytes, a BOM, CRLF, LF and CR line ends, blank lines and no final newline', () => {
    const expected = measurements(`${HEADER}\nmmlu,acc,0.5,0.4\narc,acc,0.3,0.35`)
    for (const text of [
      `\uFEFF${HEADER}\r\nmmlu,acc,0.5,0.4\r\narc,acc,0.3,0.35\r\n`,
      `${HEADER}\rmmlu,acc,0.5,0.4\rarc,acc,0.3,0.35\r`,
      `${HEADER}\n\nmmlu,acc,0.5,0.4\n\n\narc,acc,0.3,0.35\n\n`,
    ]) {
      expect(measurements(text)).toEqual(expected)
      expect(parseCsv(new TextEncoder().encode(text), 'm.csv')).toEqual({ kind: 'measurements', rows: expected })
    }
  })

  it('takes columns in any order and case, with optional columns absent', () => {
    const rows = measurements('Aligned,BENCHMARK,Baseline,Metric\n0.4,mmlu,0.5,acc\n')
    expect(rows).toEqual([
      {
        benchmark: 'mmlu',
        metric: 'acc',
        direction: 'higher',
        shots: null,
        baseline: 0.5,
        aligned: 0.4,
        baselineStderr: null,
        alignedStderr: null,
      },
    ])
  })

  it('reads numbers exactly as Number() does, exponents and 17-digit values included', () => {
    const rows = measurements(`${HEADER}\na,acc,0.26621160409556316,1e-3\nb,acc,-0,+12.50\nc,acc,.5,5.\n`)
    expect(rows.map((r) => [r.baseline, r.aligned])).toEqual([
      [0.26621160409556316, 0.001],
      [-0, 12.5],
      [0.5, 5],
    ])
  })

  it('reports progress, ending at 1', () => {
    const lines = [HEADER]
    for (let i = 0; i < 40_000; i++) lines.push(`task${i},acc,0.5,0.4`)
    const fractions: number[] = []
    parseCsv(lines.join('\n'), 'p.csv', (f) => fractions.push(f))
    expect(fractions.length).toBeGreaterThan(1)
    expect(fractions.at(-1)).toBe(1)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
    expect(fractions.every((f) => f > 0 && f <= 1)).toBe(true)
  })
})

describe('parseCsv: the one-run layout', () => {
  it('reads a run with a BOM, CRLF and mixed-case header', () => {
    const parsed = parseCsv(own('run-bom-crlf.csv'), 'run-bom-crlf.csv')
    expect(parsed).toEqual({
      kind: 'run',
      run: {
        format: 'csv',
        model: null,
        date: null,
        warnings: [],
        results: [
          { benchmark: 'arc_challenge', metric: 'acc', value: 0.3993, stderr: 0.0143, direction: 'higher', shots: 25 },
          {
            benchmark: 'arc_challenge',
            metric: 'acc_norm',
            value: 0.4326,
            stderr: 0.0145,
            direction: 'higher',
            shots: 25,
          },
          { benchmark: 'wikitext', metric: 'bits_per_byte', value: 0.7509, stderr: null, direction: 'lower', shots: 0 },
          {
            benchmark: 'refusal_probe',
            metric: 'refusal_rate',
            value: 0.124,
            stderr: 0.0208,
            direction: 'lower',
            shots: null,
          },
        ],
      },
    })
  })

  it('reads a semicolon-separated file with decimal commas', () => {
    const parsed = parseCsv(own('run-semicolon-decimal-comma.csv'), 'eu.csv')
    expect(parsed.kind === 'run' && parsed.run.results).toEqual([
      { benchmark: 'arc_challenge', metric: 'acc', value: 0.41, stderr: 0.014, direction: 'higher', shots: null },
    ])
  })
})

describe('parseCsv: malformed files are refused with file, line, column and value', () => {
  it('a value that is not a number', () => {
    expectImportError(
      () => parseCsv(own('measurements-bad-number.csv'), 'measurements-bad-number.csv'),
      'measurements-bad-number.csv',
      'line 3, column "aligned"',
      '"abc" is not a number',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,0x10,1`, 'h.csv'),
      'h.csv',
      'line 2, column "baseline"',
      '"0x10"',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,1.2.3,1`, 'h.csv'),
      'h.csv',
      'line 2, column "baseline"',
      '"1.2.3"',
    )
  })

  it('NaN and infinities', () => {
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,NaN,0.5`, 'n.csv'),
      'n.csv',
      'line 2, column "baseline"',
      '"NaN"',
      'NaN',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,0.5,-Infinity`, 'n.csv'),
      'n.csv',
      'line 2, column "aligned"',
      '"-Infinity"',
      'finite',
    )
    expectImportError(
      () => parseCsv('benchmark,metric,value,stderr\na,acc,0.5,nan', 'n.csv'),
      'n.csv',
      'line 2, column "stderr"',
      '"nan"',
    )
  })

  it('a negative stderr', () => {
    expectImportError(
      () => parseCsv(`${HEADER},baseline_stderr\na,acc,0.5,0.4,-0.01`, 's.csv'),
      's.csv',
      'line 2, column "baseline_stderr"',
      '"-0.01"',
      'negative',
    )
  })

  it('shots that are not a non-negative integer', () => {
    for (const bad of ['1.5', '-1', 'five']) {
      expectImportError(
        () => parseCsv(`${HEADER},shots\na,acc,0.5,0.4,${bad}`, 'k.csv'),
        'k.csv',
        'line 2, column "shots"',
        `"${bad}"`,
      )
    }
  })

  it('a bad direction', () => {
    expectImportError(
      () => parseCsv(`${HEADER},direction\na,acc,0.5,0.4,up`, 'd.csv'),
      'd.csv',
      'line 2, column "direction"',
      '"up"',
      '"higher" nor "lower"',
    )
  })

  it('a row with neither score, an empty name, a run row without value', () => {
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,,`, 'e.csv'),
      'e.csv',
      'line 2, column "baseline"',
      'at least one score',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\n  ,acc,1,2`, 'e.csv'),
      'e.csv',
      'line 2, column "benchmark"',
      '"  "',
      'empty',
    )
    expectImportError(
      () => parseCsv('benchmark,metric,value\na,acc,', 'e.csv'),
      'e.csv',
      'line 2, column "value"',
      'empty',
    )
  })

  it('the wrong number of fields', () => {
    expectImportError(
      () => parseCsv(`${HEADER}\na,acc,0.5`, 'f.csv'),
      'f.csv',
      'line 2',
      'has 3 fields',
      'header has 4',
      '"a,acc,0.5"',
    )
    expectImportError(() => parseCsv(`${HEADER}\na,acc,0.5,0.4,x`, 'f.csv'), 'f.csv', 'line 2', 'has 5 fields')
  })

  it('unknown, missing, repeated and mixed columns', () => {
    expectImportError(
      () => parseCsv('benchmark,metric,baseline,aligned,notes\n', 'c.csv'),
      'c.csv',
      'line 1, column 5',
      '"notes"',
      'not a known column',
    )
    expectImportError(
      () => parseCsv('benchmark,baseline,aligned\n', 'c.csv'),
      'c.csv',
      'line 1',
      'required column "metric"',
    )
    expectImportError(
      () => parseCsv('benchmark,metric,aligned\n', 'c.csv'),
      'c.csv',
      'line 1',
      'required column "baseline"',
    )
    expectImportError(
      () => parseCsv('benchmark,metric,baseline,aligned,Baseline\n', 'c.csv'),
      'c.csv',
      'line 1, column 5',
      '"baseline"',
      'twice',
    )
    expectImportError(
      () => parseCsv('benchmark,metric,baseline,aligned,value\n', 'c.csv'),
      'c.csv',
      'line 1',
      '"value"',
      'mixes',
    )
    // Data where the header should be.
    expectImportError(
      () => parseCsv('mmlu,acc,0.5,0.4\n', 'c.csv'),
      'c.csv',
      'line 1, column 1',
      '"mmlu"',
      'header row missing',
    )
  })

  it('an empty file, and a header without rows', () => {
    expectImportError(() => parseCsv('', 'e.csv'), 'e.csv', 'file', 'empty')
    expectImportError(() => parseCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, 0x0a]), 'e.csv'), 'e.csv', 'file', 'empty')
    expectImportError(() => parseCsv(`${HEADER}\r\n`, 'h.csv'), 'h.csv', 'line 2', 'no data rows')
  })

  it('bad quoting, with the physical line after multi-line fields', () => {
    expectImportError(
      () => parseCsv(`${HEADER}\na,"acc,0.5,0.4\n`, 'q.csv'),
      'q.csv',
      'line 2, field 2',
      'never closed',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\na,ac"c,0.5,0.4\n`, 'q.csv'),
      'q.csv',
      'line 2, field 2',
      'quote inside an unquoted field',
      'ac\\"c',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\n"a\nb\nc",acc,0.5,0.4\nd,"acc"x,1,2\n`, 'q.csv'),
      'q.csv',
      'line 5, field 2',
      'after a closing quote',
    )
    expectImportError(
      () => parseCsv(`${HEADER}\n"a\nb",acc,0.5,0.4\nd,acc,1,zz\n`, 'q.csv'),
      'q.csv',
      'line 4, column "aligned"',
      '"zz"',
    )
  })

  it('tells a hash collision from a repeated pair', () => {
    // Two names whose (benchmark, metric) hashes collide, found by brute force.
    expect(pairHash('task_332789', 'acc')).toBe(pairHash('task_529192', 'acc'))
    const text = `${HEADER}\ntask_332789,acc,0.5,0.4\n"task_529192",acc,0.3,0.3\n`
    expect(measurements(text).map((r) => r.benchmark)).toEqual(['task_332789', 'task_529192'])
    expectImportError(
      () => parseCsv(`${text}task_529192,acc,0.1,0.1\n`, 'c.csv'),
      'c.csv',
      'line 4',
      'benchmark "task_529192", metric "acc" repeats line 3',
    )
  })

  it('the same benchmark and metric twice (the database allows one)', () => {
    expectImportError(
      () => parseCsv(`${HEADER}\nmmlu,acc,0.5,0.4\narc,acc,0.3,0.3\nmmlu,acc,0.6,0.5\n`, 'u.csv'),
      'u.csv',
      'line 4',
      'benchmark "mmlu", metric "acc" repeats line 2',
    )
  })
})

describe('scanCsv: the streaming form', () => {
  it('visits the same rows parseCsv returns, with their lines', () => {
    const text = ownText('measurements.csv')
    const seen: Array<[ParsedMeasurementRow, number]> = []
    const summary = scanCsv(text, 'measurements.csv', { measurement: (row, line) => seen.push([{ ...row }, line]) })
    expect(summary).toEqual({ layout: 'measurements', rowCount: 6 })
    expect(seen.map(([row]) => row)).toEqual(measurements(text))
    expect(seen.map(([, line]) => line)).toEqual([2, 3, 4, 5, 6, 7])
  })

  it('refuses a layout the caller has no use for', () => {
    expectImportError(
      () => scanCsv(own('run-bom-crlf.csv'), 'run.csv', { measurement: () => {} }),
      'run.csv',
      'line 1',
      'one-run layout (value)',
      '"Benchmark,Metric,Value,StdErr,Direction,Shots"',
    )
  })

  it('stops at the first bad row, after visiting the good ones', () => {
    const seen: string[] = []
    expect(() =>
      scanCsv(`${HEADER}\na,acc,1,2\nb,acc,x,2\nc,acc,1,2`, 'b.csv', { measurement: (r) => seen.push(r.benchmark) }),
    ).toThrow('line 3, column "baseline"')
    expect(seen).toEqual(['a'])
  })
})

describe('the group column', () => {
  it('gives each row its parent group, empty for a top-level benchmark (as the CSV export writes it)', () => {
    const csv =
      'benchmark,metric,group,baseline,aligned\nmmlu,acc,,0.6,0.5\nmmlu_stem,acc,mmlu,0.5,0.4\nmmlu_anatomy,acc, mmlu_stem ,0.4,0.3\n'
    const parsed = parseCsv(new TextEncoder().encode(csv), 'g.csv')
    if (parsed.kind !== 'measurements') throw new Error('expected the measurements layout')
    expect(parsed.rows.map((r) => [r.benchmark, r.groupPath])).toEqual([
      ['mmlu', undefined],
      ['mmlu_stem', ['mmlu']],
      ['mmlu_anatomy', ['mmlu_stem']],
    ])
  })
})

describe('CSV_COLUMNS', () => {
  it('documents every column once, each with a meaning', () => {
    const names = CSV_COLUMNS.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual(
      expect.arrayContaining([
        'benchmark',
        'metric',
        'baseline',
        'aligned',
        'baseline_stderr',
        'aligned_stderr',
        'value',
        'stderr',
        'direction',
        'shots',
      ]),
    )
    for (const column of CSV_COLUMNS) expect(column.meaning.length).toBeGreaterThan(10)
  })
})

// ---------------------------------------------------------------------------------------
// Properties.

/** Writes one field as a careful CSV writer would: quoted when it must be, or when asked. */
const writeField = (value: string, quote: boolean) =>
  quote || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value

const fieldChars = fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', ';', '0', '.', 'é', '中', '😀')
const fieldText = fc.string({ unit: fieldChars, maxLength: 12 })

describe('CSV reader properties', () => {
  it('reads back any records written with RFC 4180 quoting', () => {
    const records = fc.array(
      fc.array(fc.record({ text: fieldText, quote: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      { minLength: 1, maxLength: 20 },
    )
    fc.assert(
      fc.property(records, fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (rows, eol, finalEol) => {
        const text =
          rows
            // A lone empty unquoted field would be a blank line: write it quoted.
            .map((fields) => fields.map((f) => writeField(f.text, f.quote || fields.length === 1)).join(','))
            .join(eol) + (finalEol ? eol : '')
        const read: string[][] = []
        readRecords(text, 'p.csv', 44, (record) => {
          read.push(Array.from({ length: record.count }, (_, f) => record.field(f)))
        })
        expect(read).toEqual(rows.map((fields) => fields.map((f) => f.text)))
      }),
      { numRuns: 500 },
    )
  })

  it('reads numbers bit-identically to Number()', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 0, maxLength: 18 }),
        fc.option(fc.string({ unit: fc.constantFrom('0', '3', '7', '9'), maxLength: 24 })),
        fc.option(fc.integer({ min: -30, max: 30 })),
      )
      .map(
        ([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`,
      )
    const printed = fc.double({ noNaN: true }).map((d) => String(d))
    const fixed = fc
      .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 }))
      .map(([d, k]) => d.toFixed(k))
    fc.assert(
      fc.property(fc.oneof(decimal, printed, fixed), (s) => {
        const expected = Number(s)
        const got = readNumber(s, 0, s.length)
        if (s === '') expect(got).toBeNull()
        else if (Number.isFinite(expected)) expect(Object.is(got, expected), `${s} → ${String(got)}`).toBe(true)
        else expect(got).toBe(NOT_A_NUMBER)
      }),
      { numRuns: 5000 },
    )
  })

  it('round-trips measurement rows through a written CSV', () => {
    const name = fc.string({ unit: fieldChars, minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '')
    const score = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null })
    const stderr = fc.option(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), { nil: null })
    const row = fc
      .record({
        benchmark: name,
        metric: name,
        direction: fc.constantFrom('higher' as const, 'lower' as const),
        shots: fc.option(fc.nat({ max: 64 }), { nil: null }),
        baseline: score,
        aligned: score,
        baselineStderr: stderr,
        alignedStderr: stderr,
      })
      .filter((r) => r.baseline !== null || r.aligned !== null)
    const rowsArb = fc.uniqueArray(row, {
      selector: (r) => `${r.benchmark.trim()}\u0000${r.metric.trim()}`,
      minLength: 1,
      maxLength: 15,
    })
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cell = (v: number | null) => (v === null ? '' : String(v))
        const text = [
          'benchmark,metric,baseline,aligned,baseline_stderr,aligned_stderr,direction,shots',
          ...rows.map((r) =>
            [
              writeField(r.benchmark, false),
              writeField(r.metric, false),
              cell(r.baseline),
              cell(r.aligned),
              cell(r.baselineStderr),
              cell(r.alignedStderr),
              r.direction,
              cell(r.shots),
            ].join(','),
          ),
        ].join('\r\n')
        const expected = rows.map((r) => ({ ...r, benchmark: r.benchmark.trim(), metric: r.metric.trim() }))
        // Object.is semantics for -0: String(-0) is "0", so compare through it.
        const normalise = (list: ParsedMeasurementRow[]) => JSON.parse(JSON.stringify(list))
        expect(normalise(measurements(text))).toEqual(normalise(expected))
      }),
      { numRuns: 300 },
    )
  })
})
