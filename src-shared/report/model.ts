/**
 * The report model: everything a report shows, built once from the database
 * (src-main/exporters/reportModel.ts, through the summaries services) and rendered
 * by pure functions to HTML, Markdown and CSV. Every figure in it comes from the
 * tax engine; renderers only format, order and lay out.
 */
import type {
  CurveTax,
  Forecast,
  DevelopmentTaxView,
  MoneyView,
  PlanCheck,
  PolicyTax,
  RegressionRow,
} from '../api/views'
import type { CostItem, Generation, ImportRecord, PipelinePhase, Plan, Project, Source } from '../domain/types'
import type { HeadlineEntry } from '../tax/headline'

export const REPORT_FORMAT = 'alignment-tax-planner-report'
/** 2: a generation carries its measurement count and the rows its tables show, not every measurement. */
export const REPORT_VERSION = 2

export interface ReportModel {
  format: typeof REPORT_FORMAT
  version: typeof REPORT_VERSION
  title: string
  /** When the report was made: an ISO 8601 timestamp and its calendar date (UTC). */
  generatedAt: string
  generatedOn: string
  /** Version of Alignment Tax Planner that made it. */
  appVersion: string
  /** The project asked for, or null for every live (not trashed) project. */
  projectId: number | null
  projects: ProjectReport[]
  /** Stored rows the engine could not compute, left out of the report (each rendering lists them). */
  warnings: string[]
}

export interface ProjectReport {
  project: Project
  /** Sample data, not real measurements: every rendering says so. */
  isSample: boolean
  isArchived: boolean
  /** In project order (ordinal). */
  generations: GenerationReport[]
  timeline: TimelineReport
  /** Each generation against the one before it. */
  comparisons: GenerationComparison[]
  provenance: ProvenanceReport
}

/** A benchmark measurement with its regression, and the file it was imported from (if any). */
export interface MeasurementReport extends RegressionRow {
  importFile: string | null
}

export interface GenerationReport {
  generation: Generation
  performance: {
    /** Every measurement of the generation (the CSV export has a row for each). */
    measurementCount: number
    /**
     * The measurements the report's tables show: every one, by benchmark then metric,
     * up to 200; above that, the 200 largest changes (|regression %|), largest first.
     */
    shownMeasurements: MeasurementReport[]
    /** Counts over every measurement; the other figures over the headline set (see GenerationSummary). */
    aggregates: {
      count: number
      paired: number
      unpaired: number
      headlineCount: number
      computed: HeadlineEntry[]
      zeroBaseline: number
      meanPct: number | null
      medianPct: number | null
      regressions: number
      gains: number
      significant: number
    }
    policies: PolicyTax[]
    curves: CurveTax[]
    /** The first policy's tax, the figure the summaries and plan use; null without a policy. */
    inferenceTaxPct: number | null
  }
  development: {
    tax: DevelopmentTaxView
    items: CostItem[]
  }
  deployment: {
    pretrainedOn: string
    deployedOn: string | null
    months: number | null
    /** Against the previous generation of the project. */
    shrink: { ratio: number; pctChange: number; explanation: string } | null
    phases: PipelinePhase[]
    explanation: string
  }
  plan: Plan | null
  planChecks: PlanCheck[]
  money: MoneyView | null
}

export interface TimelineEntry {
  generationId: number
  ordinal: number
  name: string
  technique: string | null
  techniqueChange: boolean
  pretrainedOn: string
  deployedOn: string | null
  months: number | null
}

export interface TimelineReport {
  entries: TimelineEntry[]
  phases: (PipelinePhase & { generationName: string })[]
  /** Next generation's time to deployment; null with fewer than two deployed generations since the last technique change. */
  forecast: Forecast | null
}

export type ComparedUnit = 'months' | 'usd' | 'pct' | 'count'

export interface ComparedFigure {
  label: string
  unit: ComparedUnit
  from: number | null
  to: number | null
}

export interface GenerationComparison {
  from: { generationId: number; name: string; ordinal: number }
  to: { generationId: number; name: string; ordinal: number }
  figures: ComparedFigure[]
  /** The time-to-deployment shrink from `from` to `to`, in words; null when either is not deployed. */
  shrinkExplanation: string | null
  /** Regression % of each benchmark · metric, [from, to]; largest spread first. */
  benchmarks: { key: string; benchmark: string; metric: string; from: number | null; to: number | null }[]
}

export interface ProvenanceReport {
  imports: (ImportRecord & { generationName: string | null })[]
  /** Where each generation's measurements and cost items came from, counted by source. */
  sources: {
    generationId: number
    generationName: string
    measurements: Partial<Record<Source, number>>
    costs: Partial<Record<Source, number>>
  }[]
}
