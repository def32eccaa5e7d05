/**
 * Benchmark regression: the aligned model's score Z' against the unaligned
 * baseline Z on one benchmark and metric. Alignment can also improve a benchmark,
 * so a negative regression (a gain) is a real, expected value.
 */
import type { Direction } from '../domain/types'
import { formatNumber, formatPct } from './format'
import { optionalAtLeast, requireDirection, requireFinite, requireObject } from './validation'

/** |z| at or above this is significant (two-sided, 95%). */
export const SIGNIFICANCE_Z = 1.96

export interface BenchmarkRegressionInput {
  baseline: number
  aligned: number
  /** Standard errors; null or absent when not reported. */
  baselineStderr?: number | null
  alignedStderr?: number | null
  direction: Direction
}

export interface BenchmarkRegression {
  /**
   * Positive = tax, negative = gain, relative to |Z|; null when Z = 0 (no relative
   * figure), or when Z is so tiny that the ratio overflows.
   */
  regressionPct: number | null
  /** Z' − Z, raw, whatever the direction. */
  delta: number
  /** (Z' − Z)/√(se² + se'²); null unless both standard errors are known and not both 0. */
  z: number | null
  /** |z| ≥ 1.96; null when z is. */
  significant: boolean | null
  /** The aligned model is better than the baseline. */
  isGain: boolean
  /** The aligned model is worse than the baseline. Neither flag is set when they are equal. */
  isRegression: boolean
  explanation: string
}

export type RegressionFigures = Omit<BenchmarkRegression, 'explanation'>

/**
 * The numbers of a benchmark regression, without the explanation: what aggregates
 * over many thousands of measurements need (building the words costs far more).
 *
 * @throws TaxInputError on non-finite scores, negative or non-finite standard errors
 */
export function regressionFigures(input: BenchmarkRegressionInput): RegressionFigures {
  const fields = requireObject(input, 'input')
  const baseline = requireFinite(fields.baseline, 'baseline')
  const aligned = requireFinite(fields.aligned, 'aligned')
  const baselineStderr = optionalAtLeast(fields.baselineStderr, 0, 'baselineStderr')
  const alignedStderr = optionalAtLeast(fields.alignedStderr, 0, 'alignedStderr')
  const direction = requireDirection(fields.direction, 'direction')

  const delta = aligned - baseline
  // Worsening expressed in the metric's own direction: positive = the aligned model is worse.
  const worsening = direction === 'higher' ? baseline - aligned : aligned - baseline
  const relative = (worsening / Math.abs(baseline)) * 100
  // A baseline of 0 (or so close to 0 that the ratio overflows) has no relative figure.
  const regressionPct = Number.isFinite(relative) ? relative : null
  let z: number | null = null
  let significant: boolean | null = null
  if (baselineStderr !== null && alignedStderr !== null && (baselineStderr > 0 || alignedStderr > 0)) {
    z = delta / Math.sqrt(baselineStderr ** 2 + alignedStderr ** 2)
    significant = Math.abs(z) >= SIGNIFICANCE_Z
  }
  return { regressionPct, delta, z, significant, isGain: worsening < 0, isRegression: worsening > 0 }
}

/**
 * Higher-is-better: regression% = (Z − Z')/|Z| · 100; lower-is-better flips the
 * sign, so positive is always a tax. With both standard errors,
 * z = (Z' − Z)/√(se² + se'²) and |z| ≥ 1.96 is significant.
 *
 * @throws TaxInputError on non-finite scores, negative or non-finite standard errors
 */
export function benchmarkRegression(input: BenchmarkRegressionInput): BenchmarkRegression {
  const figures = regressionFigures(input)
  const { regressionPct, delta, z, significant, isGain, isRegression } = figures
  const { baseline, aligned, direction } = input
  const baselineStderr = input.baselineStderr ?? null
  const alignedStderr = input.alignedStderr ?? null

  const zText = formatNumber(baseline, 4)
  const alignedText = formatNumber(aligned, 4)
  const verdict = isGain ? 'a gain' : isRegression ? 'a regression (tax)' : 'no change'
  const sentences: string[] = []
  if (regressionPct === null) {
    sentences.push(
      `The baseline is ${baseline === 0 ? '0' : 'too close to 0'}, so there is no relative figure: aligned − baseline = ${alignedText} − ${zText} = ${formatNumber(delta, 4)}, ${verdict}` +
        ` (${direction} is better).`,
    )
  } else {
    const numerator = direction === 'higher' ? `(${zText} − ${alignedText})` : `(${alignedText} − ${zText})`
    sentences.push(
      `${numerator} / |${zText}| × 100 = ${formatPct(regressionPct, 2)}: ${verdict}` +
        (direction === 'lower' ? ' (lower is better, so the sign is flipped).' : '.'),
    )
  }
  if (z !== null) {
    sentences.push(
      `z = (${alignedText} − ${zText}) / √(${formatNumber(baselineStderr!, 4)}² + ${formatNumber(alignedStderr!, 4)}²) = ${formatNumber(z, 2)}: ` +
        (significant ? `significant (|z| ≥ ${SIGNIFICANCE_Z}).` : `not significant (|z| < ${SIGNIFICANCE_Z}).`),
    )
  } else if (baselineStderr === 0 && alignedStderr === 0) {
    sentences.push('Significance unknown: both standard errors are 0.')
  } else {
    sentences.push('Significance unknown: it needs both standard errors.')
  }
  return { ...figures, explanation: sentences.join(' ') }
}
