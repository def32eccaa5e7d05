import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CurvePoint, Direction } from '../../../../src-shared/domain/types'
import { computeEnvelope, inferenceTaxFromCurve } from '../../../../src-shared/tax/curve'
import { TaxInputError } from '../../../../src-shared/tax/errors'

const pts = (...pairs: Array<[number, number]>): CurvePoint[] =>
  pairs.map(([multiplier, score]) => ({ multiplier, score }))

describe('inferenceTaxFromCurve', () => {
  it('interpolates in log k between the last point short of Z and the first reaching it', () => {
    // log k* = log 2 + (0.7 − 0.65)/(0.72 − 0.65) · (log 4 − log 2) → k* = 2^(1 + 5/7)
    const tax = inferenceTaxFromCurve(pts([1, 0.6], [2, 0.65], [4, 0.72], [16, 0.8]), 0.7, 'higher')
    const expectedK = 2 ** (12 / 7)
    expect(tax.reached).toBe(true)
    expect(tax.upperBound).toBe(false)
    expect(tax.multiplier).toBeCloseTo(expectedK, 9)
    expect(tax.taxPct).toBeCloseTo((expectedK - 1) * 100, 7)
    expect(tax.interpolated?.multiplier).toBeCloseTo(expectedK, 9)
    expect(tax.interpolated?.score).toBe(0.7)
    expect(tax.kMax).toBe(16)
    expect(tax.explanation).toContain('log k* = log 2 + (0.7 − 0.65)/(0.72 − 0.65) × (log 4 − log 2)')
    expect(tax.explanation).toContain('k* = 3.281')
  })

  it('lands exactly on a point whose score equals Z', () => {
    const tax = inferenceTaxFromCurve(pts([1, 0.6], [2, 0.65], [4, 0.72]), 0.72, 'higher')
    expect(tax.multiplier).toBe(4)
    expect(tax.taxPct).toBe(300)
  })

  it('already at Z with k = 1 → tax 0', () => {
    const tax = inferenceTaxFromCurve(pts([1, 0.75], [4, 0.8]), 0.7, 'higher')
    expect(tax.reached).toBe(true)
    expect(tax.multiplier).toBe(1)
    expect(tax.taxPct).toBe(0)
    expect(tax.upperBound).toBe(false)
    expect(tax.interpolated).toBeNull()
  })

  it('a first point at k > 1 that already reaches Z gives k − 1 as an upper bound', () => {
    const tax = inferenceTaxFromCurve(pts([4, 0.75], [8, 0.8]), 0.7, 'higher')
    expect(tax.reached).toBe(true)
    expect(tax.multiplier).toBe(4)
    expect(tax.taxPct).toBe(300)
    expect(tax.upperBound).toBe(true)
    expect(tax.explanation).toContain('upper bound')
  })

  it('never reached: no number is invented', () => {
    const tax = inferenceTaxFromCurve(pts([1, 0.5], [4, 0.6], [16, 0.65]), 0.7, 'higher')
    expect(tax.reached).toBe(false)
    expect(tax.multiplier).toBeNull()
    expect(tax.taxPct).toBeNull()
    expect(tax.interpolated).toBeNull()
    expect(tax.kMax).toBe(16)
    expect(tax.explanation).toContain('not reached within k_max = 16 (tax > 1500%)')
  })

  it('lower-is-better flips which scores reach Z', () => {
    // Loss falls from 3 to 2 between k = 1 and 4; Z = 2.5 is half-way: k* = 2.
    const points = pts([1, 3], [4, 2])
    const lower = inferenceTaxFromCurve(points, 2.5, 'lower')
    expect(lower.multiplier).toBeCloseTo(2, 12)
    expect(lower.taxPct).toBeCloseTo(100, 9)
    // Read as higher-is-better the same data is already at Z at k = 1.
    expect(inferenceTaxFromCurve(points, 2.5, 'higher').taxPct).toBe(0)
  })

  it('uses the running best, so a dip does not count', () => {
    // Envelope: (1, 0.6), (2, 0.6), (4, 0.8); Z = 0.7 is half-way from k = 2 to 4 → k* = 2√2.
    const tax = inferenceTaxFromCurve(pts([1, 0.6], [2, 0.5], [4, 0.8]), 0.7, 'higher')
    expect(tax.envelope).toEqual(pts([1, 0.6], [2, 0.6], [4, 0.8]))
    expect(tax.multiplier).toBeCloseTo(2 * Math.SQRT2, 9)
  })

  it('sorts the points and takes the best score of duplicate k', () => {
    const tax = inferenceTaxFromCurve(pts([2, 0.6], [1, 0.5], [2, 0.7]), 0.7, 'higher')
    expect(tax.envelope).toEqual(pts([1, 0.5], [2, 0.7]))
    expect(tax.multiplier).toBe(2)
  })

  it.each<[string, CurvePoint[], number, Direction, string, RegExp]>([
    ['no points', [], 0.7, 'higher', 'points', /points must hold at least one point/],
    [
      'k below 1',
      pts([1, 0.5], [0.5, 0.7]),
      0.7,
      'higher',
      'points[1].multiplier',
      /points\[1\]\.multiplier must be at least 1, got 0\.5/,
    ],
    [
      'a NaN score',
      pts([1, NaN]),
      0.7,
      'higher',
      'points[0].score',
      /points\[0\]\.score must be a finite number, got NaN/,
    ],
    ['an infinite k', pts([Infinity, 0.5]), 0.7, 'higher', 'points[0].multiplier', /got Infinity/],
    [
      'an infinite baseline',
      pts([1, 0.5]),
      Infinity,
      'higher',
      'baseline',
      /baseline must be a finite number, got Infinity/,
    ],
    [
      'an unknown direction',
      pts([1, 0.5]),
      0.7,
      'up' as Direction,
      'direction',
      /direction must be 'higher' or 'lower', got "up"/,
    ],
  ])('rejects %s', (_name, points, baseline, direction, path, message) => {
    let caught: unknown
    try {
      inferenceTaxFromCurve(points, baseline, direction)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(TaxInputError)
    expect((caught as TaxInputError).path).toBe(path)
    expect((caught as TaxInputError).message).toMatch(message)
  })
})

describe('computeEnvelope', () => {
  it('is direction-aware', () => {
    expect(computeEnvelope(pts([1, 3], [2, 4], [4, 2]), 'lower')).toEqual(pts([1, 3], [2, 3], [4, 2]))
  })

  it('validates its input', () => {
    expect(() => computeEnvelope(pts([0, 1]), 'higher')).toThrow(TaxInputError)
  })
})

const curvePoints = fc.array(
  fc.record({
    multiplier: fc.double({ min: 1, max: 1024, noNaN: true }),
    score: fc.double({ min: -100, max: 100, noNaN: true }),
  }),
  { minLength: 1, maxLength: 8 },
)
const scores = fc.double({ min: -120, max: 120, noNaN: true })

describe('inferenceTaxFromCurve properties', () => {
  it('the tax never falls when the baseline rises (higher-is-better)', () => {
    fc.assert(
      fc.property(curvePoints, scores, scores, (points, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        const easier = inferenceTaxFromCurve(points, low, 'higher')
        const harder = inferenceTaxFromCurve(points, high, 'higher')
        if (harder.taxPct === null) return
        expect(easier.taxPct).not.toBeNull()
        expect(easier.taxPct as number).toBeLessThanOrEqual(harder.taxPct * (1 + 1e-12) + 1e-9)
      }),
    )
  })

  it('k* stays within [1, k_max] and the tax is never negative', () => {
    fc.assert(
      fc.property(curvePoints, scores, fc.constantFrom<Direction>('higher', 'lower'), (points, baseline, direction) => {
        const tax = inferenceTaxFromCurve(points, baseline, direction)
        expect(tax.kMax).toBe(Math.max(...points.map((point) => point.multiplier)))
        if (tax.multiplier === null) {
          expect(tax.reached).toBe(false)
          return
        }
        expect(tax.multiplier).toBeGreaterThanOrEqual(1)
        expect(tax.multiplier).toBeLessThanOrEqual(tax.kMax)
        expect(tax.taxPct).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('negating scores and baseline while flipping direction changes nothing', () => {
    fc.assert(
      fc.property(curvePoints, scores, (points, baseline) => {
        const higher = inferenceTaxFromCurve(points, baseline, 'higher')
        const mirrored = points.map((point) => ({ multiplier: point.multiplier, score: -point.score }))
        const lower = inferenceTaxFromCurve(mirrored, -baseline, 'lower')
        expect(lower.reached).toBe(higher.reached)
        if (higher.taxPct !== null) expect(lower.taxPct).toBeCloseTo(higher.taxPct, 6)
      }),
    )
  })
})
