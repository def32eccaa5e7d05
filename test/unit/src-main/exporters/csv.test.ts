import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvField, csvLine, defuseFormula } from '../../../../src-main/exporters/csv'
import { parseRecords } from './helpers'

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['', ''],
  ])('writes %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field)
  })

  it('writes numbers in full, negative ones as numbers (no formula guard)', () => {
    expect(csvField(-10.313901345291477)).toBe('-10.313901345291477')
    expect(csvField(0.712)).toBe('0.712')
    expect(csvField(-0)).toBe('0')
    expect(csvField(1e-7)).toBe('1e-7')
  })

  it('leaves unknown values empty', () => {
    expect(csvField(null)).toBe('')
    expect(csvField(NaN)).toBe('')
    expect(csvField(true)).toBe('true')
    expect(csvField(false)).toBe('false')
  })

  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
  ])('defuses the text %j that a spreadsheet would run as a formula', (value, field) => {
    expect(csvField(value)).toBe(field)
  })

  it('does not touch text that merely contains formula characters', () => {
    expect(defuseFormula('a=b')).toBe('a=b')
    expect(defuseFormula('mmlu-pro')).toBe('mmlu-pro')
  })
})

describe('csvLine', () => {
  it('reads back field for field through an RFC 4180 reader', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 2, maxLength: 8 }), (values) => {
        const [fields] = parseRecords(csvLine(values) + '\r\n')
        expect(fields).toEqual(values.map(defuseFormula))
      }),
    )
  })

  it('keeps numbers exact through a round trip', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 6 }),
        (values) => {
          const [fields] = parseRecords(csvLine(values) + '\r\n')
          expect(fields.map(Number)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)))
        },
      ),
    )
  })
})
