/**
 * JSON reading shared by the lm-eval and Inspect importers.
 *
 * - Errors carry a line and column: V8's JSON.parse often reports neither, so when it
 *   fails a small validator walks the text to find where and why.
 * - Python's json module writes bare `NaN`, `Infinity` and `-Infinity` (lm-eval does).
 *   They are not JSON; rather than refusing the whole file, they are swapped for
 *   sentinel strings of the same length (so error positions stay true) and the
 *   importers refuse them only where they read a number, naming the key.
 * - Inspect `.json` logs hold every sample and can be hundreds of megabytes: only the
 *   wanted top-level members are decoded and parsed; the others are skipped byte by byte.
 */
import { describeValue, importError } from './types'

// Private-use characters: one per non-finite literal. `"\uE000"` is 3 UTF-16 units, as
// long as `NaN`; the longer literals are padded with spaces, which JSON ignores.
const SENTINELS: Record<string, number> = { '\uE000': NaN, '\uE001': Infinity, '\uE002': -Infinity }
const REPLACEMENTS: Record<string, string> = {
  NaN: '"\uE000"',
  Infinity: '"\uE001"     ',
  '-Infinity': '"\uE002"      ',
}

/**
 * The non-finite number a value stands for: a bare NaN/Infinity in the file, or a
 * number too large for a double (`1e999` parses to Infinity).
 */
export function nonFiniteValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : value
  if (typeof value !== 'string') return undefined
  if (value.length === 1) return SENTINELS[value]
  // Also written as strings by some tools ("NaN", "Infinity", Python's str(float) "inf").
  return NON_FINITE_STRINGS[value.trim().toLowerCase()]
}

const NON_FINITE_STRINGS: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  infinity: Infinity,
  '+infinity': Infinity,
  inf: Infinity,
  '+inf': Infinity,
  '-infinity': -Infinity,
  '-inf': -Infinity,
}

/** How the importers treat one non-finite value in an otherwise good file. */
export interface NonFiniteOptions {
  /** Refuse the file (true) instead of skipping the metric with a warning (default). */
  strict?: boolean
}

/** Deepest nesting of objects and arrays accepted; real results files nest about ten deep. */
export const MAX_JSON_DEPTH = 512

/** Position of the bracket that passes MAX_JSON_DEPTH (strings skipped), or -1. */
function nestingPastLimit(text: string): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // Skip the string: an escaped quote has an odd number of backslashes before it.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return i
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return -1
}

/** Where a piece of text starts in its file, for error positions of a parsed slice. */
export interface TextOrigin {
  line: number
  column: number
}

/**
 * Parses JSON text, accepting Python's NaN/Infinity (see `nonFiniteValue`).
 * Throws an ImportError at `line L, column C` for anything else that is not JSON.
 */
export function parseJsonText(
  text: string,
  file: string,
  { origin = { line: 1, column: 1 }, prefix = '' }: { origin?: TextOrigin; prefix?: string } = {},
): unknown {
  const tooDeep = nestingPastLimit(text)
  if (tooDeep !== -1) {
    const { line, column } = lineAndColumn(text, tooDeep, origin)
    throw importError(
      file,
      `${prefix}line ${line}, column ${column}`,
      `nests objects and arrays deeper than the limit of ${MAX_JSON_DEPTH} levels: refused`,
      MAX_JSON_DEPTH,
    )
  }
  try {
    return JSON.parse(text)
  } catch (parseError) {
    const scan = validateJson(text)
    if (scan.error) {
      const { line, column } = lineAndColumn(text, scan.error.pos, origin)
      throw importError(file, `${prefix}line ${line}, column ${column}`, scan.error.problem, scan.error.found)
    }
    if (scan.nonFinite.length === 0) {
      // The validator accepted what V8 refused: report V8's words rather than nothing.
      throw importError(file, `${prefix}file`, `is not valid JSON (${(parseError as Error).message})`)
    }
    let patched = ''
    let from = 0
    for (const [pos, literal] of scan.nonFinite) {
      patched += text.slice(from, pos) + REPLACEMENTS[literal]
      from = pos + literal.length
    }
    return JSON.parse(patched + text.slice(from))
  }
}

function lineAndColumn(text: string, pos: number, origin: TextOrigin): TextOrigin {
  let line = 0
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  const column = pos - lineStart + 1
  return line === 0 ? { line: origin.line, column: origin.column + column - 1 } : { line: origin.line + line, column }
}

interface JsonScan {
  error: { pos: number; problem: string; found: string } | null
  /** Positions and spelling of bare NaN / Infinity / -Infinity literals. */
  nonFinite: Array<[number, string]>
}

/** A strict JSON validator (plus Python's non-finite literals) that says where it fails. */
function validateJson(text: string): JsonScan {
  const nonFinite: Array<[number, string]> = []
  const n = text.length
  let i = 0

  class Stop {
    constructor(
      readonly pos: number,
      readonly problem: string,
    ) {}
  }
  const foundAt = (pos: number): string => {
    if (pos >= n) return 'the end of the file'
    let end = pos + 1
    while (end < n && end - pos < 20 && !' \t\r\n,:{}[]"'.includes(text[end])) end++
    return describeValue(text.slice(pos, end))
  }
  const fail = (problem: string): never => {
    throw new Stop(i, i >= n ? `${problem}, found the end of the file (truncated?)` : `${problem}, found ${foundAt(i)}`)
  }
  const ws = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break
    }
  }
  const literal = (word: string) => {
    if (text.startsWith(word, i)) {
      if (word === 'NaN' || word === 'Infinity' || word === '-Infinity') nonFinite.push([i, word])
      i += word.length
    } else fail('expected a JSON value')
  }
  const digits = () => {
    const start = i
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
    if (i === start) fail('expected a digit')
  }
  const number = () => {
    if (text[i] === '-') {
      if (text[i + 1] === 'I') return literal('-Infinity')
      i++
    }
    if (text[i] === '0') i++
    else digits()
    if (text[i] === '.') {
      i++
      digits()
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++
      if (text[i] === '+' || text[i] === '-') i++
      digits()
    }
  }
  const string = () => {
    i++ // opening quote
    for (;;) {
      if (i >= n) fail('a string is not closed')
      const c = text.charCodeAt(i)
      if (c === 34) {
        i++
        return
      }
      if (c < 32) fail('a control character (raw line break or tab) inside a string')
      if (c === 92) {
        const e = text[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a bad \\u escape in a string')
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail('a bad escape in a string')
      } else i++
    }
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') {
        i++
        return
      }
      for (;;) {
        ws()
        if (text[i] !== '"') fail('expected a property name in double quotes')
        string()
        ws()
        if (text[i] !== ':') fail("expected ':' after a property name")
        i++
        value()
        ws()
        if (text[i] === ',') {
          i++
          ws()
          if (text[i] === '}') fail('a comma before } (trailing comma)')
        } else if (text[i] === '}') {
          i++
          return
        } else fail("expected ',' or '}' after a property value")
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') {
        i++
        return
      }
      for (;;) {
        value()
        ws()
        if (text[i] === ',') {
          i++
          ws()
          if (text[i] === ']') fail('a comma before ] (trailing comma)')
        } else if (text[i] === ']') {
          i++
          return
        } else fail("expected ',' or ']' after an array element")
      }
    }
    if (c === '"') return string()
    if (c === '-' || (c >= '0' && c <= '9')) return number()
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    if (c === 'N') return literal('NaN')
    if (c === 'I') return literal('Infinity')
    fail('expected a JSON value')
  }

  try {
    value()
    ws()
    if (i < n) fail('unexpected text after the end of the JSON value')
    return { error: null, nonFinite }
  } catch (e) {
    if (e instanceof Stop) {
      return { error: { pos: e.pos, problem: e.problem, found: foundAt(e.pos) }, nonFinite }
    }
    if (e instanceof RangeError) {
      return { error: { pos: i, problem: 'the JSON is nested too deeply', found: foundAt(i) }, nonFinite }
    }
    throw e
  }
}

// ---------------------------------------------------------------------------------------
// Top-level members of a big JSON object, straight from the bytes.

const QUOTE = 0x22
const BACKSLASH = 0x5c

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

class ScanStop extends Error {
  constructor(
    readonly pos: number,
    readonly problem: string,
  ) {
    super(problem)
  }
}

/**
 * Walks the top level of a JSON object in UTF-8 bytes, calling `onMember` with each
 * key and the byte range of its value; values are skipped without being decoded (only
 * brackets and strings are tracked), which is fast even for huge sample arrays.
 * Returns false from `onMember` to stop early.
 * With `partial`, running out of bytes ends the walk quietly (for peeking at a prefix).
 */
export function walkTopLevel(
  bytes: Uint8Array,
  onMember: (key: string, start: number, end: number) => boolean | void,
  partial = false,
): { ok: true } | { ok: false; pos: number; problem: string } {
  const n = bytes.length
  let i = 0
  const ws = () => {
    while (i < n && isWs(bytes[i])) i++
  }
  const stop = (problem: string): never => {
    throw new ScanStop(i, i >= n ? `${problem}, found the end of the file (truncated?)` : problem)
  }
  const skipString = () => {
    i++
    for (;;) {
      const q = bytes.indexOf(QUOTE, i)
      if (q === -1) {
        i = n
        stop('a string is not closed')
      }
      // An escaped quote has an odd number of backslashes before it.
      let k = q - 1
      while (k >= i && bytes[k] === BACKSLASH) k--
      i = q + 1
      if ((q - 1 - k) % 2 === 0) return
    }
  }
  const skipValue = () => {
    const b = bytes[i]
    if (b === QUOTE) return skipString()
    if (b === 0x7b || b === 0x5b) {
      const stack: number[] = []
      for (;;) {
        if (i >= n) stop('an object or array is not closed')
        const c = bytes[i]
        if (c === QUOTE) {
          skipString()
          continue
        }
        if (c === 0x7b || c === 0x5b)
          stack.push(c + 2) // '{' + 2 = '}', '[' + 2 = ']'
        else if (c === 0x7d || c === 0x5d) {
          if (stack.pop() !== c) stop(`a '${String.fromCharCode(c)}' that closes nothing open`)
          if (stack.length === 0) {
            i++
            return
          }
        }
        i++
      }
    }
    // A number, true, false, null (or NaN): runs to the next delimiter.
    const start = i
    while (i < n && !isWs(bytes[i]) && bytes[i] !== 0x2c && bytes[i] !== 0x7d) i++
    if (i === start) stop('expected a JSON value')
  }

  try {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3
    ws()
    if (bytes[i] !== 0x7b) stop('expected a JSON object ({)')
    i++
    ws()
    if (bytes[i] === 0x7d) i++
    else {
      for (;;) {
        ws()
        if (bytes[i] !== QUOTE) stop('expected a property name in double quotes')
        const keyStart = i
        skipString()
        let key: string
        try {
          key = JSON.parse(new TextDecoder().decode(bytes.subarray(keyStart, i))) as string
        } catch {
          throw new ScanStop(keyStart, 'a malformed property name')
        }
        ws()
        if (bytes[i] !== 0x3a) stop("expected ':' after a property name")
        i++
        ws()
        const start = i
        skipValue()
        if (onMember(key, start, i) === false) return { ok: true }
        ws()
        if (bytes[i] === 0x2c) i++
        else if (bytes[i] === 0x7d) {
          i++
          break
        } else stop("expected ',' or '}' after a property value")
      }
    }
    ws()
    if (i < n) stop('unexpected text after the end of the JSON object')
    return { ok: true }
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e
    if (partial && e.pos >= n) return { ok: true }
    return { ok: false, pos: e.pos, problem: e.problem }
  }
}

/** Line and column (1-based, in characters) of a byte offset. */
export function byteLineAndColumn(bytes: Uint8Array, pos: number): TextOrigin {
  let line = 1
  let lineStart = 0
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < pos; i = bytes.indexOf(0x0a, i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: new TextDecoder().decode(bytes.subarray(lineStart, pos)).length + 1 }
}

/**
 * Parses only the wanted top-level members of a JSON object held in UTF-8 bytes; the
 * whole file is still checked for structure, so a truncated file is refused.
 */
export function readTopLevelMembers(bytes: Uint8Array, file: string, wanted: readonly string[]): Map<string, unknown> {
  const ranges = new Map<string, [number, number]>()
  const walk = walkTopLevel(bytes, (key, start, end) => {
    if (wanted.includes(key)) ranges.set(key, [start, end])
  })
  if (!walk.ok) {
    const { line, column } = byteLineAndColumn(bytes, walk.pos)
    const found = walk.pos >= bytes.length ? 'the end of the file' : describeValue(String.fromCharCode(bytes[walk.pos]))
    throw importError(file, `line ${line}, column ${column}`, `${walk.problem} (found ${found})`, found)
  }
  const members = new Map<string, unknown>()
  const decoder = new TextDecoder('utf-8', { fatal: true })
  for (const [key, [start, end]] of ranges) {
    let text: string
    try {
      text = decoder.decode(bytes.subarray(start, end))
    } catch {
      throw importError(file, key, 'is not UTF-8 text', '<binary>')
    }
    members.set(key, parseJsonText(text, file, { origin: byteLineAndColumn(bytes, start) }))
  }
  return members
}

// ---------------------------------------------------------------------------------------
// Small helpers for walking parsed JSON with precise error locations.

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** 'results.arc_challenge.acc_stderr', 'results.scores[0].metrics.accuracy.value'. */
export function jsonPath(...parts: Array<string | number>): string {
  let path = ''
  for (const part of parts) {
    if (typeof part === 'number') path += `[${part}]`
    else if (part !== '' && !/[.[\]\s"]/.test(part)) path += path === '' ? part : `.${part}`
    else path += `[${JSON.stringify(part)}]`
  }
  return path
}

/** A short description of a JSON value's type for "must be … found …" messages. */
export function jsonType(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (nonFiniteValue(value) !== undefined) return String(nonFiniteValue(value))
  return typeof value === 'object' ? 'an object' : `${typeof value} ${describeValue(value)}`
}
