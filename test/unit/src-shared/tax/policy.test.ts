import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PolicyRow } from '../../../../src-shared/domain/types'
import { TaxInputError } from '../../../../src-shared/tax/errors'
import { explainCommonPolicyMistake, inferenceTaxFromPolicy } from '../../../../src-shared/tax/policy'

describe('inferenceTaxFromPolicy', () => {
  it('best-of-2 on all tasks doubles inference compute: 100%', () => {
    const tax = inferenceTaxFromPolicy([{ fraction: 1, multiplier: 2 }])
    expect(tax.multiplier).toBeCloseTo(2, 12)
    expect(tax.taxPct).toBeCloseTo(100, 9)
    expect(tax.explanation).toBe('1 × 2 = 2 → 100% more inference compute')
  })

  it('best-of-4 on 10% of tasks is 30%, not 40%', () => {
    const tax = inferenceTaxFromPolicy([{ fraction: 0.1, multiplier: 4 }])
    expect(tax.multiplier).toBeCloseTo(1.3, 12)
    expect(tax.taxPct).toBeCloseTo(30, 9)
    expect(tax.taxPct).not.toBeCloseTo(40, 1)
    expect(tax.explanation.startsWith('0.9 × 1 + 0.1 × 4 = 1.3 → 30% more inference compute')).toBe(true)
    expect(tax.explanation).toContain('4 × 10% = 40%')
    expect(tax.explanation).toContain('not the extra')
  })

  it('lists the untouched remainder first, then one term per row', () => {
    const tax = inferenceTaxFromPolicy([
      { fraction: 0.25, multiplier: 2 },
      { fraction: 0.25, multiplier: 1 },
    ])
    expect(tax.terms).toHaveLength(3)
    expect(tax.terms[0].fraction).toBeCloseTo(0.5, 12)
    expect(tax.terms[0].cost).toBe(1)
    expect(tax.terms[1]).toEqual({ fraction: 0.25, cost: 2 })
    expect(tax.terms[2]).toEqual({ fraction: 0.25, cost: 1 })
    expect(tax.taxPct).toBeCloseTo(25, 9)
  })

  it('a row with k = 1 costs nothing extra, even with a reward-model cost', () => {
    expect(inferenceTaxFromPolicy([{ fraction: 0.7, multiplier: 1 }], 0.5).taxPct).toBe(0)
  })

  it('charges the reward model on every sample of a k > 1 row: k · (1 + r)', () => {
    // best-of-4 on 10% with r = 0.5: 0.9 × 1 + 0.1 × 6 = 1.5
    const tax = inferenceTaxFromPolicy([{ fraction: 0.1, multiplier: 4 }], 0.5)
    expect(tax.terms[1].cost).toBeCloseTo(6, 12)
    expect(tax.taxPct).toBeCloseTo(50, 9)
    expect(tax.explanation).toContain('0.1 × 6 = 1.5 → 50% more inference compute')
  })

  it('adds up several rows', () => {
    // 0.4 × 1 + 0.1 × 4 + 0.5 × 2 = 1.8
    const tax = inferenceTaxFromPolicy([
      { fraction: 0.1, multiplier: 4 },
      { fraction: 0.5, multiplier: 2 },
    ])
    expect(tax.taxPct).toBeCloseTo(80, 9)
    expect(tax.explanation.startsWith('0.4 × 1 + 0.1 × 4 + 0.5 × 2 = 1.8 → 80% more inference compute')).toBe(true)
  })

  it('an empty policy has no tax', () => {
    const tax = inferenceTaxFromPolicy([])
    expect(tax.multiplier).toBe(1)
    expect(tax.taxPct).toBe(0)
  })

  it('accepts fractions whose float sum is a hair above 1', () => {
    const rows = [0.2, 0.4, 0.3, 0.1].map((fraction) => ({ fraction, multiplier: 2 }))
    expect(0.2 + 0.4 + 0.3 + 0.1).toBeGreaterThan(1)
    expect(inferenceTaxFromPolicy(rows).taxPct).toBeCloseTo(100, 9)
  })

  it.each<[string, PolicyRow[], number, string, unknown, RegExp]>([
    [
      'a fraction above 1',
      [
        { fraction: 0.5, multiplier: 2 },
        { fraction: 1.5, multiplier: 2 },
      ],
      0,
      'rows[1].fraction',
      1.5,
      /^rows\[1\]\.fraction must be between 0 and 1, got 1\.5$/,
    ],
    ['a negative fraction', [{ fraction: -0.1, multiplier: 2 }], 0, 'rows[0].fraction', -0.1, /got -0\.1/],
    ['a NaN fraction', [{ fraction: NaN, multiplier: 2 }], 0, 'rows[0].fraction', NaN, /rows\[0\]\.fraction.*got NaN/],
    [
      'k below 1',
      [{ fraction: 0.5, multiplier: 0.5 }],
      0,
      'rows[0].multiplier',
      0.5,
      /rows\[0\]\.multiplier must be at least 1, got 0\.5/,
    ],
    ['an infinite k', [{ fraction: 0.5, multiplier: Infinity }], 0, 'rows[0].multiplier', Infinity, /got Infinity/],
    [
      'a negative reward-model cost',
      [{ fraction: 0.5, multiplier: 2 }],
      -1,
      'rmCost',
      -1,
      /rmCost must be at least 0, got -1/,
    ],
  ])('rejects %s', (_name, rows, rmCost, path, value, message) => {
    let caught: unknown
    try {
      inferenceTaxFromPolicy(rows, rmCost)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    const error = caught as TaxInputError
    expect(error.path).toBe(path)
    expect(error.value).toEqual(value)
    expect(error.message).toMatch(message)
  })

  it('rejects fractions summing to more than 1, naming the sum', () => {
    const rows = [
      { fraction: 0.6, multiplier: 2 },
      { fraction: 0.5, multiplier: 3 },
    ]
    expect(() => inferenceTaxFromPolicy(rows)).toThrow(TaxInputError)
    expect(() => inferenceTaxFromPolicy(rows)).toThrow(/rows.*1\.1/)
    try {
      inferenceTaxFromPolicy(rows)
    } catch (error) {
      expect((error as TaxInputError).path).toBe('rows')
    }
  })

  it('rejects malformed rows that slip past the types', () => {
    expect(() => inferenceTaxFromPolicy(null as unknown as PolicyRow[])).toThrow(/rows must be a list, got null/)
    expect(() => inferenceTaxFromPolicy([null as unknown as PolicyRow])).toThrow(
      /rows\[0\] must be an object, got null/,
    )
    expect(() => inferenceTaxFromPolicy([{ fraction: '0.5', multiplier: 2 } as unknown as PolicyRow])).toThrow(
      /rows\[0\]\.fraction must be a finite number, got "0\.5"/,
    )
  })
})

describe('explainCommonPolicyMistake', () => {
  it('explains 4 × 10% = 40% versus the extra 30%', () => {
    const sentence = explainCommonPolicyMistake([{ fraction: 0.1, multiplier: 4 }])
    expect(sentence).toContain('4 × 10% = 40%')
    expect(sentence).toContain('(4 − 1) × 10% = 30%')
  })

  it('has nothing to say when every multiplied row covers all tasks or k = 1', () => {
    expect(explainCommonPolicyMistake([{ fraction: 1, multiplier: 2 }])).toBeNull()
    expect(explainCommonPolicyMistake([{ fraction: 0.3, multiplier: 1 }])).toBeNull()
    expect(explainCommonPolicyMistake([])).toBeNull()
  })

  it('validates its input like the tax does', () => {
    expect(() => explainCommonPolicyMistake([{ fraction: 2, multiplier: 4 }])).toThrow(TaxInputError)
  })
})

/** Up to five rows whose fractions sum to at most 1. */
const policyRows = fc
  .array(
    fc.record({
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      multiplier: fc.double({ min: 1, max: 64, noNaN: true }),
    }),
    { maxLength: 5 },
  )
  .map((rows) => {
    const sum = rows.reduce((total, row) => total + row.fraction, 0)
    return sum > 1 ? rows.map((row) => ({ ...row, fraction: row.fraction / sum })) : rows
  })
const rmCosts = fc.double({ min: 0, max: 5, noNaN: true })

describe('inferenceTaxFromPolicy properties', () => {
  it('the multiplier never drops below 1', () => {
    fc.assert(
      fc.property(policyRows, rmCosts, (rows, rmCost) => {
        const tax = inferenceTaxFromPolicy(rows, rmCost)
        expect(tax.multiplier).toBeGreaterThanOrEqual(1)
        expect(tax.taxPct).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('matches (1 − Σp) + Σ p · cost written out directly', () => {
    fc.assert(
      fc.property(policyRows, rmCosts, (rows, rmCost) => {
        const fractionSum = rows.reduce((sum, row) => sum + row.fraction, 0)
        const expected =
          1 -
          fractionSum +
          rows.reduce((sum, row) => sum + row.fraction * (row.multiplier > 1 ? row.multiplier * (1 + rmCost) : 1), 0)
        expect(inferenceTaxFromPolicy(rows, rmCost).multiplier).toBeCloseTo(expected, 9)
      }),
    )
  })

  it('adding a row never lowers the tax', () => {
    fc.assert(
      fc.property(
        policyRows,
        rmCosts,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 64, noNaN: true }),
        (rows, rmCost, share, multiplier) => {
          const room = Math.max(0, 1 - rows.reduce((sum, row) => sum + row.fraction, 0))
          const before = inferenceTaxFromPolicy(rows, rmCost).taxPct
          const after = inferenceTaxFromPolicy([...rows, { fraction: share * room, multiplier }], rmCost).taxPct
          expect(after).toBeGreaterThanOrEqual(before)
        },
      ),
    )
  })

  it('never exceeds the most expensive row applied to every task', () => {
    fc.assert(
      fc.property(policyRows, rmCosts, (rows, rmCost) => {
        const maxCost = Math.max(1, ...rows.map((row) => (row.multiplier > 1 ? row.multiplier * (1 + rmCost) : 1)))
        expect(inferenceTaxFromPolicy(rows, rmCost).multiplier).toBeLessThanOrEqual(maxCost * (1 + 1e-9))
      }),
    )
  })
})
