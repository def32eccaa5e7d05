/**
 * An RFC 4180 record reader built for a million rows: quoted fields with `""` escapes
 * and line breaks inside, CRLF / LF / CR line ends.
 *
 * Speed comes from not allocating: a record is a set of (start, end) offsets into the
 * text, reused from row to row; a field becomes a string only when asked (names), and
 * numbers are read straight from the char codes (`readNumber`). Only a quoted field
 * with doubled quotes is materialised as it is read.
 */
import { describeValue, importError } from './types'

const QUOTE = 34
const LF = 10
const CR = 13

/** The fields of the current record, valid only during the `onRecord` call. */
export class CsvRecord {
  count = 0
  starts = new Int32Array(16)
  ends = new Int32Array(16)
  /** Unescaped text of quoted fields holding `""`, by field index (else undefined). */
  escaped: Array<string | undefined> = []
  hasEscaped = false

  constructor(readonly text: string) {}

  /** The field's text. */
  field(f: number): string {
    if (this.hasEscaped) {
      const value = this.escaped[f]
      if (value !== undefined) return value
    }
    return this.text.slice(this.starts[f], this.ends[f])
  }

  isEmpty(f: number): boolean {
    return this.starts[f] === this.ends[f] && !(this.hasEscaped && this.escaped[f] !== undefined)
  }

  /** True when the field is exactly `word` (no allocation). */
  equals(f: number, word: string): boolean {
    if (this.hasEscaped && this.escaped[f] !== undefined) return this.escaped[f] === word
    const start = this.starts[f]
    if (this.ends[f] - start !== word.length) return false
    for (let k = 0; k < word.length; k++) if (this.text.charCodeAt(start + k) !== word.charCodeAt(k)) return false
    return true
  }

  push(start: number, end: number, escaped?: string): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2)
      const ends = new Int32Array(this.count * 2)
      starts.set(this.starts)
      ends.set(this.ends)
      this.starts = starts
      this.ends = ends
    }
    if (escaped !== undefined) {
      this.escaped[this.count] = escaped
      this.hasEscaped = true
    }
    this.starts[this.count] = start
    this.ends[this.count] = end
    this.count++
  }

  reset(): void {
    if (this.hasEscaped) {
      this.escaped.length = 0
      this.hasEscaped = false
    }
    this.count = 0
  }
}

export type OnRecord = (record: CsvRecord, line: number, start: number, end: number) => boolean | void

export interface ReadOptions {
  /** Start at this record boundary instead of 0. */
  from?: number
  /** The line number of the first record read. */
  line?: number
  /**
   * More text follows this window (a stream): a record the window ends inside is not
   * read but left for the next window, whose text starts at the returned `next`.
   */
  more?: boolean
}

/**
 * Calls `onRecord` for every record (blank lines included, as one empty field) with
 * the line it starts on and its start/end offsets in `text`; returning false stops.
 * Returns where reading stopped (the first unread record) and its line.
 */
export function readRecords(
  text: string,
  fileName: string,
  delimiter: number,
  onRecord: OnRecord,
  options: ReadOptions = {},
): { next: number; line: number; stopped: boolean } {
  const n = text.length
  const more = options.more === true
  const record = new CsvRecord(text)
  let i = options.from ?? 0
  let line = options.line ?? 1
  let recordLine = line
  let recordStart = i
  const unfinished = () => ({ next: recordStart, line: recordLine, stopped: false })

  for (;;) {
    // At the start of a field.
    if (i >= n) {
      if (record.count > 0) {
        if (more) return unfinished()
        record.push(n, n) // the file ends right after a delimiter
        if (onRecord(record, recordLine, recordStart, n) === false) return { next: n, line, stopped: true }
      }
      return { next: n, line, stopped: false }
    }
    let c = text.charCodeAt(i)
    if (c === QUOTE) {
      const open = i
      let escaped: string | undefined
      let from = i + 1
      let j = from
      for (;;) {
        const q = text.indexOf('"', j)
        // In a stream, an unclosed quote or one at the window's end (a `""`?) waits for more text.
        if (more && (q === -1 || q + 1 >= n)) return unfinished()
        if (q === -1) {
          throw importError(
            fileName,
            `line ${recordLine}, field ${record.count + 1}`,
            `a quoted field is never closed: ${describeValue(text.slice(open, open + 40))}`,
            text.slice(open, open + 40),
          )
        }
        for (let k = text.indexOf('\n', j); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++
        if (text.charCodeAt(q + 1) === QUOTE) {
          escaped = (escaped ?? '') + text.slice(from, q + 1)
          j = from = q + 2
          continue
        }
        if (escaped !== undefined) escaped += text.slice(from, q)
        record.push(open + 1, q, escaped)
        i = q + 1
        break
      }
      c = i < n ? text.charCodeAt(i) : -1
      if (c !== delimiter && c !== LF && c !== CR && c !== -1) {
        throw importError(
          fileName,
          `line ${line}, field ${record.count}`,
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
            `line ${line}, field ${record.count + 1}`,
            `a quote inside an unquoted field (quote the whole field and double the quote): ${describeValue(text.slice(i, j + 10))}`,
            text.slice(i, j + 10),
          )
        }
      }
      if (more && j >= n) return unfinished()
      record.push(i, j)
      i = j
      if (i >= n) c = -1
    }
    // After a field: a delimiter, a line end or the end of the text.
    if (c === delimiter) {
      i++
      continue
    }
    const end = i
    if (c === CR && more && i + 1 >= n) return unfinished() // a CR LF split between windows
    if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1
    else if (c === LF) i++
    if (onRecord(record, recordLine, recordStart, end) === false) return { next: i, line: line + 1, stopped: true }
    record.reset()
    line++
    recordLine = line
    recordStart = i
    if (i >= n) return { next: n, line, stopped: false }
  }
}

/** Something to read bytes from, a chunk at a time (a file descriptor, an array). */
export interface ByteSource {
  /** Total size in bytes (for progress). */
  readonly size: number
  /** Fills `into` from the start with the next bytes; returns how many (0 at the end). */
  read(into: Uint8Array): number
}

/** The longest CSV line (record) read, in characters: a longer one is refused as it streams in. */
export const MAX_CSV_LINE = 1024 * 1024

const CHUNK_BYTES = 1024 * 1024

/**
 * `readRecords` over a stream of bytes: decoded a chunk at a time (UTF-8, strictly),
 * so the file is never one string and memory stays flat whatever its size. A record
 * longer than `MAX_CSV_LINE` is refused, naming its line, once that many characters
 * of it have been read (not after reading all of it). `chooseDelimiter` sees the text
 * up to the end of the first line. `onRecord`'s offsets are into `record.text`, the
 * current window. `fraction()` tells how far the reading is, for progress.
 */
export function streamRecords(
  source: ByteSource,
  fileName: string,
  chooseDelimiter: (firstLine: string) => number,
  onRecord: OnRecord,
  maxLine = MAX_CSV_LINE,
): { fraction: () => number; run: () => void } {
  let consumed = 0
  const fraction = () => (source.size > 0 ? Math.min(1, consumed / source.size) : 1)
  const run = () => {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    const chunk = new Uint8Array(CHUNK_BYTES)
    let pending = ''
    let line = 1
    let delimiter = -1
    let first = true
    const tooLong = (at: number, text: string): never => {
      const hint = text.includes('"') ? ' (is a quote never closed?)' : ''
      throw importError(
        fileName,
        `line ${at}`,
        `is longer than ${maxLine.toLocaleString('en-US')} characters, the longest a CSV line may be${hint}`,
        text.slice(0, 40),
      )
    }
    const checked: OnRecord = (record, recordLine, start, end) => {
      if (end - start > maxLine) tooLong(recordLine, record.text.slice(start, start + 40))
      return onRecord(record, recordLine, start, end)
    }
    for (;;) {
      const got = source.read(chunk)
      consumed += got
      const done = got === 0
      let decoded: string
      try {
        decoded = done ? decoder.decode() : decoder.decode(chunk.subarray(0, got), { stream: true })
      } catch {
        throw importError(fileName, 'file', 'is not UTF-8 text (a binary file?)', '<binary>')
      }
      let text = pending.length ? pending + decoded : decoded
      if (first && text.length) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
        first = false
      }
      if (delimiter === -1) {
        const lineEnd = firstLineEnd(text)
        if (lineEnd === -1 && !done) {
          if (text.length > maxLine) tooLong(1, text)
          pending = text
          continue
        }
        delimiter = chooseDelimiter(text.slice(0, lineEnd === -1 ? text.length : lineEnd))
      }
      const at = readRecords(text, fileName, delimiter, checked, { line, more: !done })
      if (at.stopped || done) return
      pending = text.slice(at.next)
      line = at.line
      if (pending.length > maxLine) tooLong(line, pending)
    }
  }
  return { fraction, run }
}

function firstLineEnd(text: string): number {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k)
    if (c === LF || c === CR) return k
  }
  return -1
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let at = 0
  return {
    size: bytes.length,
    read(into) {
      const n = Math.min(into.length, bytes.length - at)
      into.set(bytes.subarray(at, at + n))
      at += n
      return n
    },
  }
}

/** Exact powers of ten: a double holds 10^0 … 10^22 exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k)

/** Marks a field that is not a finite number (the caller words the error). */
export const NOT_A_NUMBER = Symbol('not a number')

/**
 * The number in text[start, end), or null when empty/blank, or NOT_A_NUMBER.
 *
 * Fast path (Clinger): at most 15 significant digits and no exponent. The digits form
 * an integer m < 2^53 and the value is m / 10^k with k ≤ 22; both are exact doubles
 * and IEEE division rounds correctly, so the result is bit-identical to Number().
 * Anything else (exponents, 16+ digits, blanks, junk) goes through Number().
 */
export function readNumber(text: string, start: number, end: number): number | null | typeof NOT_A_NUMBER {
  if (start === end) return null
  let i = start
  let negative = false
  let c = text.charCodeAt(i)
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45
    i++
  }
  let mantissa = 0
  let digits = 0
  let fraction = -1 // digits after the point, -1 = no point yet
  let seen = false
  for (; i < end; i++) {
    c = text.charCodeAt(i)
    const d = c - 48
    if (d >= 0 && d <= 9) {
      seen = true
      if (mantissa !== 0 || d !== 0) digits++
      mantissa = mantissa * 10 + d
      if (fraction !== -1) fraction++
    } else if (c === 46 /* . */ && fraction === -1) fraction = 0
    else break
  }
  if (i === end && seen && digits <= 15 && fraction <= 22) {
    const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa
    return negative ? -value : value
  }
  return slowNumber(text.slice(start, end))
}

function slowNumber(s: string): number | null | typeof NOT_A_NUMBER {
  const v = Number(s)
  if (v - v !== 0) return NOT_A_NUMBER // NaN, ±Infinity
  if (v === 0 && s.trim() === '') return null // blank
  // Number() also reads 0x10, 0b1 and 0o7; nobody means those in a score file.
  const t = s.trim()
  if (t.length > 2 && t.charCodeAt(0) === 48) {
    const c = t.charCodeAt(1) | 0x20
    if (c === 120 || c === 98 || c === 111) return NOT_A_NUMBER
  }
  return v
}

/** `readNumber` for a field of a record (escaped quoted fields included). */
export function readFieldNumber(
  record: CsvRecord,
  f: number,
  decimalComma = false,
): number | null | typeof NOT_A_NUMBER {
  let v: number | null | typeof NOT_A_NUMBER
  if (record.hasEscaped && record.escaped[f] !== undefined) v = slowNumber(record.escaped[f]!)
  else v = readNumber(record.text, record.starts[f], record.ends[f])
  if (v === NOT_A_NUMBER && decimalComma) {
    // "0,41" from a spreadsheet whose locale writes decimal commas (and `;` between fields).
    const s = record.field(f)
    const comma = s.indexOf(',')
    if (comma !== -1 && s.indexOf(',', comma + 1) === -1 && !s.includes('.')) {
      v = slowNumber(s.slice(0, comma) + '.' + s.slice(comma + 1))
    }
  }
  return v
}
