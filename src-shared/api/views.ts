/**
 * Read models: what the views and reports receive. Built in src-main from the
 * database by calling the tax engine (src-shared/tax); never computed in the UI.
 */
import type {
  BenchmarkMeasurement,
  ComputeCurve,
  CostCategory,
  CostItem,
  Generation,
  InferencePolicy,
  PipelinePhase,
  Plan,
  Project,
} from '../domain/types'

export interface TrashEntry {
  id: number
  kind: string
  label: string
  deletedAt: string
}

/** An automatic (daily), manual or before-restore copy of the database, beside its file. */
export interface SnapshotInfo {
  /** The file name, which is also how a snapshot is named to restore it. */
  name: string
  kind: 'daily' | 'manual' | 'before-restore'
  /** ISO timestamp (UTC, to the second). */
  takenAt: string
  bytes: number
}

export interface RegressionRow {
  measurement: BenchmarkMeasurement
  regressionPct: number | null
  delta: number | null
  z: number | null
  significant: boolean | null
  isGain: boolean
  explanation: string
}

/** A regression row without its explanation: what bulk exports need (the words cost far more than the figures). */
export type RegressionRowFigures = Omit<RegressionRow, 'explanation'>

/** The order of a page of measurements: by benchmark then metric, or the largest |regression %| first. */
export type MeasurementSort = 'name' | 'largest-change'

/** One page of a generation's benchmark regressions (`measurements.page`). */
export interface MeasurementsPage {
  rows: RegressionRow[]
  /** Measurements matching the filter, on every page. */
  total: number
  offset: number
  limit: number
}

export interface PolicyTax {
  policy: InferencePolicy
  multiplier: number
  taxPct: number
  explanation: string
}

export interface CurveTax {
  curve: ComputeCurve
  reached: boolean
  multiplier: number | null
  taxPct: number | null
  kMax: number
  interpolated: { multiplier: number; score: number } | null
  envelope: { multiplier: number; score: number }[]
  explanation: string
}

export interface DevelopmentTaxView {
  totalUsd: number
  lowUsd: number
  highUsd: number
  byCategory: Record<CostCategory, number>
  fixedUsd: number
  scalingUsd: number
  computePfd: number
  pctOfPretrainingCost: number | null
  pctOfPretrainingCompute: number | null
  explanation: string
}

export interface MoneyView {
  performanceUsd: number | null
  deploymentUsd: number | null
  developmentUsd: number
  totalUsd: number
  shares: { performance: number | null; deployment: number | null; development: number | null }
  explanation: string
}

export interface PlanCheck {
  what: 'time-to-deployment' | 'development-budget' | 'performance-tax'
  target: number
  actual: number | null
  ok: boolean | null
  message: string
}

/** One generation with every tax computed: the row of summaries, timeline and compare. */
export interface GenerationSummary {
  generation: Generation
  projectName: string
  ttdMonths: number | null
  /** Against the previous generation of the same project. */
  shrink: { ratio: number; pctChange: number; explanation: string } | null
  development: DevelopmentTaxView
  regressions: {
    count: number
    paired: number
    unpaired: number
    /** Paired measurements whose baseline is 0 (or too close to 0): no regression %. */
    zeroBaseline: number
    meanPct: number | null
    medianPct: number | null
    regressions: number
    gains: number
    significant: number
  }
  /** The first policy's tax; null without a policy. */
  inferenceTaxPct: number | null
  inferenceTaxExplanation: string | null
  money: MoneyView | null
  planChecks: PlanCheck[]
}

export interface ProjectSummary {
  project: Project
  generations: GenerationSummary[]
  forecast: Forecast | null
}

export interface Forecast {
  months: number
  low: number
  high: number
  basedOn: number[]
  explanation: string
}

/**
 * One generation's page. Never every measurement (a generation can hold a million):
 * the table asks for them a page at a time with `measurements.page`.
 */
export interface GenerationDetail {
  summary: GenerationSummary
  measurementCount: number
  /** The largest |regression %| first, at most 25 (for the chart); rows without a regression % are left out. */
  largestChanges: RegressionRow[]
  policies: PolicyTax[]
  curves: CurveTax[]
  costs: CostItem[]
  phases: PipelinePhase[]
  plan: Plan | null
}

export interface TimelineView {
  projects: {
    project: Project
    generations: GenerationSummary[]
    phases: (PipelinePhase & { generationName: string })[]
    forecast: Forecast | null
  }[]
}

export interface CompareView {
  generations: GenerationSummary[]
  /** Benchmarks (benchmark · metric) across the generations, regression % per generation. */
  benchmarks: { key: string; benchmark: string; metric: string; values: (number | null)[] }[]
}
