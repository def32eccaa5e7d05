import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Direction } from '../../../../src-shared/domain/types'
import {
  aggregatesOfFigures,
  regressionAggregates,
  type RegressionAggregateInput,
} from '../../../../src-shared/tax/aggregates'
import { TaxInputError } from '../../../../src-shared/tax/errors'
import { NEAR_ZERO_BASELINE, regressionFigures } from '../../../../src-shared/tax/regression'

const item = (
  baseline: number | null,
  aligned: number | null,
  extra: Partial<RegressionAggregateInput> = {},
): RegressionAggregateInput => ({
  baseline,
  aligned,
  baselineStderr: null,
  alignedStderr: null,
  direction: 'higher',
  ...extra,
})

describe('regressionAggregates', () => {
  it('counts, averages and takes the median of the paired items', () => {
    const result = regressionAggregates([
      item(0.8, 0.72), // +10%
      item(0.5, 0.55), // −10%
      item(2, 2.5, { direction: 'lower' }), // +25%
      item(0.4, 0.4), // 0%
    ])
    expect(result.count).toBe(4)
    expect(result.paired).toBe(4)
    expect(result.unpaired).toBe(0)
    expect(result.meanPct).toBeCloseTo(25 / 4, 9)
    expect(result.medianPct).toBeCloseTo(5, 9)
    expect(result.weightedMeanPct).toBeCloseTo(25 / 4, 9)
    expect(result.regressions).toBe(2)
    expect(result.gains).toBe(1)
    expect(result.significant).toBe(0)
  })

  it('skips unpaired items from every figure', () => {
    const result = regressionAggregates([item(0.8, 0.72), item(null, 0.5), item(0.5, null)])
    expect(result.count).toBe(3)
    expect(result.paired).toBe(1)
    expect(result.unpaired).toBe(2)
    expect(result.meanPct).toBeCloseTo(10, 9)
  })

  it('counts baseline-0 items but keeps them out of the percentages', () => {
    const result = regressionAggregates([item(0.8, 0.72), item(0, 0.3), item(0, -0.1)])
    expect(result.paired).toBe(3)
    expect(result.zeroBaseline).toBe(2)
    expect(result.gains).toBe(1)
    expect(result.regressions).toBe(2)
    expect(result.meanPct).toBeCloseTo(10, 9)
    expect(result.medianPct).toBeCloseTo(10, 9)
  })

  it('weights the weighted mean', () => {
    // (3 × 10 + 1 × (−10)) / 4 = 5
    const result = regressionAggregates([item(0.8, 0.72, { weight: 3 }), item(0.5, 0.55)])
    expect(result.weightedMeanPct).toBeCloseTo(5, 9)
    expect(result.meanPct).toBeCloseTo(0, 9)
  })

  it('has no weighted mean when the weights sum to 0', () => {
    expect(regressionAggregates([item(0.8, 0.72, { weight: 0 })]).weightedMeanPct).toBeNull()
  })

  it('counts significant changes', () => {
    const result = regressionAggregates([
      item(0.8, 0.75, { baselineStderr: 0.01, alignedStderr: 0.012 }), // z ≈ −3.2
      item(0.8, 0.75, { baselineStderr: 0.05, alignedStderr: 0.05 }), // z ≈ −0.7
    ])
    expect(result.significant).toBe(1)
  })

  it('is empty for no items', () => {
    expect(regressionAggregates([])).toEqual({
      count: 0,
      paired: 0,
      unpaired: 0,
      zeroBaseline: 0,
      meanPct: null,
      medianPct: null,
      weightedMeanPct: null,
      regressions: 0,
      gains: 0,
      significant: 0,
    })
  })

  it.each<[string, RegressionAggregateInput[], string, RegExp]>([
    [
      'a negative weight',
      [item(1, 1), item(1, 1, { weight: -1 })],
      'items[1].weight',
      /items\[1\]\.weight must be at least 0, got -1/,
    ],
    [
      'a negative stderr',
      [item(1, 0.9, { baselineStderr: -0.2, alignedStderr: 0.1 })],
      'items[0].baselineStderr',
      /items\[0\]\.baselineStderr must be at least 0, got -0\.2/,
    ],
    ['a NaN score', [item(1, NaN)], 'items[0].aligned', /got NaN/],
    [
      'an unknown direction',
      [item(1, 0.9, { direction: 'sideways' as Direction })],
      'items[0].direction',
      /got "sideways"/,
    ],
    ['a NaN score on an unmatched item', [item(null, NaN)], 'items[0].aligned', /got NaN/],
    [
      'an unknown direction on an unmatched item',
      [item(0.5, null, { direction: 'up' as Direction })],
      'items[0].direction',
      /got "up"/,
    ],
  ])('rejects %s, naming the item', (_name, items, path, message) => {
    let caught: unknown
    try {
      regressionAggregates(items)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    expect((caught as TaxInputError).path).toBe(path)
    expect((caught as TaxInputError).message).toMatch(message)
  })

  it('the mean and median lie between the extreme regressions; counts add up', () => {
    const side = fc.option(
      fc.integer({ min: -10_000, max: 10_000 }).map((hundredths) => hundredths / 100),
      { freq: 5 },
    )
    const items = fc.array(
      fc.record({
        baseline: side,
        aligned: side,
        baselineStderr: fc.constant(null),
        alignedStderr: fc.constant(null),
        direction: fc.constantFrom<Direction>('higher', 'lower'),
        weight: fc.double({ min: 0.1, max: 10, noNaN: true }),
      }),
      { maxLength: 12 },
    )
    fc.assert(
      fc.property(items, (list) => {
        const result = regressionAggregates(list)
        expect(result.paired + result.unpaired).toBe(result.count)
        expect(result.regressions + result.gains).toBeLessThanOrEqual(result.paired)
        const pcts = list
          // A relative figure needs a baseline above NEAR_ZERO_BASELINE and no negative score.
          .filter(
            (entry) =>
              entry.baseline !== null &&
              entry.aligned !== null &&
              entry.baseline > NEAR_ZERO_BASELINE &&
              entry.aligned >= 0,
          )
          .map((entry) => {
            const worse =
              entry.direction === 'higher' ? entry.baseline! - entry.aligned! : entry.aligned! - entry.baseline!
            return (worse / Math.abs(entry.baseline!)) * 100
          })
        if (pcts.length === 0) {
          expect(result.meanPct).toBeNull()
          return
        }
        const [min, max] = [Math.min(...pcts), Math.max(...pcts)]
        const slack = 1e-9 * (1 + Math.abs(min) + Math.abs(max))
        for (const value of [result.meanPct, result.medianPct, result.weightedMeanPct]) {
          expect(value as number).toBeGreaterThanOrEqual(min - slack)
          expect(value as number).toBeLessThanOrEqual(max + slack)
        }
      }),
    )
  })

  it('aggregatesOfFigures gives what regressionAggregates gives for the same items (weight 1)', () => {
    const side = fc.option(
      fc.integer({ min: -1000, max: 1000 }).map((x) => x / 100),
      { freq: 5 },
    )
    const stderr = fc.option(
      fc.integer({ min: 0, max: 50 }).map((x) => x / 1000),
      { freq: 3 },
    )
    const item = fc.record({
      baseline: side,
      aligned: side,
      baselineStderr: stderr,
      alignedStderr: stderr,
      direction: fc.constantFrom<Direction>('higher', 'lower'),
      metric: fc.constantFrom('acc', 'mcc', 'bleu_diff', 'f1'),
    })
    fc.assert(
      fc.property(fc.array(item, { maxLength: 15 }), (list) => {
        const figures = list.map((i) =>
          i.baseline === null || i.aligned === null
            ? null
            : regressionFigures({ ...i, baseline: i.baseline, aligned: i.aligned }),
        )
        const fast = aggregatesOfFigures(figures)
        const reference = regressionAggregates(list)
        const { meanPct, medianPct, weightedMeanPct, ...counts } = reference
        expect(fast).toMatchObject(counts)
        for (const [a, b] of [
          [fast.meanPct, meanPct],
          [fast.medianPct, medianPct],
          [fast.weightedMeanPct, weightedMeanPct],
        ]) {
          if (b === null) expect(a).toBeNull()
          else expect(a).toBeCloseTo(b, 9)
        }
      }),
    )
  })

  it('aggregatesOfFigures median is the comparator sort median, zeros of either sign included', () => {
    const pct = fc.oneof(
      fc.constantFrom(0, -0, 1.5, -1.5, 2, -2),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    )
    fc.assert(
      fc.property(fc.array(pct, { maxLength: 40 }), (pcts) => {
        const figures = pcts.map((regressionPct) => ({
          regressionPct,
          noRelativeReason: null,
          delta: 0,
          z: null,
          significant: null,
          isGain: false,
          isRegression: false,
        }))
        const sorted = [...pcts].sort((a, b) => a - b)
        const m = Math.floor(sorted.length / 2)
        const expected = sorted.length === 0 ? null : sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
        expect(Object.is(aggregatesOfFigures(figures).medianPct, expected)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})
