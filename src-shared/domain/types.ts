/**
 * Domain types shared by every layer. Dates are ISO calendar dates (YYYY-MM-DD),
 * timestamps ISO 8601 strings. Money is USD, compute is petaflop/s-days (pf-days).
 */

/** Which way a metric improves. */
export type Direction = 'higher' | 'lower'

/** Where a measurement came from. */
export type Source = 'manual' | 'import' | 'pipeline' | 'sample'

export const COST_CATEGORIES = ['researcher-time', 'compute', 'human-feedback', 'infrastructure', 'other'] as const
export type CostCategory = (typeof COST_CATEGORIES)[number]

export interface Project {
  id: number
  /** The project's identity across stores (a UUID made at creation): a push finds the server's copy by it. */
  uid?: string | null
  name: string
  description: string
  isSample: boolean
  archivedAt: string | null
  deletedAt: string | null
  createdAt: string
  updatedAt: string
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface Generation {
  id: number
  projectId: number
  /** Position within the project, 1 = first generation. */
  ordinal: number
  name: string
  baseModel: string | null
  paramsB: number | null
  pretrainComputePfd: number | null
  pretrainCostUsd: number | null
  technique: string | null
  /** True when this generation moved to a new alignment technique: restarts the time-to-deployment trend. */
  techniqueChange: boolean
  pretrainedOn: string
  deployedOn: string | null
  notes: string
  /** The user's headline metric per benchmark: a JSON object `{ benchmark: metric }` (see tax/headline). */
  headlineMetrics: string
  createdAt: string
  updatedAt: string
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
  /** Set while the generation is in the trash (it is then hidden everywhere). */
  deletedAt: string | null
}

/**
 * One benchmark, one metric, both runs. A side is null until it has been recorded
 * (an import of the baseline run alone leaves `aligned` null: "unmatched").
 */
export interface BenchmarkMeasurement {
  id: number
  generationId: number
  benchmark: string
  metric: string
  direction: Direction
  shots: number | null
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
  /** Benchmark groups, outermost first, as a JSON array (`["mmlu","mmlu_stem"]`); null at top level. */
  groupPath: string | null
  source: Source
  importId: number | null
  createdAt: string
  /** When it was last changed, or null while as created (its version: this, else createdAt). */
  updatedAt?: string | null
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface PolicyRow {
  /** Fraction of tasks, in [0, 1]. */
  fraction: number
  /** Compute multiplier k (best-of-k or k× compute), ≥ 1. */
  multiplier: number
}

export interface InferencePolicy {
  id: number
  generationId: number
  name: string
  /** Reward-model scoring cost per sample, relative to generating it. */
  rmCost: number
  rows: PolicyRow[]
  createdAt: string
  /** When it was last changed, or null while as created (its version: this, else createdAt). */
  updatedAt?: string | null
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface CurvePoint {
  multiplier: number
  score: number
}

export interface ComputeCurve {
  id: number
  generationId: number
  name: string
  benchmark: string
  direction: Direction
  baseline: number
  points: CurvePoint[]
  createdAt: string
  /** When it was last changed, or null while as created (its version: this, else createdAt). */
  updatedAt?: string | null
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface CostItem {
  id: number
  generationId: number
  category: CostCategory
  amountUsd: number
  lowUsd: number | null
  highUsd: number | null
  quantity: number | null
  /** Free unit such as 'pf-days', 'fte-months', 'labels'. */
  unit: string | null
  scalesWithModel: boolean
  note: string
  date: string | null
  source: Source
  createdAt: string
  /** When it was last changed, or null while as created (its version: this, else createdAt). */
  updatedAt?: string | null
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface PipelinePhase {
  id: number
  generationId: number
  name: string
  startOn: string
  endOn: string
  createdAt?: string
  /** When it was last changed, or null while as created (its version: this, else createdAt). */
  updatedAt?: string | null
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface Plan {
  id: number
  generationId: number
  targetTtdMonths: number | null
  devBudgetUsd: number | null
  maxPerfTaxPct: number | null
  inferenceSpendUsdPerMonth: number | null
  horizonMonths: number | null
  delayCostUsdPerMonth: number | null
  notes: string
  updatedAt: string
  /** Who created / last changed it: a user's name on a team server, null for local use. */
  createdBy?: string | null
  updatedBy?: string | null
}

export interface ImportRecord {
  id: number
  projectId: number
  generationId: number | null
  fileName: string
  sha256: string
  format: 'lm-eval' | 'inspect' | 'csv' | 'backup'
  role: 'baseline' | 'aligned' | null
  rowCount: number
  importedAt: string
}
