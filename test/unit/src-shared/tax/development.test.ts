import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COST_CATEGORIES } from '../../../../src-shared/domain/types'
import { developmentTax, isPetaflopDaysUnit, type DevelopmentCostInput } from '../../../../src-shared/tax/development'
import { TaxInputError } from '../../../../src-shared/tax/errors'

const item = (overrides: Partial<DevelopmentCostInput>): DevelopmentCostInput => ({
  category: 'other',
  amountUsd: 0,
  scalesWithModel: false,
  ...overrides,
})

describe('developmentTax', () => {
  it('4.9 and 60 pf-days against 3640 pf-days of pretraining is about 1.783%', () => {
    const tax = developmentTax(
      [
        item({ category: 'compute', amountUsd: 20_000, quantity: 4.9, unit: 'pf-days', scalesWithModel: true }),
        item({ category: 'compute', amountUsd: 250_000, quantity: 60, unit: 'pf-days', scalesWithModel: true }),
      ],
      { costUsd: null, computePfd: 3640 },
    )
    expect(tax.computePfd).toBeCloseTo(64.9, 12)
    expect(tax.pctOfPretrainingCompute).toBeCloseTo(1.783, 3)
    expect(tax.explanation).toContain('64.9 / 3640')
    expect(tax.pctOfPretrainingCost).toBeNull()
  })

  it('sums totals, ranges, categories and fixed vs scaling', () => {
    const tax = developmentTax(
      [
        item({ category: 'researcher-time', amountUsd: 300_000, lowUsd: 200_000, highUsd: 500_000 }),
        item({ category: 'human-feedback', amountUsd: 100_000, scalesWithModel: true }),
        item({ category: 'infrastructure', amountUsd: 50_000, lowUsd: null, highUsd: 80_000 }),
        item({ category: 'human-feedback', amountUsd: 25_000, scalesWithModel: true }),
      ],
      { costUsd: 4_750_000, computePfd: null },
    )
    expect(tax.totalUsd).toBe(475_000)
    expect(tax.lowUsd).toBe(200_000 + 100_000 + 50_000 + 25_000)
    expect(tax.highUsd).toBe(500_000 + 100_000 + 80_000 + 25_000)
    expect(tax.byCategory).toEqual({
      'researcher-time': 300_000,
      compute: 0,
      'human-feedback': 125_000,
      infrastructure: 50_000,
      other: 0,
    })
    expect(tax.fixedUsd).toBe(350_000)
    expect(tax.scalingUsd).toBe(125_000)
    expect(tax.pctOfPretrainingCost).toBeCloseTo(10, 9)
    expect(tax.explanation).toContain('10%')
    // No item is in pf-days, so there is no compute comparison.
    expect(tax.computePfd).toBe(0)
    expect(tax.pctOfPretrainingCompute).toBeNull()
  })

  it('counts only pf-day quantities as compute', () => {
    const tax = developmentTax(
      [
        item({ category: 'compute', amountUsd: 1, quantity: 10, unit: 'PFD' }),
        item({ category: 'human-feedback', amountUsd: 1, quantity: 5000, unit: 'labels' }),
        item({ category: 'compute', amountUsd: 1, quantity: null, unit: 'pf-days' }),
      ],
      { costUsd: null, computePfd: 100 },
    )
    expect(tax.computePfd).toBe(10)
    expect(tax.pctOfPretrainingCompute).toBeCloseTo(10, 9)
  })

  it('an empty ledger is $0 and has every category', () => {
    const tax = developmentTax([], { costUsd: 1_000_000, computePfd: 10 })
    expect(tax.totalUsd).toBe(0)
    expect(Object.keys(tax.byCategory).sort()).toEqual([...COST_CATEGORIES].sort())
    expect(tax.pctOfPretrainingCost).toBe(0)
  })

  it('has no percentage of a pretraining cost of 0', () => {
    expect(developmentTax([item({ amountUsd: 5 })], { costUsd: 0, computePfd: 0 }).pctOfPretrainingCost).toBeNull()
  })

  it.each<[string, DevelopmentCostInput, string, RegExp]>([
    [
      'a negative amount',
      item({ amountUsd: -1 }),
      'items[0].amountUsd',
      /items\[0\]\.amountUsd must be at least 0, got -1/,
    ],
    ['a NaN amount', item({ amountUsd: NaN }), 'items[0].amountUsd', /got NaN/],
    [
      'a low above the amount',
      item({ amountUsd: 1000, lowUsd: 2000 }),
      'items[0].lowUsd',
      /lowUsd must be at most amountUsd \(1000\), got 2000/,
    ],
    [
      'a high below the amount',
      item({ amountUsd: 1000, highUsd: 500 }),
      'items[0].highUsd',
      /highUsd must be at least amountUsd \(1000\), got 500/,
    ],
    [
      'an unknown category',
      item({ category: 'travel' as DevelopmentCostInput['category'] }),
      'items[0].category',
      /got "travel"/,
    ],
    ['an infinite quantity', item({ quantity: Infinity, unit: 'pf-days' }), 'items[0].quantity', /got Infinity/],
    [
      'a non-boolean scalesWithModel',
      item({ scalesWithModel: 'yes' as unknown as boolean }),
      'items[0].scalesWithModel',
      /got "yes"/,
    ],
  ])('rejects %s', (_name, bad, path, message) => {
    let caught: unknown
    try {
      developmentTax([bad], { costUsd: null, computePfd: null })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    expect((caught as TaxInputError).path).toBe(path)
    expect((caught as TaxInputError).message).toMatch(message)
  })

  it('rejects a negative pretraining figure', () => {
    expect(() => developmentTax([], { costUsd: -5, computePfd: null })).toThrow(
      /pretraining\.costUsd must be at least 0, got -5/,
    )
    expect(() => developmentTax([], { costUsd: null, computePfd: NaN })).toThrow(TaxInputError)
  })
})

describe('isPetaflopDaysUnit', () => {
  it.each(['pf-days', 'pf-day', 'pfd', 'PFD', 'PF-Days', 'petaflop/s-days', 'Petaflop/s-day', ' pf days '])(
    'accepts %j',
    (unit) => {
      expect(isPetaflopDaysUnit(unit)).toBe(true)
    },
  )

  it.each(['fte-months', 'labels', 'days', 'pf', 'gpu-hours', '', null])('rejects %j', (unit) => {
    expect(isPetaflopDaysUnit(unit)).toBe(false)
  })
})

const ledger = fc.array(
  fc
    .record({
      category: fc.constantFrom(...COST_CATEGORIES),
      amountUsd: fc.double({ min: 0, max: 1e8, noNaN: true }),
      below: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      above: fc.option(fc.double({ min: 1, max: 3, noNaN: true })),
      scalesWithModel: fc.boolean(),
    })
    .map(({ below, above, ...rest }) => ({
      ...rest,
      lowUsd: below === null ? null : rest.amountUsd * below,
      highUsd: above === null ? null : rest.amountUsd * above,
    })),
  { maxLength: 10 },
)

describe('developmentTax properties', () => {
  it('the total lies within its range and splits exactly into fixed + scaling and into categories', () => {
    fc.assert(
      fc.property(ledger, (items) => {
        const tax = developmentTax(items, { costUsd: null, computePfd: null })
        const tolerance = 1e-6 * (1 + tax.totalUsd)
        expect(tax.lowUsd).toBeLessThanOrEqual(tax.totalUsd + tolerance)
        expect(tax.highUsd).toBeGreaterThanOrEqual(tax.totalUsd - tolerance)
        expect(Math.abs(tax.fixedUsd + tax.scalingUsd - tax.totalUsd)).toBeLessThanOrEqual(tolerance)
        const categorySum = Object.values(tax.byCategory).reduce((sum, usd) => sum + usd, 0)
        expect(Math.abs(categorySum - tax.totalUsd)).toBeLessThanOrEqual(tolerance)
      }),
    )
  })
})
