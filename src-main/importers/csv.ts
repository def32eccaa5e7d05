/**
 * CSV import: an RFC 4180 reader written for speed (a million rows is a normal
 * pipeline dump) and two documented layouts, told apart by their header.
 *
 * Reader: quoted fields with `""` escapes and line breaks inside, CRLF / LF / CR line
 * ends, a leading BOM, blank lines skipped. The delimiter is a comma, or `;` / tab when
 * the header line has no comma (spreadsheets in locales with decimal commas).
 * Speed: one pass over char codes, `slice` for unquoted fields, one reused field array,
 * numbers through `Number()` + a finiteness check, no per-row regular expression.
 */
import type { Direction } from '../../src-shared/domain/types'
import { knownDirection } from './metricDirections'
import { decodeUtf8, describeValue, importError, stripBom, type ParsedResult, type ParsedRun } from './types'

/** One row of the measurement layout: both runs of one benchmark and metric. */
export interface ParsedMeasurementRow {
  benchmark: string
  metric: string
  direction: Direction | null
  shots: number | null
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
}

export type CsvImport = { kind: 'measurements'; rows: ParsedMeasurementRow[] } | { kind: 'run'; run: ParsedRun }

export interface CsvColumn {
  name: string
  /** Which layout uses it: 'measurements' (baseline + aligned), 'run' (one value), or both. */
  layout: 'both' | 'measurements' | 'run'
  required: boolean
  meaning: string
}

/** The documented columns, for the README and the import dialog. Names are case-insensitive, in any order. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'benchmark', layout: 'both', required: true, meaning: 'Benchmark or task name, e.g. "mmlu" or "arc_challenge".' },
  { name: 'metric', layout: 'both', required: true, meaning: 'Metric name, e.g. "acc" or "exact_match".' },
  {
    name: 'baseline',
    layout: 'measurements',
    required: true,
    meaning: 'Score of the unaligned (pretrained) model. May be empty on a row when only the aligned score is known.',
  },
  {
    name: 'aligned',
    layout: 'measurements',
    required: true,
    meaning: 'Score of the aligned model. May be empty on a row when only the baseline score is known.',
  },
  { name: 'baseline_stderr', layout: 'measurements', required: false, meaning: 'Standard error of the baseline score (≥ 0).' },
  { name: 'aligned_stderr', layout: 'measurements', required: false, meaning: 'Standard error of the aligned score (≥ 0).' },
  { name: 'value', layout: 'run', required: true, meaning: 'Score of the one run this file holds (baseline or aligned, chosen at import).' },
  { name: 'stderr', layout: 'run', required: false, meaning: 'Standard error of the value (≥ 0).' },
  {
    name: 'direction',
    layout: 'both',
    required: false,
    meaning: '"higher" or "lower": which way the metric improves. Empty: known metrics are recognised, others are asked at import.',
  },
  { name: 'shots', layout: 'both', required: false, meaning: 'Number of few-shot examples, an integer ≥ 0. Empty = unknown.' },
]

const MEASUREMENT_COLUMNS = CSV_COLUMNS.filter((c) => c.layout !== 'run').map((c) => c.name)
const RUN_COLUMNS = CSV_COLUMNS.filter((c) => c.layout !== 'measurements').map((c) => c.name)
const ALL_COLUMNS = CSV_COLUMNS.map((c) => c.name)

const QUOTE = 34
const LF = 10
const CR = 13
const PROGRESS_EVERY = 16_384 // records

/**
 * Parses a CSV file in either layout. `onProgress` receives a fraction in [0, 1]
 * every few thousand rows and 1 at the end.
 */
export function parseCsv(
  input: string | Uint8Array,
  fileName: string,
  onProgress?: (fraction: number) => void,
): CsvImport {
  const text = typeof input === 'string' ? stripBom(input) : stripBom(decodeUtf8(input, fileName))
  const delimiter = chooseDelimiter(text)

  let columns: Columns | null = null
  let sink: RowSink | null = null
  let records = 0
  readRecords(text, fileName, delimiter, (fields, count, line, start, end) => {
    if (count === 1 && fields[0] === '') return // blank line
    if (columns === null) {
      columns = readHeader(fields, count, fileName, line)
      sink = columns.layout === 'measurements' ? measurementSink(columns, fileName) : runSink(columns, fileName)
      return
    }
    if (count !== columns.count) {
      throw importError(
        fileName,
        `line ${line}`,
        `has ${count} field${count === 1 ? '' : 's'} but the header has ${columns.count}: ${describeValue(text.slice(start, end))}`,
        text.slice(start, end),
      )
    }
    sink!.add(fields, line)
    if (onProgress && ++records % PROGRESS_EVERY === 0) onProgress(end / text.length)
  })

  if (columns === null || sink === null) throw importError(fileName, 'file', 'is empty: no header row, no data', '')
  const result = (sink as RowSink).finish()
  if (result.kind === 'measurements' ? result.rows.length === 0 : result.run.results.length === 0) {
    throw importError(fileName, 'line 2', 'there are no data rows under the header', '')
  }
  onProgress?.(1)
  return result
}

// ---------------------------------------------------------------------------------------
// The reader.

function chooseDelimiter(text: string): number {
  let end = text.indexOf('\n')
  if (end === -1) end = text.length
  const header = text.slice(0, end)
  if (header.includes(',')) return 44
  if (header.includes(';')) return 59
  if (header.includes('\t')) return 9
  return 44
}

/**
 * Calls `onRecord` for every record with a reused field array (valid only during the
 * call), its field count, the line it starts on, and its start/end offsets in `text`.
 */
export function readRecords(
  text: string,
  fileName: string,
  delimiter: number,
  onRecord: (fields: string[], count: number, line: number, start: number, end: number) => void,
): void {
  const n = text.length
  const fields: string[] = []
  let count = 0
  let i = 0
  let line = 1
  let recordLine = 1
  let recordStart = 0

  for (;;) {
    // At the start of a field.
    if (i >= n) {
      if (count > 0) {
        fields[count++] = '' // the file ends right after a delimiter
        onRecord(fields, count, recordLine, recordStart, n)
      }
      return
    }
    let c = text.charCodeAt(i)
    if (c === QUOTE) {
      let value = ''
      let from = i + 1
      let j = from
      for (;;) {
        const q = text.indexOf('"', j)
        if (q === -1) {
          throw importError(
            fileName,
            `line ${recordLine}, field ${count + 1}`,
            `a quoted field is never closed: ${describeValue(text.slice(i, i + 40))}`,
            text.slice(i, i + 40),
          )
        }
        for (let k = text.indexOf('\n', j); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1)
          j = from = q + 2
          continue
        }
        value += text.slice(from, q)
        i = q + 1
        break
      }
      fields[count++] = value
      c = i < n ? text.charCodeAt(i) : -1
      if (c !== delimiter && c !== LF && c !== CR && c !== -1) {
        throw importError(
          fileName,
          `line ${line}, field ${count}`,
          `text after a closing quote: ${describeValue(text.slice(i - 1, i + 20))}`,
          text.slice(i - 1, i + 20),
        )
      }
    } else {
      let j = i
      for (; j < n; j++) {
        c = text.charCodeAt(j)
        if (c === delimiter || c === LF || c === CR) break
        if (c === QUOTE) {
          throw importError(
            fileName,
            `line ${line}, field ${count + 1}`,
            `a quote inside an unquoted field (quote the whole field and double the quote): ${describeValue(text.slice(i, j + 10))}`,
            text.slice(i, j + 10),
          )
        }
      }
      fields[count++] = text.slice(i, j)
      i = j
      c = i < n ? c : -1
    }
    // After a field: a delimiter, a line end or the end of the text.
    if (c === delimiter) {
      i++
      continue
    }
    const end = i
    if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1
    else if (c === LF) i++
    onRecord(fields, count, recordLine, recordStart, end)
    count = 0
    line++
    recordLine = line
    recordStart = i
    if (i >= n) return
  }
}

// ---------------------------------------------------------------------------------------
// Header and rows.

interface Columns {
  layout: 'measurements' | 'run'
  count: number
  /** Field index of each known column, -1 when absent. */
  at: Record<string, number>
}

function readHeader(fields: string[], count: number, fileName: string, line: number): Columns {
  const at: Record<string, number> = Object.fromEntries(ALL_COLUMNS.map((name) => [name, -1]))
  for (let f = 0; f < count; f++) {
    const name = fields[f].trim().toLowerCase()
    const location = `line ${line}, column ${f + 1}`
    if (!(name in at)) {
      throw importError(
        fileName,
        location,
        `${describeValue(fields[f])} is not a known column (known: ${ALL_COLUMNS.join(', ')}; is the header row missing?)`,
        fields[f],
      )
    }
    if (at[name] !== -1) throw importError(fileName, location, `the column ${describeValue(name)} appears twice`, name)
    at[name] = f
  }
  const has = (name: string) => at[name] !== -1
  const measurement = has('baseline') || has('aligned') || has('baseline_stderr') || has('aligned_stderr')
  const run = has('value') || has('stderr')
  if (measurement && run) {
    const mixed = [...(has('value') ? ['value'] : []), ...(has('stderr') ? ['stderr'] : [])]
    throw importError(
      fileName,
      `line ${line}`,
      `mixes the two layouts: ${mixed.map((m) => `"${m}"`).join(', ')} belong to the one-run layout, "baseline"/"aligned" to the measurement layout`,
      mixed,
    )
  }
  const layout = run ? 'run' : 'measurements'
  const wanted = layout === 'run' ? RUN_COLUMNS : MEASUREMENT_COLUMNS
  for (const column of CSV_COLUMNS) {
    if (column.required && wanted.includes(column.name) && !has(column.name)) {
      throw importError(
        fileName,
        `line ${line}`,
        `the header lacks the required column "${column.name}" (found: ${fields.slice(0, count).join(', ')})`,
        fields.slice(0, count),
      )
    }
  }
  return { layout, count, at }
}

interface RowSink {
  add(fields: string[], line: number): void
  finish(): CsvImport
}

/** Shared cell readers; each throws an ImportError naming line, column and value. */
function cellReaders(fileName: string) {
  const fail = (line: number, column: string, problem: string, value: string): never => {
    throw importError(fileName, `line ${line}, column "${column}"`, `${describeValue(value)} ${problem}`, value)
  }
  /** A finite number, or null when the cell is empty. */
  const number = (s: string, line: number, column: string): number | null => {
    if (s.length === 0) return null
    const v = Number(s)
    if (v - v !== 0) {
      // NaN or ±Infinity
      const lower = s.trim().toLowerCase()
      return fail(line, column, lower === 'nan' ? 'is NaN, not a number' : v === v ? 'is not a finite number' : 'is not a number', s)
    }
    if (v === 0 && s.trim() === '') return null // whitespace only
    // Number() also reads 0x10, 0b1 and 0o7; nobody means those in a score file.
    if (s.length > 2 && s.charCodeAt(0) === 48) {
      const c = s.charCodeAt(1) | 0x20
      if (c === 120 || c === 98 || c === 111) return fail(line, column, 'is not a decimal number', s)
    }
    return v
  }
  const stderr = (s: string, line: number, column: string): number | null => {
    const v = number(s, line, column)
    if (v !== null && v < 0) fail(line, column, 'is negative: a standard error cannot be', s)
    return v
  }
  const shots = (s: string, line: number): number | null => {
    const v = number(s, line, 'shots')
    if (v !== null && !(Number.isInteger(v) && v >= 0)) fail(line, 'shots', 'is not a number of shots (an integer ≥ 0)', s)
    return v
  }
  const name = (s: string, line: number, column: string): string => {
    const trimmed = s.trim()
    if (trimmed === '') fail(line, column, 'is empty: every row needs one', s)
    return trimmed
  }
  const knownByMetric = new Map<string, Direction | null>()
  const direction = (s: string, line: number, metric: string): Direction | null => {
    if (s === 'higher' || s === 'lower') return s
    const lower = s.trim().toLowerCase()
    if (lower === 'higher' || lower === 'lower') return lower
    if (lower !== '') fail(line, 'direction', 'is neither "higher" nor "lower"', s)
    let known = knownByMetric.get(metric)
    if (known === undefined) {
      known = knownDirection(metric)
      knownByMetric.set(metric, known)
    }
    return known
  }
  /** (benchmark, metric) pairs are unique, as in the database; remembers the first line. */
  const firstLine = new Map<string, number>()
  const unique = (benchmark: string, metric: string, line: number) => {
    const key = `${benchmark}\u0000${metric}`
    const first = firstLine.get(key)
    if (first !== undefined) {
      throw importError(
        fileName,
        `line ${line}`,
        `benchmark ${describeValue(benchmark)}, metric ${describeValue(metric)} repeats line ${first}`,
        [benchmark, metric],
      )
    }
    firstLine.set(key, line)
  }
  return { number, stderr, shots, name, direction, unique, fail }
}

function measurementSink(columns: Columns, fileName: string): RowSink {
  const read = cellReaders(fileName)
  const { at } = columns
  const iBenchmark = at.benchmark
  const iMetric = at.metric
  const iBaseline = at.baseline
  const iAligned = at.aligned
  const iBaselineStderr = at.baseline_stderr
  const iAlignedStderr = at.aligned_stderr
  const iDirection = at.direction
  const iShots = at.shots
  const rows: ParsedMeasurementRow[] = []
  return {
    add(fields, line) {
      const benchmark = read.name(fields[iBenchmark], line, 'benchmark')
      const metric = read.name(fields[iMetric], line, 'metric')
      const baseline = read.number(fields[iBaseline], line, 'baseline')
      const aligned = read.number(fields[iAligned], line, 'aligned')
      if (baseline === null && aligned === null) {
        read.fail(line, 'baseline', 'is empty and so is "aligned": a row needs at least one score', fields[iBaseline])
      }
      read.unique(benchmark, metric, line)
      rows.push({
        benchmark,
        metric,
        direction: read.direction(iDirection === -1 ? '' : fields[iDirection], line, metric),
        shots: iShots === -1 ? null : read.shots(fields[iShots], line),
        baseline,
        aligned,
        baselineStderr: iBaselineStderr === -1 ? null : read.stderr(fields[iBaselineStderr], line, 'baseline_stderr'),
        alignedStderr: iAlignedStderr === -1 ? null : read.stderr(fields[iAlignedStderr], line, 'aligned_stderr'),
      })
    },
    finish: () => ({ kind: 'measurements', rows }),
  }
}

function runSink(columns: Columns, fileName: string): RowSink {
  const read = cellReaders(fileName)
  const { at } = columns
  const iBenchmark = at.benchmark
  const iMetric = at.metric
  const iValue = at.value
  const iStderr = at.stderr
  const iDirection = at.direction
  const iShots = at.shots
  const results: ParsedResult[] = []
  return {
    add(fields, line) {
      const benchmark = read.name(fields[iBenchmark], line, 'benchmark')
      const metric = read.name(fields[iMetric], line, 'metric')
      const value = read.number(fields[iValue], line, 'value')
      if (value === null) read.fail(line, 'value', 'is empty: every row needs a value', fields[iValue])
      read.unique(benchmark, metric, line)
      results.push({
        benchmark,
        metric,
        value: value as number,
        stderr: iStderr === -1 ? null : read.stderr(fields[iStderr], line, 'stderr'),
        direction: read.direction(iDirection === -1 ? '' : fields[iDirection], line, metric),
        shots: iShots === -1 ? null : read.shots(fields[iShots], line),
      })
    },
    finish: () => ({ kind: 'run', run: { format: 'csv', model: null, date: null, results, warnings: [] } }),
  }
}
