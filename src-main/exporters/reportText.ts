/**
 * Wording and display choices shared by the HTML and Markdown reports, so both say
 * the same thing the same way. Only formatting and ordering: every figure comes
 * from the report model.
 */
import type { CostCategory, PolicyRow, Source } from '../../src-shared/domain/types'
import type {
  ComparedFigure,
  GenerationReport,
  MeasurementReport,
  ProjectReport,
  ReportModel,
} from '../../src-shared/report/model'
import {
  COST_CATEGORY_LABELS,
  type CostStack,
  type DeploymentBar,
  type RegressionBar,
} from '../../src-shared/report/svg'
import {
  formatChange,
  formatMonths,
  formatNumber,
  formatPct,
  formatRegression,
  formatUsd,
  parseGroupPath,
} from '../../src-shared/tax'

/** Above this many measurements a generation's table shows the largest changes only (all are in the CSV). */
export const MEASUREMENT_TABLE_LIMIT = 200
/** The regression chart shows at most this many bars, the largest changes. */
export const REGRESSION_CHART_LIMIT = 30
/** Benchmarks listed per comparison of two generations, largest spread first. */
export const COMPARISON_BENCHMARK_LIMIT = 25

export const DASH = '—'

export const SAMPLE_NOTE =
  'Sample data: the figures of this project are the built-in example workspace, not measurements of a real model.'

export const orDash = <T>(value: T | null | undefined, format: (v: T) => string): string =>
  value == null ? DASH : format(value)

export const pct2 = (x: number | null | undefined) => orDash(x, (v) => formatPct(v, 2))
export const pct1 = (x: number | null | undefined) => orDash(x, (v) => formatPct(v))
export const months = (x: number | null | undefined) => orDash(x, formatMonths)
export const usd = (x: number | null | undefined) => orDash(x, formatUsd)
export const num = (x: number | null | undefined, decimals = 4) => orDash(x, (v) => formatNumber(v, decimals))

export function scoreWithStderr(score: number | null, stderr: number | null): string {
  if (score == null) return DASH
  return stderr == null ? formatNumber(score, 4) : `${formatNumber(score, 4)} ± ${formatNumber(stderr, 4)}`
}

export function significanceText(significant: boolean | null): string {
  return significant == null ? 'unknown' : significant ? 'yes' : 'no'
}

/** A regression row's verdict: what the sign means. */
export function changeKind(row: MeasurementReport): 'regression' | 'gain' | 'no change' | 'unpaired' {
  if (row.delta == null) return 'unpaired'
  return row.isGain ? 'gain' : row.delta === 0 ? 'no change' : 'regression'
}

/** The regression %, else the change in points, marked (the catalog in src-shared/tax/format). */
export function regressionText(row: MeasurementReport): string {
  if (row.regressionPct != null) return formatPct(row.regressionPct, 2)
  return formatRegression(null, row.delta, row.noRelativeReason)
}

/** The measurement's parent group, or a dash for a top-level benchmark. */
export function groupText(row: Pick<MeasurementReport, 'measurement'>): string {
  const path = parseGroupPath(row.measurement.groupPath)
  return path.length ? path[path.length - 1] : DASH
}

/** Marks the rows the headline counts. */
export function headlineText(row: Pick<MeasurementReport, 'inHeadline'>): string {
  return row.inHeadline ? 'yes' : ''
}

export function sourceText(row: MeasurementReport): string {
  return row.importFile ? `${row.measurement.source} (${row.importFile})` : row.measurement.source
}

export function countsText(counts: Partial<Record<Source, number>>): string {
  const parts = Object.entries(counts).map(([source, count]) => `${count} ${source}`)
  return parts.length ? parts.join(', ') : 'none'
}

/** "best-of-4 on 10% of tasks" for one row of a policy. */
export function policyRowText(row: PolicyRow): string {
  const k = formatNumber(row.multiplier)
  const share = formatPct(row.fraction * 100)
  return row.multiplier > 1 ? `best-of-${k} (${k}× compute) on ${share} of tasks` : `k = 1 on ${share} of tasks`
}

export function curvePointsText(points: { multiplier: number; score: number }[]): string {
  return points.map((p) => `k=${formatNumber(p.multiplier)}: ${formatNumber(p.score, 4)}`).join(', ')
}

export function curveTaxText(curve: GenerationReport['performance']['curves'][number]): string {
  if (!curve.reached || curve.taxPct == null)
    return `not reached within k_max = ${formatNumber(curve.kMax)} (> ${formatPct((curve.kMax - 1) * 100)})`
  return formatPct(curve.taxPct)
}

export function categoryLabel(category: CostCategory): string {
  return COST_CATEGORY_LABELS[category]
}

export function costQuantityText(item: GenerationReport['development']['items'][number]): string {
  if (item.quantity == null) return DASH
  return item.unit ? `${formatNumber(item.quantity)} ${item.unit}` : formatNumber(item.quantity)
}

export function costRangeText(item: GenerationReport['development']['items'][number]): string {
  if (item.lowUsd == null && item.highUsd == null) return DASH
  return `${formatUsd(item.lowUsd ?? item.amountUsd)}–${formatUsd(item.highUsd ?? item.amountUsd)}`
}

export function developmentRangeText(tax: GenerationReport['development']['tax']): string {
  return tax.lowUsd === tax.highUsd ? formatUsd(tax.totalUsd) : `${formatUsd(tax.lowUsd)}–${formatUsd(tax.highUsd)}`
}

export function computeText(tax: GenerationReport['development']['tax']): string {
  const pfd = `${formatNumber(tax.computePfd)} pf-days`
  return tax.pctOfPretrainingCompute == null
    ? pfd
    : `${pfd} (${formatPct(tax.pctOfPretrainingCompute, 2)} of pretraining compute)`
}

export function aggregatesText(a: GenerationReport['performance']['aggregates']): string {
  if (a.count === 0) return 'No benchmark measurements recorded.'
  const unpaired = a.unpaired ? `, ${a.unpaired} with one run only` : ''
  const averages =
    a.meanPct == null
      ? ''
      : ` Mean regression ${formatPct(a.meanPct, 2)}, median ${pct2(a.medianPct)} (negative = gain).`
  const noPct = a.zeroBaseline
    ? ` ${a.zeroBaseline} without a % (signed metric or baseline near 0) count by their change in points only.`
    : ''
  const computed = a.computed.length
    ? ` Computed from subtasks (no aggregate in the file): ${a.computed.map((e) => `${e.benchmark} · ${e.metric}`).join(', ')}.`
    : ''
  return (
    `${a.count} measurement${a.count === 1 ? '' : 's'} (${a.paired} paired${unpaired}). ` +
    `Headline: ${a.headlineCount} benchmark${a.headlineCount === 1 ? '' : 's'} (each top-level benchmark once, by one metric): ` +
    `${a.regressions} regression${a.regressions === 1 ? '' : 's'}, ${a.gains} gain${a.gains === 1 ? '' : 's'}, ` +
    `${a.significant} significant.${averages}${noPct}${computed}`
  )
}

/** The rows a report table shows (the model already holds just those), and how many it leaves to the CSV. */
export function measurementsToShow(g: GenerationReport): { rows: MeasurementReport[]; omitted: number } {
  const rows = g.performance.shownMeasurements
  return { rows, omitted: g.performance.measurementCount - rows.length }
}

function magnitude(row: MeasurementReport): number {
  return row.regressionPct == null ? -1 : Math.abs(row.regressionPct)
}

export function regressionBars(g: GenerationReport): { bars: RegressionBar[]; of: number } {
  // The shown rows hold the largest changes, whichever order they are in.
  const withPct = g.performance.shownMeasurements.filter((m) => m.regressionPct != null)
  const largest = [...withPct].sort((a, b) => magnitude(b) - magnitude(a)).slice(0, REGRESSION_CHART_LIMIT)
  // Chart order: largest tax at the top, down to the largest gain.
  largest.sort((a, b) => b.regressionPct! - a.regressionPct!)
  const { paired, zeroBaseline } = g.performance.aggregates
  return {
    bars: largest.map((m) => ({
      label: `${m.measurement.benchmark} · ${m.measurement.metric}`,
      pct: m.regressionPct!,
      significant: m.significant,
    })),
    // Every measurement with a regression %, not only the shown ones.
    of: paired - zeroBaseline,
  }
}

export function deploymentBars(p: ProjectReport): DeploymentBar[] {
  const bars: DeploymentBar[] = p.timeline.entries.map((e) => ({ label: e.name, months: e.months }))
  const f = p.timeline.forecast
  if (f) {
    const next = Math.max(0, ...p.timeline.entries.map((e) => e.ordinal)) + 1
    bars.push({ label: `Generation ${next}`, months: f.months, forecast: { low: f.low, high: f.high } })
  }
  return bars
}

export function costStacks(p: ProjectReport): CostStack[] {
  return p.generations.map((g) => ({ label: g.generation.name, byCategory: g.development.tax.byCategory }))
}

export function comparedValue(unit: ComparedFigure['unit'], value: number | null): string {
  if (value == null) return DASH
  switch (unit) {
    case 'months':
      return formatMonths(value)
    case 'usd':
      return formatUsd(value)
    case 'pct':
      return formatPct(value, 2)
    case 'count':
      return formatNumber(value, 0)
  }
}

const signed = (text: string) => (text.startsWith('-') ? text : `+${text}`)

/** to − from in the figure's unit; percentages change in percentage points. */
export function comparedChange(f: ComparedFigure): string {
  if (f.from == null || f.to == null) return DASH
  const d = f.to - f.from
  switch (f.unit) {
    case 'months':
      return signed(formatMonths(d))
    case 'usd':
      return signed(formatUsd(d))
    case 'pct':
      return formatChange(d, 'pp')
    case 'count':
      return signed(formatNumber(d, 0))
  }
}

export function pointsChange(from: number | null, to: number | null): string {
  return from == null || to == null ? DASH : formatChange(to - from, 'pp')
}

export function generationHeading(g: GenerationReport): string {
  return `Generation ${g.generation.ordinal}: ${g.generation.name}`
}

/** Base model, size, pretraining compute and cost, technique: what is known. */
export function generationFacts(g: GenerationReport): string {
  const x = g.generation
  const facts = [
    x.baseModel ? `base model ${x.baseModel}` : null,
    x.paramsB != null ? `${formatNumber(x.paramsB)}B parameters` : null,
    x.pretrainComputePfd != null ? `pretraining ${formatNumber(x.pretrainComputePfd)} pf-days` : null,
    x.pretrainCostUsd != null ? `pretraining cost ${formatUsd(x.pretrainCostUsd)}` : null,
    x.technique
      ? `technique ${x.technique}${x.techniqueChange ? ' (a technique change: restarts the trend)' : ''}`
      : null,
  ].filter((f): f is string => f !== null)
  return facts.length ? facts.join('; ') + '.' : ''
}

export function scopeText(model: ReportModel): string {
  const n = model.projects.length
  return model.projectId == null ? `${n} project${n === 1 ? '' : 's'}` : 'one project'
}

/** A file name part from a project name: lower case letters, digits and hyphens. */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // the accents NFKD split off: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '')
}
