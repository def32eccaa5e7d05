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

/**
 * Below this baseline a relative figure says nothing useful (0.004 → 0.012 is "−200%"):
 * 0.01 is 1 point on the usual 0–1 scale. Scores are in the metric's own units.
 */
export const NEAR_ZERO_BASELINE = 0.01

/**
 * Metrics whose range includes negative values: a ratio to such a baseline has no
 * meaning (MCC going from −0.09 to +0.22 is not a "339% gain"). Matched on the metric
 * name without its filter ("mcc (none)" → mcc) and without an Inspect scorer prefix.
 */
const SIGNED_METRIC =
  /^(mcc|matthews_corrcoef|.*_diff|diff|delta|.*correlation|pearson.*|spearman.*|kendall.*|r2|.*_bias|bias)$/

const signedByName = new Map<string, boolean>()

/** Whether a metric is signed by its name (see SIGNED_METRIC). */
export function isSignedMetric(metric: string): boolean {
  let signed = signedByName.get(metric)
  if (signed === undefined) {
    const bare = metric.split(' (')[0].split('/').at(-1)!.trim().toLowerCase()
    signed = SIGNED_METRIC.test(bare)
    // Files hold a handful of metric names over up to millions of rows: each is worked out once.
    if (signedByName.size >= 10_000) signedByName.clear()
    signedByName.set(metric, signed)
  }
  return signed
}

/** Why a paired measurement has no relative figure; null when it has one. */
export type NoRelativeReason = 'signed-metric' | 'baseline-near-zero'

export interface BenchmarkRegressionInput {
  baseline: number
  aligned: number
  /** Standard errors; null or absent when not reported. */
  baselineStderr?: number | null
  alignedStderr?: number | null
  direction: Direction
  /** The metric's name: signed metrics (MCC, *_diff) get no relative figure. */
  metric?: string
}

export interface BenchmarkRegression {
  /**
   * Positive = tax, negative = gain, relative to Z; null where a ratio means nothing:
   * a signed metric or one with a negative score, or a baseline ≤ NEAR_ZERO_BASELINE
   * (see `noRelativeReason`). Those rows show `delta`, in points of the metric.
   */
  regressionPct: number | null
  /** Why `regressionPct` is null for a paired measurement; null when it is given. */
  noRelativeReason: NoRelativeReason | null
  /** Z' − Z, raw, whatever the direction, in points of the metric's own units. */
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
  const metric = typeof fields.metric === 'string' ? fields.metric : ''
  return checkedRegressionFigures(baseline, aligned, baselineStderr, alignedStderr, direction, metric)
}

/**
 * regressionFigures of inputs already checked (finite scores, standard errors null or
 * ≥ 0, a direction): what an import feeds for each row it has just written (the
 * database's row rules checked them), without an input object per row.
 */
export function checkedRegressionFigures(
  baseline: number,
  aligned: number,
  baselineStderr: number | null,
  alignedStderr: number | null,
  direction: Direction,
  metric: string,
): RegressionFigures {
  const delta = aligned - baseline
  // Worsening expressed in the metric's own direction: positive = the aligned model is worse.
  const worsening = direction === 'higher' ? baseline - aligned : aligned - baseline
  const relative = (worsening / Math.abs(baseline)) * 100
  const noRelativeReason: NoRelativeReason | null =
    isSignedMetric(metric) || baseline < 0 || aligned < 0
      ? 'signed-metric'
      : baseline <= NEAR_ZERO_BASELINE || !Number.isFinite(relative)
        ? 'baseline-near-zero'
        : null
  const regressionPct = noRelativeReason === null ? relative : null
  let z: number | null = null
  let significant: boolean | null = null
  if (baselineStderr !== null && alignedStderr !== null && (baselineStderr > 0 || alignedStderr > 0)) {
    z = delta / Math.sqrt(baselineStderr ** 2 + alignedStderr ** 2)
    significant = Math.abs(z) >= SIGNIFICANCE_Z
  }
  return {
    regressionPct,
    noRelativeReason,
    delta,
    z,
    significant,
    isGain: worsening < 0,
    isRegression: worsening > 0,
  }
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
  const { regressionPct, noRelativeReason, delta, z, significant, isGain, isRegression } = figures
  const { baseline, aligned, direction } = input
  const baselineStderr = input.baselineStderr ?? null
  const alignedStderr = input.alignedStderr ?? null

  const zText = formatNumber(baseline, 4)
  const alignedText = formatNumber(aligned, 4)
  const verdict = isGain ? 'a gain' : isRegression ? 'a regression (tax)' : 'no change'
  const sentences: string[] = []
  if (regressionPct === null) {
    const why =
      noRelativeReason === 'signed-metric'
        ? 'The metric is signed (its range includes negative values)'
        : baseline === 0
          ? 'The baseline is 0'
          : 'The baseline is at or too close to 0'
    sentences.push(
      `${why}, so there is no relative figure, only the change in points: aligned − baseline = ${alignedText} − ${zText} = ${formatNumber(delta, 4)}, ${verdict}` +
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
