import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Direction } from '../../../../src-shared/domain/types'
import { TaxInputError } from '../../../../src-shared/tax/errors'
import {
  benchmarkRegression,
  isSignedMetric,
  NEAR_ZERO_BASELINE,
  regressionFigures,
  type BenchmarkRegressionInput,
} from '../../../../src-shared/tax/regression'

describe('benchmarkRegression', () => {
  it('higher-is-better: a lower aligned score is a positive tax', () => {
    // (0.8 − 0.75) / 0.8 × 100 = 6.25
    const result = benchmarkRegression({ baseline: 0.8, aligned: 0.75, direction: 'higher' })
    expect(result.regressionPct).toBeCloseTo(6.25, 9)
    expect(result.delta).toBeCloseTo(-0.05, 12)
    expect(result.isRegression).toBe(true)
    expect(result.isGain).toBe(false)
    expect(result.explanation).toContain('6.25%')
  })

  it('a better aligned score is a negative tax: a gain', () => {
    const result = benchmarkRegression({ baseline: 0.5, aligned: 0.55, direction: 'higher' })
    expect(result.regressionPct).toBeCloseTo(-10, 9)
    expect(result.isGain).toBe(true)
    expect(result.isRegression).toBe(false)
  })

  it('lower-is-better flips the sign', () => {
    // Perplexity 2 → 2.2 is worse: +10%; read as higher-is-better it would be −10%.
    const lower = benchmarkRegression({ baseline: 2, aligned: 2.2, direction: 'lower' })
    const higher = benchmarkRegression({ baseline: 2, aligned: 2.2, direction: 'higher' })
    expect(lower.regressionPct).toBeCloseTo(10, 9)
    expect(lower.isRegression).toBe(true)
    expect(higher.regressionPct).toBeCloseTo(-10, 9)
    expect(higher.isGain).toBe(true)
    expect(lower.delta).toBeCloseTo(0.2, 12)
    expect(higher.delta).toBeCloseTo(0.2, 12)
  })

  it('gives no relative figure for a negative score: the change in points, still a gain', () => {
    // Z = −2 → Z' = −1 is an improvement on a higher-is-better metric, but "−50%" of a
    // signed range means nothing.
    const result = benchmarkRegression({ baseline: -2, aligned: -1, direction: 'higher' })
    expect(result.regressionPct).toBeNull()
    expect(result.noRelativeReason).toBe('signed-metric')
    expect(result.delta).toBe(1)
    expect(result.isGain).toBe(true)
    expect(result.explanation).toContain('change in points')
  })

  it('gives no relative figure for signed metrics by name, whatever the values', () => {
    // cola's MCC from 0.09 to 0.22 would read as a "−144%" gain.
    for (const metric of ['mcc', 'mcc (none)', 'bleu_diff', 'rouge1_diff', 'scorer/mcc', 'pearson_r']) {
      const result = benchmarkRegression({ baseline: 0.09, aligned: 0.22, direction: 'higher', metric })
      expect(result.regressionPct, metric).toBeNull()
      expect(result.noRelativeReason).toBe('signed-metric')
      expect(result.isGain).toBe(true)
    }
    for (const metric of ['acc', 'acc_norm', 'exact_match (strict-match)', 'bleu_max', 'f1']) {
      expect(isSignedMetric(metric), metric).toBe(false)
    }
  })

  it('gives no relative figure for a baseline at or near 0', () => {
    const result = benchmarkRegression({ baseline: 0.004, aligned: 0.012, direction: 'higher', metric: 'acc' })
    expect(result.regressionPct).toBeNull()
    expect(result.noRelativeReason).toBe('baseline-near-zero')
    expect(result.delta).toBeCloseTo(0.008, 12)
    expect(benchmarkRegression({ baseline: 0.5, aligned: 0.4, direction: 'higher' }).noRelativeReason).toBeNull()
  })

  it('a relative figure, when given, has a positive baseline and no negative score (property)', () => {
    const score = fc.double({ min: -100, max: 100, noNaN: true })
    fc.assert(
      fc.property(
        score,
        score,
        fc.constantFrom<'higher' | 'lower'>('higher', 'lower'),
        (baseline, aligned, direction) => {
          const r = regressionFigures({ baseline, aligned, direction })
          if (r.regressionPct !== null) {
            expect(baseline).toBeGreaterThan(NEAR_ZERO_BASELINE)
            expect(aligned).toBeGreaterThanOrEqual(0)
            expect(r.noRelativeReason).toBeNull()
          } else expect(r.noRelativeReason).not.toBeNull()
        },
      ),
    )
  })

  it('Z = 0 has no relative figure: the absolute delta is explained instead', () => {
    const result = benchmarkRegression({ baseline: 0, aligned: 0.75, direction: 'higher' })
    expect(result.regressionPct).toBeNull()
    expect(result.delta).toBe(0.75)
    expect(result.isGain).toBe(true)
    expect(result.explanation).toContain('no relative figure')
    expect(result.explanation).toContain('0.75')
    expect(benchmarkRegression({ baseline: 0, aligned: 0.75, direction: 'lower' }).isRegression).toBe(true)
  })

  it('never reports an infinite percentage for a baseline too close to 0', () => {
    const result = benchmarkRegression({ baseline: 5e-324, aligned: -1e-17, direction: 'higher' })
    expect(result.regressionPct).toBeNull()
    expect(result.isRegression).toBe(true)
    expect(result.explanation).toContain('no relative figure')
  })

  it('no change is neither a gain nor a regression', () => {
    const result = benchmarkRegression({ baseline: 0.4, aligned: 0.4, direction: 'higher' })
    expect(result.regressionPct).toBe(0)
    expect(result.isGain).toBe(false)
    expect(result.isRegression).toBe(false)
  })

  it('computes z from both standard errors', () => {
    // (0.75 − 0.8) / √(0.01² + 0.012²) = −0.05 / 0.0156205 ≈ −3.2009
    const result = benchmarkRegression({
      baseline: 0.8,
      aligned: 0.75,
      baselineStderr: 0.01,
      alignedStderr: 0.012,
      direction: 'higher',
    })
    expect(result.z).toBeCloseTo(-3.2009, 3)
    expect(result.significant).toBe(true)
    expect(result.explanation).toContain('significant')
  })

  it('a small difference with wide errors is not significant', () => {
    // −0.05 / √(0.05² + 0.05²) ≈ −0.707
    const result = benchmarkRegression({
      baseline: 0.8,
      aligned: 0.75,
      baselineStderr: 0.05,
      alignedStderr: 0.05,
      direction: 'higher',
    })
    expect(result.z).toBeCloseTo(-0.7071, 3)
    expect(result.significant).toBe(false)
    expect(result.explanation).toContain('not significant')
  })

  it('|z| = 1.96 counts as significant', () => {
    const result = benchmarkRegression({
      baseline: 0,
      aligned: 1.96,
      baselineStderr: 1,
      alignedStderr: 0,
      direction: 'higher',
    })
    expect(result.z).toBe(1.96)
    expect(result.significant).toBe(true)
  })

  it('leaves z unknown without both standard errors, or when both are 0', () => {
    const oneSide = benchmarkRegression({ baseline: 0.8, aligned: 0.75, baselineStderr: 0.01, direction: 'higher' })
    expect(oneSide.z).toBeNull()
    expect(oneSide.significant).toBeNull()
    const nulls = benchmarkRegression({
      baseline: 0.8,
      aligned: 0.75,
      baselineStderr: null,
      alignedStderr: null,
      direction: 'higher',
    })
    expect(nulls.z).toBeNull()
    const zeros = benchmarkRegression({
      baseline: 0.8,
      aligned: 0.75,
      baselineStderr: 0,
      alignedStderr: 0,
      direction: 'higher',
    })
    expect(zeros.z).toBeNull()
    expect(zeros.significant).toBeNull()
  })

  it.each<[string, BenchmarkRegressionInput, string, RegExp]>([
    [
      'a negative baseline stderr',
      { baseline: 0.8, aligned: 0.7, baselineStderr: -0.1, alignedStderr: 0.01, direction: 'higher' },
      'baselineStderr',
      /baselineStderr must be at least 0, got -0\.1/,
    ],
    [
      'a negative aligned stderr',
      { baseline: 0.8, aligned: 0.7, alignedStderr: -2, direction: 'higher' },
      'alignedStderr',
      /alignedStderr must be at least 0, got -2/,
    ],
    [
      'a NaN aligned score',
      { baseline: 0.8, aligned: NaN, direction: 'higher' },
      'aligned',
      /aligned must be a finite number, got NaN/,
    ],
    ['an infinite baseline', { baseline: -Infinity, aligned: 0.7, direction: 'higher' }, 'baseline', /got -Infinity/],
    [
      'an unknown direction',
      { baseline: 0.8, aligned: 0.7, direction: 'better' as Direction },
      'direction',
      /got "better"/,
    ],
  ])('rejects %s', (_name, input, path, message) => {
    let caught: unknown
    try {
      benchmarkRegression(input)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    expect((caught as TaxInputError).path).toBe(path)
    expect((caught as TaxInputError).message).toMatch(message)
  })
})

const scores = fc.double({ min: -1e6, max: 1e6, noNaN: true })

describe('benchmarkRegression properties', () => {
  it('the regression sign flips with direction', () => {
    fc.assert(
      fc.property(scores, scores, (baseline, aligned) => {
        const higher = benchmarkRegression({ baseline, aligned, direction: 'higher' })
        const lower = benchmarkRegression({ baseline, aligned, direction: 'lower' })
        if (baseline === 0) {
          expect(higher.regressionPct).toBeNull()
          expect(lower.regressionPct).toBeNull()
        } else {
          expect(lower.regressionPct).toBeCloseTo(-(higher.regressionPct as number), 6)
        }
        expect(higher.isGain).toBe(lower.isRegression)
        expect(higher.isRegression).toBe(lower.isGain)
      }),
    )
  })

  it('positive regression means the aligned model moved the wrong way', () => {
    fc.assert(
      fc.property(scores, scores, fc.constantFrom<Direction>('higher', 'lower'), (baseline, aligned, direction) => {
        const result = benchmarkRegression({ baseline, aligned, direction })
        const worse = direction === 'higher' ? aligned < baseline : aligned > baseline
        expect(result.isRegression).toBe(worse)
        if (result.regressionPct !== null && result.regressionPct !== 0) expect(result.regressionPct > 0).toBe(worse)
      }),
    )
  })
})
