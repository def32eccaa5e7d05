/**
 * The CSV reader over a stream of bytes: the same rows and errors as over one string,
 * whatever the chunk boundaries; lines refused above the limit while they stream in
 * (the bytes read are counted: the file is never read whole).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesSource, MAX_CSV_LINE, parseCsv, scanCsv, type ByteSource } from '../../../../src-main/importers'
import { expectImportError, ownText } from './helpers'

/** A source that hands out at most `step` bytes per read and counts what it handed out. */
function trickle(bytes: Uint8Array, step: number): ByteSource & { given: () => number } {
  const inner = bytesSource(bytes)
  let given = 0
  return {
    size: inner.size,
    read(into) {
      const n = inner.read(into.subarray(0, Math.min(step, into.length)))
      given += n
      return n
    },
    given: () => given,
  }
}

function streamedRows(text: string | Uint8Array, step: number, file = 's.csv') {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  const rows: unknown[] = []
  const { layout } = scanCsv(trickle(bytes, step), file, {
    measurement: (r, line) => void rows.push({ ...r, line }),
    result: (r, line) => void rows.push({ ...r, line }),
  })
  return { layout, rows }
}

function wholeRows(text: string, file = 's.csv') {
  const rows: unknown[] = []
  const { layout } = scanCsv(text, file, {
    measurement: (r, line) => void rows.push({ ...r, line }),
    result: (r, line) => void rows.push({ ...r, line }),
  })
  return { layout, rows }
}

/** An error's file, place and problem (its quoted excerpt may stop at a chunk's end). */
const where = (err: unknown) => (err as Error).message.split(': ').slice(0, 3).join(': ')

describe('scanCsv from a byte stream', () => {
  it.each(['measurements.csv', 'run-bom-crlf.csv', 'run-semicolon-decimal-comma.csv'])(
    '%s: the same rows and lines, chunk boundaries anywhere',
    (name) => {
      const text = ownText(name)
      const expected = wholeRows(text)
      for (const step of [1, 2, 3, 7, 64, 1 << 20]) expect(streamedRows(text, step)).toEqual(expected)
    },
  )

  it('quoted fields with "" and line breaks, CR, CRLF, multi-byte characters split between chunks', () => {
    const text = 'benchmark,metric,value\r\n"a ""quoted""\r\nname",acc,0.5\r"ü€😀",acc,1\n\n"x","y",2\r\n"z",w,3'
    const expected = wholeRows(text)
    expect(expected.rows).toHaveLength(4)
    for (let step = 1; step <= 12; step++) expect(streamedRows(text, step)).toEqual(expected)
  })

  it('any text reads the same streamed as whole (property)', () => {
    const cell = fc.stringMatching(/^[a-z0-9 ü"\r\n,]{0,6}$/)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 9 }),
        (pairs, step) => {
          const quote = (s: string) => `"${s.replaceAll('"', '""')}"`
          const text = [
            'benchmark,metric,value',
            ...pairs.map(([b, m], i) => `${quote(b || 'b')}x${i},${quote(m || 'm')},${i}`),
          ]
            .join('\n')
            .replaceAll('"x', 'x') // not valid CSV half the time: the error must say the same
          let whole: unknown
          let streamed: unknown
          try {
            whole = wholeRows(text)
          } catch (err) {
            whole = where(err)
          }
          try {
            streamed = streamedRows(text, step)
          } catch (err) {
            streamed = where(err)
          }
          expect(streamed).toEqual(whole)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses bytes that are not UTF-8', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('benchmark,metric,value\nmmlu,acc,'), 0xff, 0xfe, 0x0a])
    expectImportError(() => streamedRows(bytes, 5, 'bin.csv'), 'bin.csv', 'file', 'is not UTF-8 text')
  })

  it('refuses a line longer than the limit while reading it, naming the line and the limit', () => {
    const long = 'x'.repeat(8 * MAX_CSV_LINE)
    const bytes = new TextEncoder().encode(`benchmark,metric,value\nmmlu,acc,0.5\n${long},acc,1\nmore,acc,2\n`)
    const source = trickle(bytes, 64 * 1024)
    expectImportError(
      () => scanCsv(source, 'long.csv', { result: () => {} }),
      'long.csv',
      'line 3',
      `is longer than ${MAX_CSV_LINE.toLocaleString('en-US')} characters`,
    )
    // Refused after about one limit's worth of that line, not after reading all of it.
    expect(source.given()).toBeLessThan(2 * MAX_CSV_LINE + 64 * 1024)
    expect(source.given()).toBeLessThan(bytes.length / 3)
  })

  it('an unclosed quote reads as one long line, and says so', () => {
    const bytes = new TextEncoder().encode(
      `benchmark,metric,value\n"mmlu,acc,0.5\n${'a,b,1\n'.repeat(MAX_CSV_LINE / 3)}`,
    )
    expectImportError(() => streamedRows(bytes, 1 << 20, 'q.csv'), 'q.csv', 'line 2', 'is a quote never closed?')
  })

  it('a header line longer than the limit is refused before its end is read', () => {
    const bytes = new TextEncoder().encode('benchmark'.repeat(MAX_CSV_LINE))
    const source = trickle(bytes, 1 << 20)
    expectImportError(() => scanCsv(source, 'h.csv', { result: () => {} }), 'h.csv', 'line 1', 'is longer than')
    expect(source.given()).toBeLessThan(bytes.length / 2)
  })

  it('reports progress as the bytes are read', () => {
    const lines = ['benchmark,metric,value']
    for (let i = 0; i < 50_000; i++) lines.push(`t${i},acc,0.5`)
    const bytes = new TextEncoder().encode(lines.join('\n'))
    const fractions: number[] = []
    scanCsv(trickle(bytes, 4096), 'p.csv', { result: () => {} }, (f) => fractions.push(f))
    expect(fractions.length).toBeGreaterThan(2)
    expect(fractions.at(-1)).toBe(1)
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions)
    expect(fractions[0]).toBeGreaterThan(0)
    expect(fractions[0]).toBeLessThan(1)
  })

  it('leaves repeated pairs to the caller (parseCsv, which holds the rows, still refuses them)', () => {
    const text = 'benchmark,metric,value\nmmlu,acc,0.5\nmmlu,acc,0.6\n'
    expect(streamedRows(text, 4).rows).toHaveLength(2)
    expect(() => parseCsv(text, 'd.csv')).toThrow(/repeats line 2/)
  })
})

describe('scanCsv: a file larger than the longest string V8 can make', () => {
  it('reads every row of a 600 MB stream (never one string: 0x1fffffe8 characters is the most)', () => {
    // Rows made on the fly as the reader asks: the test holds no more than one chunk either.
    const row = (i: number) => `task_${i},acc,0.${i % 1000}\n`
    const header = 'benchmark,metric,value\n'
    const target = 600 * 1000 * 1000
    expect(target).toBeGreaterThan(0x1fffffe8)
    let rows = 0
    let made = 0
    let carry = new TextEncoder().encode(header)
    const encoder = new TextEncoder()
    const source: ByteSource = {
      size: target,
      read(into) {
        let n = 0
        for (;;) {
          const take = Math.min(carry.length, into.length - n)
          into.set(carry.subarray(0, take), n)
          n += take
          carry = carry.subarray(take)
          if (n === into.length) return n
          if (made >= target) return n
          let block = ''
          for (let k = 0; k < 2048; k++) block += row(rows++)
          carry = encoder.encode(block)
          made += carry.length
        }
      },
    }
    let seen = 0
    let last = ''
    const { rowCount } = scanCsv(source, 'huge.csv', {
      result: (r) => {
        seen++
        last = r.benchmark
      },
    })
    expect(made).toBeGreaterThan(0x1fffffe8)
    expect(rowCount).toBe(rows)
    expect(seen).toBe(rows)
    expect(last).toBe(`task_${rows - 1}`)
  }, 300_000)
})
