import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TaxInputError } from '../../../../src-shared/tax/errors'
import { taxesInMoney, type MoneyAssumptions, type TaxesToPrice } from '../../../../src-shared/tax/money'

const assumptions: MoneyAssumptions = {
  inferenceSpendUsdPerMonth: 100_000,
  horizonMonths: 12,
  delayCostUsdPerMonth: 50_000,
}

describe('taxesInMoney', () => {
  it('prices each tax and shares the total', () => {
    // 30% × $100,000 × 12 = $360,000; 9 × $50,000 = $450,000; + $1.2M = $2.01M
    const money = taxesInMoney({ inferenceTaxPct: 30, ttdMonths: 9, developmentUsd: 1_200_000 }, assumptions)
    expect(money.performanceUsd).toBeCloseTo(360_000, 6)
    expect(money.deploymentUsd).toBe(450_000)
    expect(money.developmentUsd).toBe(1_200_000)
    expect(money.totalUsd).toBeCloseTo(2_010_000, 6)
    expect(money.shares.performance).toBeCloseTo(360 / 2010, 12)
    expect(money.shares.deployment).toBeCloseTo(450 / 2010, 12)
    expect(money.shares.development).toBeCloseTo(1200 / 2010, 12)
    expect(money.explanation).toContain('$360,000')
    expect(money.explanation).toContain('$2.01M')
  })

  it('leaves a part unknown when an input is missing and totals the known parts', () => {
    const money = taxesInMoney(
      { inferenceTaxPct: null, ttdMonths: 9, developmentUsd: 100_000 },
      { ...assumptions, delayCostUsdPerMonth: null },
    )
    expect(money.performanceUsd).toBeNull()
    expect(money.deploymentUsd).toBeNull()
    expect(money.totalUsd).toBe(100_000)
    expect(money.shares).toEqual({ performance: null, deployment: null, development: 1 })
    expect(money.explanation).toContain('inference-compute tax')
    expect(money.explanation).toContain('cost of delay')
  })

  it('needs spend and horizon for the performance tax', () => {
    const noHorizon = taxesInMoney(
      { inferenceTaxPct: 30, ttdMonths: null, developmentUsd: 0 },
      { ...assumptions, horizonMonths: null },
    )
    expect(noHorizon.performanceUsd).toBeNull()
    expect(noHorizon.explanation).toContain('horizon')
  })

  it('has no shares of a zero total', () => {
    const money = taxesInMoney({ inferenceTaxPct: 0, ttdMonths: 0, developmentUsd: 0 }, assumptions)
    expect(money.totalUsd).toBe(0)
    expect(money.shares).toEqual({ performance: null, deployment: null, development: null })
  })

  it.each<[string, TaxesToPrice, MoneyAssumptions, string, RegExp]>([
    [
      'a negative spend',
      { inferenceTaxPct: 30, ttdMonths: 9, developmentUsd: 0 },
      { ...assumptions, inferenceSpendUsdPerMonth: -1 },
      'assumptions.inferenceSpendUsdPerMonth',
      /got -1/,
    ],
    [
      'a NaN development cost',
      { inferenceTaxPct: 30, ttdMonths: 9, developmentUsd: NaN },
      assumptions,
      'taxes.developmentUsd',
      /got NaN/,
    ],
    [
      'a negative tax',
      { inferenceTaxPct: -5, ttdMonths: 9, developmentUsd: 0 },
      assumptions,
      'taxes.inferenceTaxPct',
      /at least 0, got -5/,
    ],
    [
      'an infinite horizon',
      { inferenceTaxPct: 5, ttdMonths: 9, developmentUsd: 0 },
      { ...assumptions, horizonMonths: Infinity },
      'assumptions.horizonMonths',
      /got Infinity/,
    ],
    [
      'negative months',
      { inferenceTaxPct: 5, ttdMonths: -2, developmentUsd: 0 },
      assumptions,
      'taxes.ttdMonths',
      /got -2/,
    ],
  ])('rejects %s', (_name, taxes, given, path, message) => {
    let caught: unknown
    try {
      taxesInMoney(taxes, given)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    expect((caught as TaxInputError).path).toBe(path)
    expect((caught as TaxInputError).message).toMatch(message)
  })

  it('the known shares add up to 1 whenever the total is positive', () => {
    const amount = fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }))
    fc.assert(
      fc.property(
        amount,
        amount,
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        amount,
        amount,
        amount,
        (tax, months, dev, spend, horizon, delay) => {
          const money = taxesInMoney(
            { inferenceTaxPct: tax, ttdMonths: months, developmentUsd: dev },
            { inferenceSpendUsdPerMonth: spend, horizonMonths: horizon, delayCostUsdPerMonth: delay },
          )
          const known = [money.performanceUsd, money.deploymentUsd, money.developmentUsd].filter((usd) => usd !== null)
          expect(money.totalUsd).toBeCloseTo(
            known.reduce((sum, usd) => sum + usd, 0),
            0,
          )
          if (money.totalUsd > 0) {
            const shareSum = [money.shares.performance, money.shares.deployment, money.shares.development]
              .filter((share) => share !== null)
              .reduce((sum, share) => sum + share, 0)
            expect(shareSum).toBeCloseTo(1, 9)
          }
        },
      ),
    )
  })
})
