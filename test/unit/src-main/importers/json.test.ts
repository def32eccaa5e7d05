import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nonFiniteValue, parseJsonText, readTopLevelMembers } from '../../../../src-main/importers/json'
import { expectImportError } from './helpers'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('parseJsonText', () => {
  it("keeps Python's NaN and infinities as markers, wherever they are", () => {
    const doc = parseJsonText(
      '{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN", "d": "-inf", "e": "N/A"}',
      'p.json',
    ) as Record<string, unknown>
    expect(nonFiniteValue(doc.a)).toBeNaN()
    expect((doc.b as unknown[]).map(nonFiniteValue)).toEqual([Infinity, -Infinity])
    // Written as strings too (some tools quote them, Python's str() gives "inf").
    expect(nonFiniteValue(doc.c)).toBeNaN()
    expect(nonFiniteValue(doc.d)).toBe(-Infinity)
    expect(nonFiniteValue(doc.e)).toBeUndefined()
    expect(nonFiniteValue('\uE000 ')).toBeUndefined()
  })

  it('places errors by line and column, counting from the origin of a slice', () => {
    expectImportError(() => parseJsonText('{\n  "a": tru\n}', 'e.json'), 'e.json', 'line 2, column 8', '"tru"')
    expectImportError(
      () => parseJsonText('{"a": 1,}', 'e.json', { origin: { line: 10, column: 5 } }),
      'e.json',
      'line 10, column 13',
      'trailing comma',
    )
    expectImportError(() => parseJsonText('{"a": "x\ny"}', 'e.json'), 'e.json', 'line 1, column 9', 'control character')
  })
})

describe('readTopLevelMembers', () => {
  it('returns exactly what JSON.parse gives for the wanted members of any object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (object, pretty) => {
        const text = JSON.stringify(object, null, pretty ? 2 : undefined)
        const keys = Object.keys(object)
        const wanted = keys.filter((_, i) => i % 2 === 0)
        const members = readTopLevelMembers(bytes(text), 'p.json', wanted)
        const reparsed = JSON.parse(text)
        expect([...members.keys()].sort()).toEqual([...wanted].sort())
        for (const key of wanted) expect(members.get(key)).toEqual(reparsed[key])
      }),
      { numRuns: 300 },
    )
  })

  it('refuses any truncation of an object', () => {
    const text = JSON.stringify({ eval: { task: 't' }, samples: [{ s: 'a "b" }]' }, [1, { c: null }]], results: {} })
    for (let cut = 1; cut < text.length; cut++) {
      expect(() => readTopLevelMembers(bytes(text.slice(0, cut)), 'cut.json', ['eval'])).toThrow(/cut\.json: line 1/)
    }
  })

  it('names the line and column of a structural error in a skipped member', () => {
    const text = '{\n  "eval": {},\n  "samples": [1, 2}\n}'
    expectImportError(
      () => readTopLevelMembers(bytes(text), 's.json', ['eval']),
      's.json',
      'line 3, column 19',
      'closes nothing',
    )
  })
})
