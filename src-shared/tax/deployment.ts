/**
 * Time-to-deployment tax: calendar months from the pretrained model being ready
 * to the aligned model being deployed, how it shrinks between generations, and a
 * forecast for the next generation.
 */
import { TaxInputError } from './errors'
import { formatMonths, formatNumber, formatPct } from './format'
import {
  describeValue,
  requireArray,
  requireBoolean,
  requireGreaterThan,
  requireInteger,
  requireObject,
} from './validation'

interface CalendarDate {
  year: number
  month: number
  day: number
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (no Date: years below 100 stay literal). */
function dayNumber({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const monthFromMarch = (month + 9) % 12
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

function parseIsoDate(value: unknown, path: string): CalendarDate {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null
  if (match === null) {
    throw new TaxInputError(`${path} must be a date as YYYY-MM-DD, got ${describeValue(value)}`, path, value)
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new TaxInputError(`${path} is not a calendar date, got ${describeValue(value)}`, path, value)
  }
  return { year, month, day }
}

/** The same day-of-month `months` later, clamped to the end of shorter months (Jan 31 + 1 → Feb 28). */
function addMonths(date: CalendarDate, months: number): CalendarDate {
  const monthIndex = date.year * 12 + (date.month - 1) + months
  const year = Math.floor(monthIndex / 12)
  const month = monthIndex - year * 12 + 1
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) }
}

function monthsBetween(fromValue: unknown, toValue: unknown, fromPath: string, toPath: string): number {
  const from = parseIsoDate(fromValue, fromPath)
  const to = parseIsoDate(toValue, toPath)
  const toDay = dayNumber(to)
  if (toDay < dayNumber(from)) {
    throw new TaxInputError(
      `${toPath} must not be before ${fromPath} (${describeValue(fromValue)}), got ${describeValue(toValue)}`,
      toPath,
      toValue,
    )
  }
  let wholeMonths = (to.year - from.year) * 12 + (to.month - from.month)
  let anchor = addMonths(from, wholeMonths)
  if (dayNumber(anchor) > toDay) {
    wholeMonths -= 1
    anchor = addMonths(from, wholeMonths)
  }
  const nextAnchor = addMonths(from, wholeMonths + 1)
  const partialDays = toDay - dayNumber(anchor)
  return wholeMonths + partialDays / (dayNumber(nextAnchor) - dayNumber(anchor))
}

/**
 * Calendar months from `from` to `to` (both YYYY-MM-DD): whole months first
 * (same day-of-month), then the remaining days as a fraction of the month they
 * fall in. 2021-01-15 → 2021-10-15 is exactly 9.
 *
 * End of month: a day-of-month the target month lacks is clamped to its last day,
 * so 2021-01-31 → 2021-02-28 is exactly 1 month (as are Jan 28, 29 and 30 →
 * Feb 28). The partial month is divided by the days from the last whole-month
 * anchor to the next one (Jan 15 → Feb 15 = 31 days, the length of January);
 * this equals the month's length except where clamping shortens or lengthens it,
 * and it keeps the fraction below 1 so the result never jumps backwards.
 *
 * @throws TaxInputError on a malformed or impossible date, or `to` before `from`
 */
export function calendarMonths(from: string, to: string): number {
  return monthsBetween(from, to, 'from', 'to')
}

/** Months from the pretrained model being ready to deployment; null while not deployed. */
export function timeToDeploymentMonths(pretrainedOn: string, deployedOn: string | null): number | null {
  if (deployedOn === null) {
    parseIsoDate(pretrainedOn, 'pretrainedOn')
    return null
  }
  return monthsBetween(pretrainedOn, deployedOn, 'pretrainedOn', 'deployedOn')
}

export interface DeploymentShrink {
  /** prevMonths / nextMonths: 3 means "3× faster", 0.5 means "2× slower". */
  ratio: number
  /** (next − prev)/prev · 100: negative when time to deployment shrank. */
  pctChange: number
  explanation: string
}

/**
 * How time to deployment changed from one generation to the next (9 → 3 months
 * is 3× faster, −66.7%).
 *
 * @throws TaxInputError unless both durations are finite and greater than 0
 */
export function deploymentShrink(prevMonths: number, nextMonths: number): DeploymentShrink {
  const prev = requireGreaterThan(prevMonths, 0, 'prevMonths')
  const next = requireGreaterThan(nextMonths, 0, 'nextMonths')
  const ratio = prev / next
  const pctChange = ((next - prev) / prev) * 100
  const speed =
    ratio > 1 ? `${formatNumber(ratio, 2)}× faster` : ratio < 1 ? `${formatNumber(1 / ratio, 2)}× slower` : 'no change'
  const signedPct = pctChange > 0 ? `+${formatPct(pctChange)}` : formatPct(pctChange)
  return {
    ratio,
    pctChange,
    explanation: `${formatMonths(prev)} → ${formatMonths(next)}: ${formatNumber(prev, 2)} / ${formatNumber(next, 2)} = ${speed} (${signedPct})`,
  }
}

export interface DeploymentGenerationInput {
  ordinal: number
  /** Time to deployment in months; null when not deployed yet. */
  ttdMonths: number | null
  /** This generation moved to a new alignment technique, restarting the trend. */
  techniqueChange: boolean
}

export interface DeploymentForecast {
  /** Forecast time to deployment for generation `forOrdinal`. */
  months: number
  low: number
  high: number
  /** Ordinals of the generations the trend was fitted on. */
  basedOn: number[]
  /** The generation forecast: the one after the last generation fitted on. */
  forOrdinal: number
  explanation: string
}

/**
 * A band narrower than ±10% would claim more certainty than a handful of
 * generations can give (e.g. two equal durations fit a flat line exactly).
 */
const MIN_LOG_HALF_WIDTH = Math.log(1.1)

/**
 * Forecasts the next generation's time to deployment from the deployed
 * generations since (and including) the last technique change, since a technique
 * change restarts the trend. Fits log(months) = a + b · ordinal by least squares
 * and predicts the ordinal after the last one fitted.
 *
 * Band, in log space around the prediction:
 * - 3 or more points: ± one standard error of prediction,
 *   s · √(1 + 1/n + (x − x̄)²/Σ(xᵢ − x̄)²), where s is the residual standard error;
 * - 2 points: the line fits them exactly (s has no degrees of freedom), so the band
 *   is ± the last step's log-change: the next step is taken to be as uncertain as
 *   the one step observed;
 * - never narrower than ±10% (MIN_LOG_HALF_WIDTH).
 *
 * @returns null when fewer than two deployed generations apply
 * @throws TaxInputError on a non-integer or repeated ordinal, a duration ≤ 0, or a
 *   non-boolean techniqueChange
 */
export function forecastNextDeployment(gens: DeploymentGenerationInput[]): DeploymentForecast | null {
  const checked = requireArray(gens, 'gens').map((gen, i) => {
    const fields = requireObject(gen, `gens[${i}]`)
    const ttdMonths = fields.ttdMonths ?? null
    return {
      ordinal: requireInteger(fields.ordinal, `gens[${i}].ordinal`),
      ttdMonths: ttdMonths === null ? null : requireGreaterThan(ttdMonths, 0, `gens[${i}].ttdMonths`),
      techniqueChange: requireBoolean(fields.techniqueChange, `gens[${i}].techniqueChange`),
      index: i,
    }
  })
  const sorted = [...checked].sort((a, b) => a.ordinal - b.ordinal)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].ordinal === sorted[i - 1].ordinal) {
      const path = `gens[${sorted[i].index}].ordinal`
      throw new TaxInputError(`${path} must be unique, got ${sorted[i].ordinal} twice`, path, sorted[i].ordinal)
    }
  }

  let trendStart = 0
  sorted.forEach((gen, i) => {
    if (gen.techniqueChange) trendStart = i
  })
  const used = sorted.slice(trendStart).filter((gen) => gen.ttdMonths !== null)
  if (used.length < 2) return null

  const xs = used.map((gen) => gen.ordinal)
  const ys = used.map((gen) => Math.log(gen.ttdMonths as number))
  const n = xs.length
  const meanX = xs.reduce((sum, x) => sum + x, 0) / n
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n
  const sxx = xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0)
  const slope = xs.reduce((sum, x, i) => sum + (x - meanX) * (ys[i] - meanY), 0) / sxx
  const intercept = meanY - slope * meanX
  const forOrdinal = xs[n - 1] + 1
  const predictedLog = intercept + slope * forOrdinal

  let halfWidth: number
  let bandReason: string
  if (n === 2) {
    halfWidth = Math.abs(ys[1] - ys[0])
    bandReason = 'two points fit the line exactly, so the band is ± the last step'
  } else {
    const residualSquares = xs.reduce((sum, x, i) => sum + (ys[i] - (intercept + slope * x)) ** 2, 0)
    const residualStdErr = Math.sqrt(residualSquares / (n - 2))
    halfWidth = residualStdErr * Math.sqrt(1 + 1 / n + (forOrdinal - meanX) ** 2 / sxx)
    bandReason = 'the band is ± one standard error of prediction'
  }
  if (halfWidth < MIN_LOG_HALF_WIDTH) {
    halfWidth = MIN_LOG_HALF_WIDTH
    bandReason += ', widened to the ±10% minimum'
  }

  const months = Math.exp(predictedLog)
  const low = Math.exp(predictedLog - halfWidth)
  const high = Math.exp(predictedLog + halfWidth)
  const factor = Math.exp(slope)
  const trend =
    factor < 1
      ? `shrinks ${formatNumber(1 / factor, 2)}× per generation`
      : factor > 1
        ? `grows ${formatNumber(factor, 2)}× per generation`
        : 'stays flat'
  const history = used.map((gen) => `${gen.ordinal} (${formatMonths(gen.ttdMonths as number)})`).join(', ')
  const since = sorted[trendStart].techniqueChange
    ? ` since the technique change at generation ${sorted[trendStart].ordinal}`
    : ''
  return {
    months,
    low,
    high,
    basedOn: xs,
    forOrdinal,
    explanation:
      `Fitted on generation ${history}${since}: time to deployment ${trend} ` +
      `(least-squares fit of log months against generation number). Generation ${forOrdinal} forecast: ` +
      `${formatMonths(months)} (${low.toFixed(1)}–${formatMonths(high)}; ${bandReason}).`,
  }
}
