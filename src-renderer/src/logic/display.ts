/**
 * Display wording shared by views: signs, tones and labels around the engine's
 * formatters (src-shared/tax/format). No tax arithmetic here.
 */
import {
  formatChange,
  formatMonths,
  formatNumber,
  formatPct,
  formatUsd,
  UNIT_SUFFIX,
} from '../../../src-shared/tax/format'

export type Tone = 'good' | 'bad' | 'neutral'

/** A regression percentage: positive is a tax, negative a gain ("−6.3% (gain)"). */
export function regressionText(pct: number | null): string {
  if (pct === null) return '—'
  if (pct < 0) return `${formatPct(pct, 2)} (gain)`
  if (pct > 0) return `+${formatPct(pct, 2)}`
  return '0%'
}

/** A measurement's regression: the % where one is given, else the change in points, marked. */
export function regressionOrPointsText(
  pct: number | null,
  delta: number | null,
  reason: 'signed-metric' | 'baseline-near-zero' | null,
): string {
  if (pct !== null || delta === null) return regressionText(pct)
  return `${formatChange(delta, 'pts', 4)} (${reason === 'signed-metric' ? 'signed metric' : 'baseline near 0'}: no %)`
}

export function regressionTone(pct: number | null): Tone {
  if (pct === null || pct === 0) return 'neutral'
  return pct > 0 ? 'bad' : 'good'
}

export const optionalMonths = (x: number | null | undefined) => (x == null ? '—' : formatMonths(x))
export const optionalUsd = (x: number | null | undefined) => (x == null ? '—' : formatUsd(x))
export const optionalPct = (x: number | null | undefined, decimals = 1) => (x == null ? '—' : formatPct(x, decimals))

/** "3× faster (−66.7%)" from a shrink's ratio and change. */
export function shrinkText(shrink: { ratio: number; pctChange: number } | null): string {
  if (!shrink) return '—'
  const speed =
    shrink.ratio > 1
      ? `${formatNumber(shrink.ratio, 2)}× faster`
      : shrink.ratio < 1
        ? `${formatNumber(1 / shrink.ratio, 2)}× slower`
        : 'no change'
  const pct = shrink.pctChange > 0 ? `+${formatPct(shrink.pctChange)}` : formatPct(shrink.pctChange)
  return `${speed} (${pct})`
}

/** Signed difference for a delta column: "+2.5", "−6.0 months", "+$12,000". */
export function signedText(delta: number, unit: 'months' | 'usd' | 'pct' | 'points' | 'number'): string {
  if (delta === 0) return '±0'
  const sign = delta > 0 ? '+' : '−'
  const abs = Math.abs(delta)
  switch (unit) {
    case 'months':
      return `${sign}${formatMonths(abs)}`
    case 'usd':
      return `${sign}${formatUsd(abs)}`
    // Units from the one catalog (src-shared/tax/format): a change of a % is in
    // percentage points (pp), a change of a score in points of its metric (pts).
    case 'pct':
      return `${sign}${formatNumber(abs, 1)}${UNIT_SUFFIX.pp}`
    case 'points':
      return `${sign}${formatNumber(abs, 2)}${UNIT_SUFFIX.pts}`
    default:
      return `${sign}${formatNumber(abs, 2)}`
  }
}

export const CATEGORY_LABELS: Record<string, string> = {
  'researcher-time': 'Researcher time',
  compute: 'Compute',
  'human-feedback': 'Human feedback',
  infrastructure: 'Infrastructure',
  other: 'Other',
}

export function directionText(direction: 'higher' | 'lower'): string {
  return direction === 'higher' ? '↑ higher' : '↓ lower'
}
