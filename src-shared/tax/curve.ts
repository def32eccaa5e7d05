/**
 * Inference-compute tax from a measured curve: the aligned model's score at
 * several compute multipliers k (best-of-k or k× compute). The tax is the compute
 * the aligned model needs to get back to the baseline score Z, minus 1.
 */
import type { CurvePoint, Direction } from '../domain/types'
import { TaxInputError } from './errors'
import { formatNumber, formatPct } from './format'
import { requireArray, requireAtLeast, requireDirection, requireFinite, requireObject } from './validation'

export interface CurveTax {
  /** Whether any measured k reaches Z. */
  reached: boolean
  /** k*, the compute multiplier at which the aligned model reaches Z; null when not reached. */
  multiplier: number | null
  /** (k* − 1) · 100; null when not reached (no number is invented beyond k_max). */
  taxPct: number | null
  /**
   * True when k* could only be bounded from above: the first measured point is at
   * k > 1 and already reaches Z, so the true k* lies somewhere in [1, k].
   */
  upperBound: boolean
  /** Largest measured k. */
  kMax: number
  /** One point per distinct k, sorted by k, holding the best score at that k or below. */
  envelope: CurvePoint[]
  /** (k*, Z) when k* was interpolated between two envelope points; null otherwise. */
  interpolated: CurvePoint | null
  explanation: string
}

function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'higher' ? a > b : a < b
}

function reaches(score: number, baseline: number, direction: Direction): boolean {
  return direction === 'higher' ? score >= baseline : score <= baseline
}

/**
 * Running best score by k. Spending more compute can always fall back to doing
 * what a smaller k did, so the usable score never gets worse as k grows; among
 * duplicate k the best score counts.
 */
export function computeEnvelope(points: CurvePoint[], direction: Direction): CurvePoint[] {
  return buildEnvelope(checkPoints(points), requireDirection(direction, 'direction'))
}

function buildEnvelope(points: CurvePoint[], direction: Direction): CurvePoint[] {
  const sorted = [...points].sort((a, b) => a.multiplier - b.multiplier)
  const envelope: CurvePoint[] = []
  for (const point of sorted) {
    const last = envelope[envelope.length - 1]
    if (last === undefined) {
      envelope.push({ multiplier: point.multiplier, score: point.score })
    } else {
      const best = isBetter(point.score, last.score, direction) ? point.score : last.score
      if (point.multiplier === last.multiplier) last.score = best
      else envelope.push({ multiplier: point.multiplier, score: best })
    }
  }
  return envelope
}

function checkPoints(points: unknown): CurvePoint[] {
  const list = requireArray(points, 'points')
  if (list.length === 0) throw new TaxInputError('points must hold at least one point, got none', 'points', points)
  return list.map((point, i) => {
    const fields = requireObject(point, `points[${i}]`)
    return {
      multiplier: requireAtLeast(fields.multiplier, 1, `points[${i}].multiplier`),
      score: requireFinite(fields.score, `points[${i}].score`),
    }
  })
}

/**
 * Finds the first k at which the running-best score reaches the baseline Z and
 * interpolates linearly in log k between it (k₂, s₂) and the envelope point
 * before it (k₁, s₁):
 *   log k* = log k₁ + (Z − s₁)/(s₂ − s₁) · (log k₂ − log k₁),  tax = k* − 1.
 *
 * Edge cases:
 * - the first point is at k = 1 and already reaches Z → tax 0;
 * - the first point is at k > 1 and already reaches Z, with no point before it:
 *   k* is somewhere in [1, k] and we report the upper bound k − 1 as the tax
 *   (`upperBound: true`), since interpolating towards an unmeasured k = 1 would
 *   invent a score the aligned model was never seen to have;
 * - never reached → reached false, multiplier and taxPct null.
 *
 * @throws TaxInputError on an empty list, k < 1 or a non-finite score or baseline
 */
export function inferenceTaxFromCurve(points: CurvePoint[], baseline: number, direction: Direction): CurveTax {
  const checked = checkPoints(points)
  const z = requireFinite(baseline, 'baseline')
  const dir = requireDirection(direction, 'direction')
  const envelope = buildEnvelope(checked, dir)
  const kMax = envelope[envelope.length - 1].multiplier
  const firstReaching = envelope.findIndex((point) => reaches(point.score, z, dir))
  const zText = formatNumber(z, 4)

  if (firstReaching === -1) {
    const best = envelope[envelope.length - 1].score
    return {
      reached: false,
      multiplier: null,
      taxPct: null,
      upperBound: false,
      kMax,
      envelope,
      interpolated: null,
      explanation:
        `not reached within k_max = ${formatNumber(kMax)} (tax > ${formatPct((kMax - 1) * 100)}): ` +
        `the best score, ${formatNumber(best, 4)}, stays ${dir === 'higher' ? 'below' : 'above'} the baseline Z = ${zText}.`,
    }
  }

  const reached = envelope[firstReaching]
  if (firstReaching === 0) {
    const k = reached.multiplier
    const explanation =
      k === 1
        ? `already at the baseline Z = ${zText} with k = 1 (score ${formatNumber(reached.score, 4)}) → 0% more inference compute`
        : `the first measured point, k = ${formatNumber(k)} (score ${formatNumber(reached.score, 4)}), already reaches Z = ${zText}; ` +
          `with no point below it the tax is at most ${formatPct((k - 1) * 100)} (an upper bound)`
    return {
      reached: true,
      multiplier: k,
      taxPct: (k - 1) * 100,
      upperBound: k > 1,
      kMax,
      envelope,
      interpolated: null,
      explanation,
    }
  }

  const before = envelope[firstReaching - 1]
  const [k1, s1, k2, s2] = [before.multiplier, before.score, reached.multiplier, reached.score]
  // s₂ differs from s₁: s₁ falls short of Z and s₂ reaches it.
  const share = (z - s1) / (s2 - s1)
  const interpolatedK =
    share >= 1 ? k2 : Math.min(k2, Math.max(k1, Math.exp(Math.log(k1) + share * (Math.log(k2) - Math.log(k1)))))
  const taxPct = (interpolatedK - 1) * 100
  const explanation =
    `Z = ${zText} is first reached at k = ${formatNumber(k2)} (score ${formatNumber(s2, 4)}) after ` +
    `k = ${formatNumber(k1)} (score ${formatNumber(s1, 4)}); interpolating in log k: ` +
    `log k* = log ${formatNumber(k1)} + (${zText} − ${formatNumber(s1, 4)})/(${formatNumber(s2, 4)} − ${formatNumber(s1, 4)}) × ` +
    `(log ${formatNumber(k2)} − log ${formatNumber(k1)}) → k* = ${formatNumber(interpolatedK)} → ${formatPct(taxPct)} more inference compute`
  return {
    reached: true,
    multiplier: interpolatedK,
    taxPct,
    upperBound: false,
    kMax,
    envelope,
    interpolated: { multiplier: interpolatedK, score: z },
    explanation,
  }
}
