/**
 * Builds the report model from the database. Every tax comes from the summaries
 * services (which call the engine in src-shared/tax): this file only gathers and
 * arranges, it computes no tax.
 */
import type { GenerationSummary, TimelineView } from '../../src-shared/api/views'
import type { Source } from '../../src-shared/domain/types'
import {
  REPORT_FORMAT,
  REPORT_VERSION,
  type ComparedFigure,
  type GenerationComparison,
  type GenerationReport,
  type ProjectReport,
  type ReportModel,
} from '../../src-shared/report/model'
import { formatMonths } from '../../src-shared/tax'
import type { ServiceContext } from '../services/context'
import { ServiceError } from '../services/errors'
import { listImports } from '../services/imports'
import { getProject } from '../services/projects'
import { compare, generationRecords, measurementSources, measurementsPage, timeline } from '../services/readModels'
import { MEASUREMENT_TABLE_LIMIT } from './reportText'

export interface BuildReportOptions {
  /** The moment the report is dated; now by default (tests pin it). */
  now?: Date
  /** Defaults to the version the context carries (a door's HandlerEnv does): passed in, so the exporters do not import app.ts. */
  appVersion?: string
  /** Compare consecutive generations (the default); the CSV export, which has no use for it, skips the work. */
  comparisons?: boolean
}

/** The report of one project, or of every live project when projectId is left out. */
export async function buildReport(
  ctx: ServiceContext & { version?: string },
  projectId?: number,
  options: BuildReportOptions = {},
): Promise<ReportModel> {
  let view: TimelineView
  if (projectId === undefined) {
    view = await timeline(ctx)
  } else {
    const project = await getProject(ctx, projectId)
    if (project.deletedAt) {
      throw new ServiceError('conflict', `project "${project.name}" is in the trash: restore it to export its report`)
    }
    view = await timeline(ctx, [projectId])
  }
  const generatedAt = (options.now ?? new Date()).toISOString()
  const single = projectId === undefined ? null : view.projects[0]
  const warnings = [...view.warnings]
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    title: single ? `Alignment tax report: ${single.project.name}` : 'Alignment tax report',
    generatedAt,
    generatedOn: generatedAt.slice(0, 10),
    appVersion: options.appVersion ?? ctx.version ?? 'unknown',
    projectId: projectId ?? null,
    projects: await inOrder(view.projects, (p) => projectReport(ctx, p, options.comparisons ?? true, warnings)),
    warnings,
  }
}

async function projectReport(
  ctx: ServiceContext,
  view: TimelineView['projects'][number],
  withComparisons: boolean,
  warnings: string[],
): Promise<ProjectReport> {
  const { project } = view
  const imports = await listImports(ctx, project.id)
  const importFiles = new Map(imports.map((r) => [r.id, r.fileName]))
  const names = new Map(view.generations.map((s) => [s.generation.id, s.generation.name]))
  const generations = await inOrder(view.generations, (summary) =>
    generationReport(ctx, summary, importFiles, warnings),
  )

  const comparisons: GenerationComparison[] = []
  for (let i = 1; withComparisons && i < view.generations.length; i++) {
    comparisons.push(await comparison(ctx, view.generations[i - 1], view.generations[i]))
  }

  return {
    project,
    isSample: project.isSample,
    isArchived: project.archivedAt != null,
    generations,
    timeline: {
      entries: view.generations.map(({ generation: g, ttdMonths }) => ({
        generationId: g.id,
        ordinal: g.ordinal,
        name: g.name,
        technique: g.technique,
        techniqueChange: g.techniqueChange,
        pretrainedOn: g.pretrainedOn,
        deployedOn: g.deployedOn,
        months: ttdMonths,
      })),
      phases: view.phases,
      forecast: view.forecast,
    },
    comparisons,
    provenance: {
      // Oldest first, the order they happened in.
      imports: [...imports]
        .sort((a, b) => a.id - b.id)
        .map((r) => ({ ...r, generationName: r.generationId == null ? null : (names.get(r.generationId) ?? null) })),
      sources: await inOrder(generations, async (g) => ({
        generationId: g.generation.id,
        generationName: g.generation.name,
        measurements: await measurementSources(ctx, g.generation.id),
        costs: countBy(g.development.items.map((c) => c.source)),
      })),
    },
  }
}

async function generationReport(
  ctx: ServiceContext,
  summary: GenerationSummary,
  importFiles: Map<number, string>,
  warnings: string[],
): Promise<GenerationReport> {
  const g = summary.generation
  const detail = await generationRecords(ctx, g.id)
  for (const w of detail.warnings) warnings.push(`${g.name}: ${w}`)
  const shown = await shownMeasurements(ctx, g.id)
  return {
    generation: g,
    performance: {
      measurementCount: shown.total,
      shownMeasurements: shown.rows.map((row) => ({
        ...row,
        importFile: row.measurement.importId == null ? null : (importFiles.get(row.measurement.importId) ?? null),
      })),
      aggregates: summary.regressions,
      policies: detail.policies,
      curves: detail.curves,
      inferenceTaxPct: summary.inferenceTaxPct,
    },
    development: { tax: summary.development, items: detail.costs },
    deployment: {
      pretrainedOn: g.pretrainedOn,
      deployedOn: g.deployedOn,
      months: summary.ttdMonths,
      shrink: summary.shrink,
      phases: detail.phases,
      explanation:
        summary.ttdMonths == null || g.deployedOn == null
          ? `Pretrained model ready on ${g.pretrainedOn}; not deployed yet.`
          : `Pretrained model ready on ${g.pretrainedOn}, aligned model deployed on ${g.deployedOn}: ` +
            `${formatMonths(summary.ttdMonths)} (calendar months; a partial month counts its days over the days in that month).`,
    },
    plan: detail.plan,
    planChecks: summary.planChecks,
    money: summary.money,
  }
}

/** Every measurement when they fit in a report's table, else the largest changes (the CSV export holds them all). */
async function shownMeasurements(ctx: ServiceContext, generationId: number) {
  const byName = await measurementsPage(ctx, { generationId, offset: 0, limit: MEASUREMENT_TABLE_LIMIT, sort: 'name' })
  if (byName.total <= MEASUREMENT_TABLE_LIMIT) return byName
  return await measurementsPage(ctx, {
    generationId,
    offset: 0,
    limit: MEASUREMENT_TABLE_LIMIT,
    sort: 'largest-change',
  })
}

async function comparison(
  ctx: ServiceContext,
  from: GenerationSummary,
  to: GenerationSummary,
): Promise<GenerationComparison> {
  const view = await compare(ctx, [from.generation.id, to.generation.id])
  const [a, b] = view.generations
  const figure = (label: string, unit: ComparedFigure['unit'], pick: (s: GenerationSummary) => number | null) => ({
    label,
    unit,
    from: pick(a),
    to: pick(b),
  })
  const ref = (s: GenerationSummary) => ({
    generationId: s.generation.id,
    name: s.generation.name,
    ordinal: s.generation.ordinal,
  })
  return {
    from: ref(a),
    to: ref(b),
    figures: [
      figure('Time to deployment', 'months', (s) => s.ttdMonths),
      figure('Development tax', 'usd', (s) => s.development.totalUsd),
      figure('Development tax, share of pretraining cost', 'pct', (s) => s.development.pctOfPretrainingCost),
      figure('Alignment compute, share of pretraining compute', 'pct', (s) => s.development.pctOfPretrainingCompute),
      figure('Mean benchmark regression', 'pct', (s) => s.regressions.meanPct),
      figure('Significant benchmark changes', 'count', (s) => s.regressions.significant),
      figure('Inference-compute tax', 'pct', (s) => s.inferenceTaxPct),
    ],
    shrinkExplanation: b.shrink?.explanation ?? null,
    benchmarks: view.benchmarks.map((r) => ({
      key: r.key,
      benchmark: r.benchmark,
      metric: r.metric,
      from: r.values[0],
      to: r.values[1],
    })),
  }
}

function countBy(sources: Source[]): Partial<Record<Source, number>> {
  const counts: Partial<Record<Source, number>> = {}
  for (const s of sources) counts[s] = (counts[s] ?? 0) + 1
  return counts
}

/** `f` of each item, one after the other (one request's queries never interleave). */
async function inOrder<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (const item of items) out.push(await f(item))
  return out
}
