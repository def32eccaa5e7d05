/**
 * Charts for the reports as inline SVG strings, built by pure functions from plain
 * figures: no DOM, no fonts or images to fetch, so a report prints and opens offline.
 * Inline SVG in HTML needs no xmlns, so none is written (and no URL appears at all).
 * Every text from the user is escaped; labels too long for their room are shortened,
 * with the full text kept in a <title> tooltip.
 */
import { COST_CATEGORIES, type CostCategory } from '../domain/types'
import { formatMonths, formatPct, formatUsd } from '../tax/format'

const WIDTH = 640
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"'
const AXIS = '#6b7280'
const GRID = '#e5e7eb'
const INK = '#111827'

export const CHART_COLORS = {
  deployment: '#2563eb',
  forecast: '#93c5fd',
  regression: '#c2410c',
  gain: '#0f766e',
} as const

export const COST_CATEGORY_COLORS: Record<CostCategory, string> = {
  'researcher-time': '#7c3aed',
  compute: '#2563eb',
  'human-feedback': '#d97706',
  infrastructure: '#059669',
  other: '#6b7280',
}

export const COST_CATEGORY_LABELS: Record<CostCategory, string> = {
  'researcher-time': 'Researcher time',
  compute: 'Compute',
  'human-feedback': 'Human feedback',
  infrastructure: 'Infrastructure',
  other: 'Other',
}

/** Escapes text for XML and HTML, in content and in quoted attributes alike. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A coordinate with at most one decimal: short output, no float noise. */
function n(x: number): string {
  return String(Math.round(x * 10) / 10)
}

/** Shortens a label to `max` characters with an ellipsis. */
export function shorten(label: string, max: number): string {
  const chars = [...label]
  if (chars.length <= max) return label
  return chars.slice(0, Math.max(1, max - 1)).join('') + '…'
}

/** Round tick values from 0 to at least `max`: 0, 2, 4, 6, 8, 10 for a max of 9. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1]
  const raw = max / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude
  const ticks: number[] = []
  for (let i = 0; ; i++) {
    const t = Number((i * step).toPrecision(12))
    ticks.push(t)
    if (t >= max) return ticks
  }
}

function text(
  x: number,
  y: number,
  content: string,
  attrs: {
    anchor?: 'start' | 'middle' | 'end'
    size?: number
    fill?: string
    weight?: string
    /** The whole label, shown as a tooltip when `content` was shortened. */
    full?: string
    /** Vertical, reading upwards (an axis title). */
    rotate?: boolean
  } = {},
): string {
  const title = attrs.full && attrs.full !== content ? `<title>${escapeXml(attrs.full)}</title>` : ''
  const transform = attrs.rotate ? ` transform="rotate(-90 ${n(x)} ${n(y)})"` : ''
  return (
    `<text x="${n(x)}" y="${n(y)}"${transform} text-anchor="${attrs.anchor ?? 'start'}" font-size="${attrs.size ?? 11}" ` +
    `fill="${attrs.fill ?? INK}"${attrs.weight ? ` font-weight="${attrs.weight}"` : ''}>${title}${escapeXml(content)}</text>`
  )
}

function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}"${extra}/>`
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${extra}/>`
}

function svg(kind: string, label: string, height: number, body: string[]): string {
  return (
    `<svg class="chart" data-chart="${kind}" role="img" aria-label="${escapeXml(label)}" width="${WIDTH}" height="${n(height)}" ` +
    `viewBox="0 0 ${WIDTH} ${n(height)}" ${FONT}><title>${escapeXml(label)}</title>${body.join('')}</svg>`
  )
}

function empty(kind: string, label: string, message: string): string {
  return svg(kind, label, 48, [text(WIDTH / 2, 28, message, { anchor: 'middle', fill: AXIS })])
}

// ---- time to deployment ----

export interface DeploymentBar {
  label: string
  /** null: not deployed yet (an empty slot, labelled so). */
  months: number | null
  /** A forecast bar, drawn lighter, with its low–high band. */
  forecast?: { low: number; high: number }
}

/** Vertical bars of time to deployment per generation, optionally ending in the forecast for the next one. */
export function deploymentChart(bars: DeploymentBar[], label = 'Time to deployment by generation'): string {
  if (!bars.length) return empty('deployment', label, 'No generations to chart')
  const height = 260
  const [top, bottom, left, right] = [20, 48, 52, 16]
  const plotH = height - top - bottom
  const plotW = WIDTH - left - right
  const maxValue = Math.max(0, ...bars.flatMap((b) => [b.months ?? 0, b.forecast?.high ?? 0]))
  const ticks = niceTicks(maxValue * 1.08)
  const top_ = ticks[ticks.length - 1]
  const y = (v: number) => top + plotH - (v / top_) * plotH
  const band = plotW / bars.length
  const barW = Math.min(72, band * 0.6)
  const maxChars = Math.max(4, Math.floor(band / 6.2))
  const body: string[] = []
  for (const t of ticks) {
    body.push(line(left, y(t), WIDTH - right, y(t), GRID))
    body.push(text(left - 6, y(t) + 4, `${t}`, { anchor: 'end', fill: AXIS, size: 10 }))
  }
  body.push(text(14, top + plotH / 2, 'months', { anchor: 'middle', fill: AXIS, size: 10, rotate: true }))
  bars.forEach((b, i) => {
    const cx = left + band * i + band / 2
    const x = cx - barW / 2
    if (b.months != null) {
      const isForecast = b.forecast !== undefined
      const fill = isForecast ? CHART_COLORS.forecast : CHART_COLORS.deployment
      const extra = isForecast ? ` stroke="${CHART_COLORS.deployment}" stroke-dasharray="4 3"` : ''
      body.push(rect(x, y(b.months), barW, y(0) - y(b.months), fill, extra))
      if (b.forecast) {
        body.push(line(cx, y(b.forecast.high), cx, y(b.forecast.low), INK))
        body.push(line(cx - 6, y(b.forecast.high), cx + 6, y(b.forecast.high), INK))
        body.push(line(cx - 6, y(b.forecast.low), cx + 6, y(b.forecast.low), INK))
      }
      const valueY = Math.min(y(b.months), b.forecast ? y(b.forecast.high) : Infinity) - 5
      body.push(text(cx, valueY, formatMonths(b.months), { anchor: 'middle', size: 11, weight: '600' }))
    } else {
      body.push(text(cx, y(0) - 6, 'not deployed', { anchor: 'middle', fill: AXIS, size: 10 }))
    }
    body.push(text(cx, height - bottom + 16, shorten(b.label, maxChars), { anchor: 'middle', size: 11, full: b.label }))
    if (b.forecast) body.push(text(cx, height - bottom + 30, 'forecast', { anchor: 'middle', size: 10, fill: AXIS }))
  })
  body.push(line(left, y(0), WIDTH - right, y(0), AXIS))
  return svg('deployment', label, height, body)
}

// ---- benchmark regressions ----

export interface RegressionBar {
  label: string
  /** Regression %: positive is a tax (the aligned model is worse), negative a gain. */
  pct: number
  significant: boolean | null
}

/**
 * Horizontal bars around zero: regressions (taxes) to the right in one colour, gains
 * to the left in another; changes that are not significant are drawn pale.
 */
export function regressionChart(bars: RegressionBar[], label = 'Benchmark regressions'): string {
  if (!bars.length) return empty('regressions', label, 'No paired benchmark measurements to chart')
  const rowH = 22
  const [top, bottom, left, right] = [30, 40, 176, 16]
  const height = top + bars.length * rowH + bottom
  const plotW = WIDTH - left - right
  const maxAbs = Math.max(...bars.map((b) => Math.abs(b.pct)))
  // Room on both sides for the value labels; symmetric, so zero sits in the middle.
  const ticks = niceTicks((maxAbs || 1) * 1.45, 2)
  const domain = ticks[ticks.length - 1]
  const zero = left + plotW / 2
  const x = (v: number) => zero + (v / domain) * (plotW / 2)
  const body: string[] = []
  // Legend.
  body.push(rect(left, 6, 12, 12, CHART_COLORS.regression))
  body.push(text(left + 16, 16, 'regression (tax)', { size: 11 }))
  body.push(rect(left + 130, 6, 12, 12, CHART_COLORS.gain))
  body.push(text(left + 146, 16, 'gain', { size: 11 }))
  body.push(rect(left + 190, 6, 12, 12, CHART_COLORS.regression, ' fill-opacity="0.35"'))
  body.push(text(left + 206, 16, 'pale: not significant or unknown', { size: 11 }))
  for (const t of [-domain, -domain / 2, 0, domain / 2, domain]) {
    body.push(line(x(t), top - 4, x(t), top + bars.length * rowH, t === 0 ? AXIS : GRID))
    body.push(text(x(t), top + bars.length * rowH + 14, formatPct(t, 2), { anchor: 'middle', fill: AXIS, size: 10 }))
  }
  body.push(text(zero - 8, height - 8, '← gain', { anchor: 'end', fill: CHART_COLORS.gain, size: 10 }))
  body.push(
    text(zero + 8, height - 8, 'regression (tax) →', { anchor: 'start', fill: CHART_COLORS.regression, size: 10 }),
  )
  bars.forEach((b, i) => {
    const y = top + i * rowH
    const isGain = b.pct < 0
    const fill = isGain ? CHART_COLORS.gain : CHART_COLORS.regression
    const pale = b.significant === true ? '' : ' fill-opacity="0.35"'
    const x0 = Math.min(x(0), x(b.pct))
    body.push(
      `<g data-kind="${isGain ? 'gain' : 'regression'}">` +
        rect(x0, y + 4, Math.abs(x(b.pct) - x(0)), rowH - 8, fill, pale) +
        text(isGain ? x(b.pct) - 4 : x(b.pct) + 4, y + rowH / 2 + 4, formatPct(b.pct, 2), {
          anchor: isGain ? 'end' : 'start',
          size: 10,
          fill,
        }) +
        '</g>',
    )
    body.push(text(left - 8, y + rowH / 2 + 4, shorten(b.label, 28), { anchor: 'end', size: 11, full: b.label }))
  })
  return svg('regressions', label, height, body)
}

// ---- development cost ----

export interface CostStack {
  label: string
  byCategory: Record<CostCategory, number>
}

/** One stacked bar per generation: its development cost by category. */
export function developmentCostChart(stacks: CostStack[], label = 'Development cost by category'): string {
  if (!stacks.length) return empty('development', label, 'No generations to chart')
  const height = 280
  const [top, bottom, left, right] = [40, 36, 64, 16]
  const plotH = height - top - bottom
  const plotW = WIDTH - left - right
  const totals = stacks.map((s) => COST_CATEGORIES.reduce((sum, c) => sum + (s.byCategory[c] ?? 0), 0))
  const ticks = niceTicks(Math.max(...totals) * 1.1, 4)
  const max = ticks[ticks.length - 1]
  const y = (v: number) => top + plotH - (v / max) * plotH
  const band = plotW / stacks.length
  const barW = Math.min(80, band * 0.55)
  const maxChars = Math.max(4, Math.floor(band / 6.2))
  const body: string[] = []
  let legendX = left
  for (const c of COST_CATEGORIES) {
    body.push(rect(legendX, 8, 12, 12, COST_CATEGORY_COLORS[c]))
    body.push(text(legendX + 16, 18, COST_CATEGORY_LABELS[c], { size: 11 }))
    legendX += 16 + COST_CATEGORY_LABELS[c].length * 6.4 + 14
  }
  for (const t of ticks) {
    body.push(line(left, y(t), WIDTH - right, y(t), GRID))
    body.push(text(left - 6, y(t) + 4, formatUsd(t), { anchor: 'end', fill: AXIS, size: 10 }))
  }
  stacks.forEach((s, i) => {
    const cx = left + band * i + band / 2
    let base = 0
    for (const c of COST_CATEGORIES) {
      const v = s.byCategory[c] ?? 0
      if (v <= 0) continue
      body.push(
        `<g data-category="${c}">${rect(cx - barW / 2, y(base + v), barW, y(base) - y(base + v), COST_CATEGORY_COLORS[c])}` +
          `<title>${escapeXml(`${s.label}: ${COST_CATEGORY_LABELS[c]} ${formatUsd(v)}`)}</title></g>`,
      )
      base += v
    }
    body.push(text(cx, y(totals[i]) - 5, formatUsd(totals[i]), { anchor: 'middle', size: 11, weight: '600' }))
    body.push(text(cx, height - bottom + 16, shorten(s.label, maxChars), { anchor: 'middle', size: 11, full: s.label }))
  })
  body.push(line(left, y(0), WIDTH - right, y(0), AXIS))
  return svg('development', label, height, body)
}
