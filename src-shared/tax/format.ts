/**
 * Number formatting for the engine's explanations, and later for the UI and
 * reports. Explanations spell out arithmetic, so numbers are rounded for display
 * only (the engine's results stay unrounded) and never show float noise such as
 * 0.30000000000000004. Negative numbers use an ASCII hyphen so copied text parses.
 */
import { TaxInputError } from './errors'

function requireDecimals(decimals: number, path: string): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new TaxInputError(`${path} must be a whole number between 0 and 20, got ${String(decimals)}`, path, decimals)
  }
  return decimals
}

function formatNonFinite(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  return x > 0 ? '∞' : '-∞'
}

/**
 * Compact number: at most `maxDecimals` decimals, trailing zeros trimmed
 * (0.1 + 0.2 → "0.3", 64.9 → "64.9", 2 → "2"). A non-zero value too small for
 * `maxDecimals` keeps `maxDecimals` significant digits instead of showing "0".
 */
export function formatNumber(x: number, maxDecimals = 3): string {
  requireDecimals(maxDecimals, 'maxDecimals')
  if (!Number.isFinite(x)) return formatNonFinite(x)
  const rounded = Number(x.toFixed(maxDecimals))
  if (rounded === 0) {
    if (x === 0) return '0'
    return String(Number(x.toPrecision(Math.max(1, maxDecimals))))
  }
  return String(rounded)
}

/** A value already in percent: formatPct(30) → "30%", formatPct(-66.667) → "-66.7%". */
export function formatPct(x: number, decimals = 1): string {
  requireDecimals(decimals, 'decimals')
  return `${formatNumber(x, decimals)}%`
}

const USD_SCALES: ReadonlyArray<readonly [number, string]> = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
]

/** Inserts commas into the whole part of a plain decimal string: "12500.5" → "12,500.5". */
function groupThousands(text: string): string {
  const [whole, fraction] = text.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}

/**
 * Money: millions and up with three significant digits, trailing zeros trimmed
 * ("$1.2M", "$1.23M", "$12.5M", "$3B"), below a
 * million as whole dollars with commas ("$12,500"), and cents only for small
 * amounts that have them ("$12.50").
 */
export function formatUsd(x: number): string {
  if (!Number.isFinite(x)) return formatNonFinite(x)
  const abs = Math.abs(x)
  let body: string | null = null
  for (const [scale, suffix] of USD_SCALES) {
    // Three significant digits; the scale is chosen by the rounded value so that
    // 999,960,000 reads "$1B", not "$1000M".
    const scaled = abs / scale
    const decimals = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2
    if (Number(scaled.toFixed(decimals)) >= 1) {
      body = `$${groupThousands(formatNumber(scaled, decimals))}${suffix}`
      break
    }
  }
  if (body === null) {
    const cents = Math.round(abs * 100)
    if (cents === 0) return '$0'
    const wholeDollars = abs >= 1000 || cents % 100 === 0
    body = wholeDollars
      ? `$${groupThousands(String(Math.round(abs)))}`
      : `$${groupThousands(String(Math.floor(cents / 100)))}.${String(cents % 100).padStart(2, '0')}`
  }
  return x < 0 ? `-${body}` : body
}

/** Durations in months, always one decimal: formatMonths(9) → "9.0 months". */
export function formatMonths(x: number): string {
  if (!Number.isFinite(x)) return `${formatNonFinite(x)} months`
  const fixed = x.toFixed(1)
  return `${fixed === '-0.0' ? '0.0' : fixed} months`
}

/**
 * The one catalog of units for figures, shared by the app, the reports and the CLI:
 * - `pct`: a percentage (a regression %, a tax %): "12.5%";
 * - `pp`: a change between two percentages, in percentage points: "+2.5 pp";
 * - `pts`: a change of a benchmark score, in points of the metric's own units: "+0.31 pts"
 *   (what a row without a relative figure shows).
 */
export const UNIT_SUFFIX = { pct: '%', pp: ' pp', pts: ' pts' } as const

export type ChangeUnit = 'pp' | 'pts'

/** A signed change with its unit: formatChange(2.5, 'pp') → "+2.5 pp", formatChange(-0.31, 'pts') → "-0.31 pts". */
export function formatChange(delta: number, unit: ChangeUnit, decimals = 2): string {
  if (delta === 0) return `±0${UNIT_SUFFIX[unit]}`
  const text = formatNumber(delta, decimals)
  return `${text.startsWith('-') ? text : `+${text}`}${UNIT_SUFFIX[unit]}`
}

/**
 * A measurement's regression as every door shows it: the regression % where one is
 * given ("+12.5%"), else the change in points, marked ("+0.31 pts (signed metric)").
 */
export function formatRegression(
  regressionPct: number | null,
  delta: number | null,
  reason: 'signed-metric' | 'baseline-near-zero' | null = null,
): string {
  if (regressionPct !== null) {
    const text = formatPct(regressionPct, 2)
    return regressionPct > 0 ? `+${text}` : text
  }
  if (delta === null) return '—'
  const why =
    reason === 'signed-metric' ? 'signed metric, ' : reason === 'baseline-near-zero' ? 'baseline near 0, ' : ''
  return `${formatChange(delta, 'pts', 4)} (${why}no %)`
}
