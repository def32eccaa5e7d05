/**
 * CSV import: an RFC 4180 reader written for speed (a million rows is a normal
 * pipeline dump) and two documented layouts, told apart by their header.
 *
 * Reader (`csvReader.ts`): quoted fields with `""` escapes and line breaks inside,
 * CRLF / LF / CR line ends; here: a leading BOM is dropped, blank lines are skipped, and
 * the delimiter is a comma, or `;` / tab when the header line has no comma. A
 * `;`-separated file may write decimal commas ("0,41"), as spreadsheets do in locales
 * that use them. Names are trimmed; a value must be a finite decimal number (no NaN,
 * no hex), a stderr ≥ 0, shots an integer ≥ 0; (benchmark, metric) is unique per file.
 * Speed: fields are offsets into the text, numbers are read from char codes, the
 * (benchmark, metric) uniqueness check uses a typed-array hash table: per row, the only
 * allocations are the two name strings and the row object.
 */
import type { Direction } from '../../src-shared/domain/types'
import {
  type ByteSource,
  type CsvRecord,
  NOT_A_NUMBER,
  type OnRecord,
  readFieldNumber,
  readRecords,
  streamRecords,
} from './csvReader'
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
  /** Benchmark groups, outermost first (see ParsedResult.groupPath); absent = top-level. */
  groupPath?: string[]
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
  {
    name: 'benchmark',
    layout: 'both',
    required: true,
    meaning: 'Benchmark or task name, e.g. "mmlu" or "arc_challenge".',
  },
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
  {
    name: 'baseline_stderr',
    layout: 'measurements',
    required: false,
    meaning: 'Standard error of the baseline score (≥ 0).',
  },
  {
    name: 'aligned_stderr',
    layout: 'measurements',
    required: false,
    meaning: 'Standard error of the aligned score (≥ 0).',
  },
  {
    name: 'value',
    layout: 'run',
    required: true,
    meaning: 'Score of the one run this file holds (baseline or aligned, chosen at import).',
  },
  { name: 'stderr', layout: 'run', required: false, meaning: 'Standard error of the value (≥ 0).' },
  {
    name: 'direction',
    layout: 'both',
    required: false,
    meaning:
      '"higher" or "lower": which way the metric improves. Empty: known metrics are recognised, others are asked at import.',
  },
  {
    name: 'shots',
    layout: 'both',
    required: false,
    meaning: 'Number of few-shot examples, an integer ≥ 0. Empty = unknown.',
  },
  {
    name: 'group',
    layout: 'both',
    required: false,
    meaning:
      'The benchmark group this task belongs to, e.g. "mmlu_stem" for mmlu_anatomy; empty for a top-level benchmark. A group nests in another through its own row.',
  },
]

/** The group path of a row from its `group` cell: the parent only (its own row places the parent). */
function groupCell(record: CsvRecord, index: number): string[] | undefined {
  if (index === -1) return undefined
  const name = record.field(index).trim()
  return name === '' ? undefined : [name]
}

const MEASUREMENT_COLUMNS = CSV_COLUMNS.filter((c) => c.layout !== 'run').map((c) => c.name)
const RUN_COLUMNS = CSV_COLUMNS.filter((c) => c.layout !== 'measurements').map((c) => c.name)
const ALL_COLUMNS = CSV_COLUMNS.map((c) => c.name)

const PROGRESS_EVERY = 16_384 // records
const COMMA = 44
const SEMICOLON = 59
const TAB = 9

/**
 * Parses a CSV file in either layout (told apart by the header). `onProgress`
 * receives a fraction in [0, 1] every few thousand rows, and 1 at the end.
 */
export function parseCsv(
  input: string | Uint8Array,
  fileName: string,
  onProgress?: (fraction: number) => void,
): CsvImport {
  const rows: ParsedMeasurementRow[] = []
  const results: ParsedResult[] = []
  const { layout } = scanCsv(
    input,
    fileName,
    {
      measurement: (r) =>
        void rows.push({
          benchmark: r.benchmark,
          metric: r.metric,
          direction: r.direction,
          shots: r.shots,
          baseline: r.baseline,
          aligned: r.aligned,
          baselineStderr: r.baselineStderr,
          alignedStderr: r.alignedStderr,
          ...(r.groupPath ? { groupPath: r.groupPath } : {}),
        }),
      result: (r) =>
        void results.push({
          benchmark: r.benchmark,
          metric: r.metric,
          value: r.value,
          stderr: r.stderr,
          direction: r.direction,
          shots: r.shots,
          ...(r.groupPath ? { groupPath: r.groupPath } : {}),
        }),
    },
    onProgress,
  )
  return layout === 'measurements'
    ? { kind: 'measurements', rows }
    : { kind: 'run', run: { format: 'csv', model: null, date: null, results, warnings: [] } }
}

/**
 * Receives the rows of a CSV file as they are read. Each row object is reused for the
 * next row: copy what you keep (or insert it right away, e.g. into a prepared statement
 * inside a transaction that an ImportError rolls back).
 */
export interface CsvRowVisitor {
  /** Rows of the measurement layout; without it, a measurement file is refused. */
  measurement?: (row: Readonly<ParsedMeasurementRow>, line: number) => void
  /** Rows of the one-run layout; without it, a one-run file is refused. */
  result?: (row: Readonly<ParsedResult>, line: number) => void
}

/**
 * Reads and validates a CSV file row by row without keeping the rows: the streaming
 * form of `parseCsv` (same checks, same errors), for bulk imports. Returns the
 * layout and the number of data rows.
 *
 * From a `ByteSource` (a file) the text is decoded a chunk at a time and never held
 * whole, lines are limited to `MAX_CSV_LINE`, and a (benchmark, metric) pair repeated
 * in the file is left for the caller to refuse (the import's database index does):
 * remembering every pair of a file of any size would not fit in memory.
 */
export function scanCsv(
  input: string | Uint8Array | ByteSource,
  fileName: string,
  visitor: CsvRowVisitor,
  onProgress?: (fraction: number) => void,
): { layout: 'measurements' | 'run'; rowCount: number } {
  const streamed = typeof input !== 'string' && !(input instanceof Uint8Array)
  const text = streamed ? '' : typeof input === 'string' ? stripBom(input) : stripBom(decodeUtf8(input, fileName))
  let delimiter = streamed ? COMMA : chooseDelimiter(text)

  let columns: Columns | null = null
  let sink: Sink | null = null
  let rowCount = 0
  let headerLine = 1
  let fraction = (end: number) => end / text.length
  const onRecord: OnRecord = (record, line, start, end) => {
    if (record.count === 1 && record.isEmpty(0)) return // blank line
    if (sink === null) {
      columns = readHeader(record, fileName, line)
      headerLine = line
      const read = cellReaders(
        fileName,
        delimiter === SEMICOLON,
        streamed ? null : (offset) => namesAt(text, fileName, delimiter, columns!, offset),
      )
      if (columns.layout === 'measurements' && visitor.measurement) {
        sink = measurementSink(columns, read, visitor.measurement)
      } else if (columns.layout === 'run' && visitor.result) {
        sink = runSink(columns, read, visitor.result)
      } else {
        const names = { measurements: 'measurement layout (baseline, aligned)', run: 'one-run layout (value)' }
        const header = record.text.slice(start, end)
        throw importError(
          fileName,
          `line ${line}`,
          `has the ${names[columns.layout]}, but the ${names[columns.layout === 'run' ? 'measurements' : 'run']} is expected here: ${describeValue(header)}`,
          header,
        )
      }
      return
    }
    if (record.count !== columns!.count) {
      const raw = record.text.slice(start, end)
      throw importError(
        fileName,
        `line ${line}`,
        `has ${record.count} field${record.count === 1 ? '' : 's'} but the header has ${columns!.count}: ${describeValue(raw)}`,
        raw,
      )
    }
    sink(record, line, start)
    rowCount++
    if (onProgress !== undefined && rowCount % PROGRESS_EVERY === 0) onProgress(fraction(end))
  }
  if (streamed) {
    const stream = streamRecords(input, fileName, (firstLine) => (delimiter = chooseDelimiter(firstLine)), onRecord)
    fraction = stream.fraction
    stream.run()
  } else readRecords(text, fileName, delimiter, onRecord)

  if (columns === null) throw importError(fileName, 'file', 'is empty: no header row, no data', '')
  if (rowCount === 0) {
    throw importError(fileName, `line ${headerLine + 1}`, 'there are no data rows under the header', '')
  }
  onProgress?.(1)
  return { layout: (columns as Columns).layout, rowCount }
}

function chooseDelimiter(text: string): number {
  let end = 0
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++
  const header = text.slice(0, end)
  if (header.includes(',')) return COMMA
  if (header.includes(';')) return SEMICOLON
  if (header.includes('\t')) return TAB
  return COMMA
}

// ---------------------------------------------------------------------------------------
// Header and rows.

interface Columns {
  layout: 'measurements' | 'run'
  count: number
  /** Field index of each known column, -1 when absent. */
  at: Record<string, number>
}

function readHeader(record: CsvRecord, fileName: string, line: number): Columns {
  const at: Record<string, number> = Object.fromEntries(ALL_COLUMNS.map((name) => [name, -1]))
  const found: string[] = []
  for (let f = 0; f < record.count; f++) {
    const raw = record.field(f)
    const name = raw.trim().toLowerCase()
    found.push(raw)
    const location = `line ${line}, column ${f + 1}`
    if (!(name in at)) {
      throw importError(
        fileName,
        location,
        `${describeValue(raw)} is not a known column (known: ${ALL_COLUMNS.join(', ')}; is the header row missing?)`,
        raw,
      )
    }
    if (at[name] !== -1) throw importError(fileName, location, `the column ${describeValue(name)} appears twice`, name)
    at[name] = f
  }
  const has = (name: string) => at[name] !== -1
  const measurement = has('baseline') || has('aligned') || has('baseline_stderr') || has('aligned_stderr')
  const run = has('value') || has('stderr')
  if (measurement && run) {
    const mixed = found.filter((name) => ['value', 'stderr'].includes(name.trim().toLowerCase()))
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
        `the header lacks the required column "${column.name}" (found: ${found.join(', ')})`,
        found,
      )
    }
  }
  return { layout, count: record.count, at }
}

type CellReaders = ReturnType<typeof cellReaders>

/**
 * Cell readers shared by both layouts; each throws an ImportError naming line, column
 * and value. `decimalComma`: numbers may be written "0,41" (`;`-separated files).
 */
function cellReaders(
  fileName: string,
  decimalComma: boolean,
  namesAt: ((offset: number) => [benchmark: string, metric: string]) | null,
) {
  const fail = (line: number, column: string, problem: string, value: string): never => {
    throw importError(fileName, `line ${line}, column "${column}"`, `${describeValue(value)} ${problem}`, value)
  }
  /** A finite number, or null when the cell is empty. */
  const number = (record: CsvRecord, f: number, line: number, column: string): number | null => {
    const v = readFieldNumber(record, f, decimalComma)
    if (v !== NOT_A_NUMBER) return v
    const raw = record.field(f)
    const lower = raw.trim().toLowerCase()
    const problem =
      lower === 'nan'
        ? 'is NaN, not a number'
        : lower.endsWith('infinity') || lower.endsWith('inf')
          ? 'is not a finite number'
          : 'is not a number'
    return fail(line, column, problem, raw)
  }
  const stderr = (record: CsvRecord, f: number, line: number, column: string): number | null => {
    const v = number(record, f, line, column)
    if (v !== null && v < 0) fail(line, column, 'is negative: a standard error cannot be', record.field(f))
    return v
  }
  const shots = (record: CsvRecord, f: number, line: number): number | null => {
    const v = number(record, f, line, 'shots')
    if (v !== null && !(Number.isInteger(v) && v >= 0)) {
      fail(line, 'shots', 'is not a number of shots (an integer ≥ 0)', record.field(f))
    }
    return v
  }
  const name = (record: CsvRecord, f: number, line: number, column: string): string => {
    const trimmed = record.field(f).trim()
    if (trimmed === '') fail(line, column, 'is empty: every row needs one', record.field(f))
    return trimmed
  }
  /** The metric: files repeat a handful of names over millions of rows, so a repeat of the last one is not read (allocated) again. */
  let lastMetric = ''
  const metricName = (record: CsvRecord, f: number, line: number): string =>
    lastMetric !== '' && record.equals(f, lastMetric) ? lastMetric : (lastMetric = name(record, f, line, 'metric'))
  const knownByMetric = new Map<string, Direction | null>()
  const direction = (record: CsvRecord, f: number, line: number, metric: string): Direction | null => {
    if (f !== -1 && !record.isEmpty(f)) {
      if (record.equals(f, 'higher')) return 'higher'
      if (record.equals(f, 'lower')) return 'lower'
      const lower = record.field(f).trim().toLowerCase()
      if (lower === 'higher' || lower === 'lower') return lower
      if (lower !== '') fail(line, 'direction', 'is neither "higher" nor "lower"', record.field(f))
    }
    let known = knownByMetric.get(metric)
    if (known === undefined) {
      known = knownDirection(metric)
      if (knownByMetric.size < 4096) knownByMetric.set(metric, known) // files hold few metric names
    }
    return known
  }
  /** (benchmark, metric) pairs are unique, as in the database. */
  const pairs = namesAt && new PairIndex(namesAt)
  const unique = (benchmark: string, metric: string, line: number, offset: number) => {
    if (pairs === null) return // streamed: the caller refuses repeats (see scanCsv)
    const earlier = pairs.add(benchmark, metric, line, offset)
    if (earlier !== -1) {
      throw importError(
        fileName,
        `line ${line}`,
        `benchmark ${describeValue(benchmark)}, metric ${describeValue(metric)} repeats line ${earlier}`,
        [benchmark, metric],
      )
    }
  }
  return { number, stderr, shots, name, metricName, direction, unique, fail }
}

function measurementSink(
  columns: Columns,
  read: CellReaders,
  emit: (row: ParsedMeasurementRow, line: number) => void,
): Sink {
  const { at } = columns
  const iBenchmark = at.benchmark
  const iMetric = at.metric
  const iBaseline = at.baseline
  const iAligned = at.aligned
  const iBaselineStderr = at.baseline_stderr
  const iAlignedStderr = at.aligned_stderr
  const iDirection = at.direction
  const iShots = at.shots
  const row: ParsedMeasurementRow = {
    benchmark: '',
    metric: '',
    direction: null,
    shots: null,
    baseline: null,
    aligned: null,
    baselineStderr: null,
    alignedStderr: null,
  }
  return (record, line, offset) => {
    const benchmark = read.name(record, iBenchmark, line, 'benchmark')
    const metric = read.metricName(record, iMetric, line)
    const baseline = read.number(record, iBaseline, line, 'baseline')
    const aligned = read.number(record, iAligned, line, 'aligned')
    if (baseline === null && aligned === null) {
      read.fail(
        line,
        'baseline',
        'is empty and so is "aligned": a row needs at least one score',
        record.field(iBaseline),
      )
    }
    row.benchmark = benchmark
    row.metric = metric
    row.baseline = baseline
    row.aligned = aligned
    row.direction = read.direction(record, iDirection, line, metric)
    row.shots = iShots === -1 ? null : read.shots(record, iShots, line)
    row.groupPath = groupCell(record, at.group)
    row.baselineStderr = iBaselineStderr === -1 ? null : read.stderr(record, iBaselineStderr, line, 'baseline_stderr')
    row.alignedStderr = iAlignedStderr === -1 ? null : read.stderr(record, iAlignedStderr, line, 'aligned_stderr')
    read.unique(benchmark, metric, line, offset)
    emit(row, line)
  }
}

function runSink(columns: Columns, read: CellReaders, emit: (row: ParsedResult, line: number) => void): Sink {
  const { at } = columns
  const iBenchmark = at.benchmark
  const iMetric = at.metric
  const iValue = at.value
  const iStderr = at.stderr
  const iDirection = at.direction
  const iShots = at.shots
  const row: ParsedResult = { benchmark: '', metric: '', value: 0, stderr: null, direction: null, shots: null }
  return (record, line, offset) => {
    const benchmark = read.name(record, iBenchmark, line, 'benchmark')
    const metric = read.metricName(record, iMetric, line)
    const value = read.number(record, iValue, line, 'value')
    if (value === null) read.fail(line, 'value', 'is empty: every row needs a value', record.field(iValue))
    row.benchmark = benchmark
    row.metric = metric
    row.value = value as number
    row.stderr = iStderr === -1 ? null : read.stderr(record, iStderr, line, 'stderr')
    row.direction = read.direction(record, iDirection, line, metric)
    row.shots = iShots === -1 ? null : read.shots(record, iShots, line)
    row.groupPath = groupCell(record, at.group)
    read.unique(benchmark, metric, line, offset)
    emit(row, line)
  }
}

type Sink = (record: CsvRecord, line: number, offset: number) => void

/** The trimmed benchmark and metric of the record that starts at `offset`. */
function namesAt(
  text: string,
  fileName: string,
  delimiter: number,
  columns: Columns,
  offset: number,
): [string, string] {
  let names: [string, string] = ['', '']
  readRecords(
    text,
    fileName,
    delimiter,
    (record) => {
      names = [record.field(columns.at.benchmark).trim(), record.field(columns.at.metric).trim()]
      return false
    },
    { from: offset },
  )
  return names
}

/**
 * Remembers (benchmark, metric) pairs without keeping their strings: an open-addressing
 * hash table over typed arrays holding each pair's hash, line and record offset. When
 * hashes match, the earlier record is read again from the text to compare the names.
 * A million rows thus cost no allocation here (a Map keyed by concatenated names was
 * the slowest part of a parse, mostly in garbage collection).
 */
class PairIndex {
  private table = new Int32Array(1024).fill(-1)
  private hashes: Int32Array = new Int32Array(512)
  private lines: Int32Array = new Int32Array(512)
  private offsets: Int32Array = new Int32Array(512)
  private size = 0

  constructor(private readonly namesAt: (offset: number) => [string, string]) {}

  /** Adds a pair and returns -1, or returns the line of the equal pair added before. */
  add(benchmark: string, metric: string, line: number, offset: number): number {
    const h = pairHash(benchmark, metric)
    const mask = this.table.length - 1
    let slot = h & mask
    for (let at = this.table[slot]; at !== -1; at = this.table[slot]) {
      if (this.hashes[at] === h) {
        const [b, m] = this.namesAt(this.offsets[at])
        if (b === benchmark && m === metric) return this.lines[at]
      }
      slot = (slot + 1) & mask
    }
    const index = this.size++
    if (index === this.hashes.length) {
      this.hashes = grown(this.hashes)
      this.lines = grown(this.lines)
      this.offsets = grown(this.offsets)
    }
    this.table[slot] = index
    this.hashes[index] = h
    this.lines[index] = line
    this.offsets[index] = offset
    if (this.size * 2 > this.table.length) this.rehash()
    return -1
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1)
    const mask = table.length - 1
    for (let index = 0; index < this.size; index++) {
      let slot = this.hashes[index] & mask
      while (table[slot] !== -1) slot = (slot + 1) & mask
      table[slot] = index
    }
    this.table = table
  }
}

function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2)
  bigger.set(array)
  return bigger
}

/** FNV-1a over both names, with a separator between them. Exported for tests. */
export function pairHash(a: string, b: string): number {
  let h = 0x811c9dc5
  for (let k = 0; k < a.length; k++) h = Math.imul(h ^ a.charCodeAt(k), 0x01000193)
  h = Math.imul(h ^ 0xffff, 0x01000193)
  for (let k = 0; k < b.length; k++) h = Math.imul(h ^ b.charCodeAt(k), 0x01000193)
  return h
}
