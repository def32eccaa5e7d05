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

/**
 * Calls `onRecord` for every record (blank lines included, as one empty field) with
 * the line it starts on and its start/end offsets in `text`; returning false stops.
 * `from` starts at a record boundary other than the first.
 */
export function readRecords(
  text: string,
  fileName: string,
  delimiter: number,
  onRecord: (record: CsvRecord, line: number, start: number, end: number) => boolean | void,
  from = 0,
): void {
  const n = text.length
  const record = new CsvRecord(text)
  let i = from
  let line = 1
  let recordLine = 1
  let recordStart = from

  for (;;) {
    // At the start of a field.
    if (i >= n) {
      if (record.count > 0) {
        record.push(n, n) // the file ends right after a delimiter
        onRecord(record, recordLine, recordStart, n)
      }
      return
    }
    let c = text.charCodeAt(i)
    if (c === QUOTE) {
      const open = i
      let escaped: string | undefined
      let from = i + 1
      let j = from
      for (;;) {
        const q = text.indexOf('"', j)
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
    if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1
    else if (c === LF) i++
    if (onRecord(record, recordLine, recordStart, end) === false) return
    record.reset()
    line++
    recordLine = line
    recordStart = i
    if (i >= n) return
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
