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
import type { HeadlineEntry } from '../tax/headline'
import type { NoRelativeReason } from '../tax/regression'

/** One write in a project's activity (audit.list): who, when, what. */
export interface AuditEvent {
  id: number
  projectId: number
  /** ISO timestamp. */
  at: string
  /** The signed-in user's name on a team server; null for local use (shown as "local"). */
  actor: string | null
  /** create, update, delete, restore, import, headline, … */
  action: string
  /** project, generation, measurement, policy, curve, cost, phase, plan, import, … */
  entity: string
  entityId: number | null
  summary: string
}

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
  /** Why a paired row has no regression % (it then shows the change in points); null otherwise. */
  noRelativeReason: NoRelativeReason | null
  /** Counted in the generation's headline (one metric per top-level benchmark). */
  inHeadline: boolean
  delta: number | null
  z: number | null
  significant: boolean | null
  isGain: boolean
  explanation: string
}

/** One measurement as `atax perf list` prints it. */
export interface PerformanceRow {
  benchmark: string
  metric: string
  /** The parent group's name; null for a top-level benchmark. */
  group: string | null
  /** Counted in the generation's headline. */
  inHeadline: boolean
  baseline: number | null
  aligned: number | null
  /** null where no relative figure is given (one run only, signed metric, baseline at or near 0). */
  regressionPct: number | null
  /** aligned − baseline in points of the metric; null with one run only. */
  delta: number | null
}

/** The headline metric a benchmark now counts by, and why. */
export interface HeadlineChoice {
  generationId: number
  benchmark: string
  metric: string
  chosenBy: 'user' | 'table' | 'first'
}

/** A regression row without its explanation: what bulk exports need (the words cost far more than the figures). */
export type RegressionRowFigures = Omit<RegressionRow, 'explanation'>

/**
 * The order of a page of measurements: by name (a group's subtasks right after it, a
 * tree: mmlu, mmlu_stem, mmlu_anatomy, …) then metric, or the largest |regression %| first.
 */
export type MeasurementSort = 'name' | 'largest-change'

/** One page of a generation's benchmark regressions (`measurements.page`). */
/** A group without an aggregate row, as the table shows it. */
export interface ComputedGroup {
  name: string
  /** Enclosing groups, outermost first. */
  path: string[]
  /** Metrics its subtasks have (at any depth), in file order. */
  metrics: string[]
}

export interface MeasurementsPage {
  /** Rows left out because the engine cannot compute them (stored by a backup or an older version), in words: shown as a warning. */
  warnings: string[]
  rows: RegressionRow[]
  /** Groups of the generation that have their own (aggregate) row, and so can be collapsed. */
  groups: string[]
  /**
   * Groups with subtasks but no row of their own (the file gave no aggregate; the headline
   * computes their figure): collapsible too, shown as a header row. By name.
   */
  computedGroups: ComputedGroup[]
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
  /** Rows of this generation the engine could not compute (left out of the figures), in words. */
  warnings: string[]
  projectName: string
  ttdMonths: number | null
  /** Against the previous generation of the same project. */
  shrink: { ratio: number; pctChange: number; explanation: string } | null
  development: DevelopmentTaxView
  /**
   * `count`, `paired` and `unpaired` are over every measurement; the other figures over
   * the headline set (each top-level benchmark once, by one metric: tax/headline.ts).
   */
  regressions: {
    count: number
    paired: number
    unpaired: number
    /** Benchmarks in the headline. */
    headlineCount: number
    /**
     * Headline entries computed from subtasks (groups without an aggregate score), which
     * have no row of their own in the measurements table. The others are rows marked
     * `inHeadline`.
     */
    computed: HeadlineEntry[]
    /** Paired headline entries without a regression % (signed metric, baseline at or near 0). */
    zeroBaseline: number
    /** The headline mean: over headline entries that have a regression %. */
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
  /** Rows left out because the engine cannot compute them (stored by a backup or an older version), in words: shown as a warning. */
  warnings: string[]
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
  /** Rows left out because the engine cannot compute them (stored by a backup or an older version), in words: shown as a warning. */
  warnings: string[]
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
  /** Rows left out because the engine cannot compute them (stored by a backup or an older version), in words: shown as a warning. */
  warnings: string[]
  projects: {
    project: Project
    generations: GenerationSummary[]
    phases: (PipelinePhase & { generationName: string })[]
    forecast: Forecast | null
  }[]
}

export interface CompareView {
  /** Rows left out because the engine cannot compute them (stored by a backup or an older version), in words: shown as a warning. */
  warnings: string[]
  generations: GenerationSummary[]
  /** Benchmarks (benchmark · metric) across the generations, regression % per generation. */
  benchmarks: { key: string; benchmark: string; metric: string; values: (number | null)[] }[]
}
