/**
 * Read models for the views, the CLI's summary and the reports: every figure comes
 * from the tax engine in src-shared/tax. Records are loaded in one query per table for
 * all the generations asked about, never one query per generation.
 */
import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { BenchmarkMeasurement, Direction, Generation, Plan, Source } from '../../src-shared/domain/types'
import type {
  CompareView,
  GenerationDetail,
  GenerationSummary,
  MeasurementSort,
  MeasurementsPage,
  PlanCheck,
  ProjectSummary,
  RegressionRow,
  RegressionRowFigures,
  TimelineView,
} from '../../src-shared/api/views'
import {
  benchmarkRegression,
  regressionFigures,
  deploymentShrink,
  developmentTax,
  forecastNextDeployment,
  inferenceTaxFromCurve,
  inferenceTaxFromPolicy,
  headlineSet,
  parseGroupPath,
  parseHeadlineChoices,
  taxesInMoney,
  type Headline,
  type HeadlineCandidate,
  timeToDeploymentMonths,
  formatMonths,
  formatPct,
  formatUsd,
} from '../../src-shared/tax'
import * as schema from '../db/schema'
import type { ServiceContext } from './context'
import { getGeneration, listGenerations } from './generations'
import { getProject } from './projects'
import { getPlan, listCosts, listCurves, listPhases, listPolicies } from './records'
import { chunked } from './chunked'

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = map.get(k)
    if (list) list.push(row)
    else map.set(k, [row])
  }
  return map
}

const NO_GROUPS: readonly string[] = Object.freeze([])

type CandidateRow = Omit<HeadlineCandidate, 'groupPath'> & { generationId: number; groupPath: string | null }

/**
 * What the headline needs of every measurement of these generations, in file order (by
 * id). Raw SQL: only these columns, for up to hundreds of thousands of rows (measurably
 * faster than mapping full drizzle rows; see npm run bench).
 */
function headlineCandidates(ctx: ServiceContext, ids: number[]): Map<number, HeadlineCandidate[]> {
  const rows = chunked(
    ids,
    (chunk) =>
      ctx.sqlite
        .prepare(
          // A subtask whose outermost group has its own row cannot reach the headline
          // (the group counts by its own score): such rows are not read, so a page of a
          // generation with a million subtasks does not load them all.
          `SELECT id, generation_id AS generationId, benchmark, metric, group_path AS groupPath, baseline, aligned,
                  baseline_stderr AS baselineStderr, aligned_stderr AS alignedStderr, direction
           FROM benchmark_measurements m WHERE generation_id IN (${chunk.map(() => '?').join(',')})
             AND (group_path IS NULL OR NOT EXISTS (
                   SELECT 1 FROM benchmark_measurements g
                    WHERE g.generation_id = m.generation_id AND g.benchmark = json_extract(m.group_path, '$[0]')))
           ORDER BY id`,
        )
        .all(...chunk) as CandidateRow[],
  )
  const byGeneration = new Map<number, HeadlineCandidate[]>()
  for (const id of ids) byGeneration.set(id, [])
  for (const row of rows) {
    // In place: a copy of each of 100,000 rows costs more than the headline itself.
    const candidate = row as unknown as HeadlineCandidate
    ;(candidate as { groupPath: readonly string[] }).groupPath =
      row.groupPath === null ? NO_GROUPS : parseGroupPath(row.groupPath)
    byGeneration.get(row.generationId)!.push(candidate)
  }
  return byGeneration
}

/** A generation's headline set (tax/headline.ts) with the user's metric choices. */
export function headlineOf(ctx: ServiceContext, generation: Generation): Headline {
  const candidates = headlineCandidates(ctx, [generation.id]).get(generation.id) ?? []
  return headlineSet(candidates, parseHeadlineChoices(generation.headlineMetrics))
}

/** Summaries of generations, which must be given in project order (for the shrink). */
export function summarizeGenerations(ctx: ServiceContext, gens: Generation[]): GenerationSummary[] {
  const ids = gens.map((g) => g.id)
  const measurements = headlineCandidates(ctx, ids)
  const counts = new Map(
    chunked(
      ids,
      (chunk) =>
        ctx.sqlite
          .prepare(
            `SELECT generation_id AS generationId, count(*) AS count,
                    sum(baseline IS NOT NULL AND aligned IS NOT NULL) AS paired
               FROM benchmark_measurements WHERE generation_id IN (${chunk.map(() => '?').join(',')})
              GROUP BY generation_id`,
          )
          .all(...chunk) as { generationId: number; count: number; paired: number }[],
    ).map((c) => [c.generationId, c]),
  )
  const costs = groupBy(
    chunked(ids, (chunk) =>
      ctx.db.select().from(schema.costItems).where(inArray(schema.costItems.generationId, chunk)).all(),
    ),
    (r) => r.generationId,
  )
  const policies = chunked(ids, (chunk) =>
    ctx.db
      .select()
      .from(schema.inferencePolicies)
      .where(inArray(schema.inferencePolicies.generationId, chunk))
      .orderBy(asc(schema.inferencePolicies.id))
      .all(),
  )
  const firstPolicy = new Map<number, (typeof policies)[number]>()
  for (const p of policies) if (!firstPolicy.has(p.generationId)) firstPolicy.set(p.generationId, p)
  const policyRows = groupBy(
    chunked(
      [...firstPolicy.values()].map((p) => p.id),
      (chunk) =>
        ctx.db
          .select()
          .from(schema.policyRows)
          .where(inArray(schema.policyRows.policyId, chunk))
          .orderBy(asc(schema.policyRows.position))
          .all(),
    ),
    (r) => r.policyId,
  )
  const plans = new Map(
    chunked(ids, (chunk) =>
      ctx.db.select().from(schema.plans).where(inArray(schema.plans.generationId, chunk)).all(),
    ).map((p) => [p.generationId, p]),
  )
  const projectNames = new Map<number, string>()
  for (const g of gens) {
    if (!projectNames.has(g.projectId)) projectNames.set(g.projectId, getProject(ctx, g.projectId).name)
  }

  const previousTtd = new Map<number, number | null>()
  return gens.map((generation) => {
    const ttdMonths = timeToDeploymentMonths(generation.pretrainedOn, generation.deployedOn)
    const prev = previousTtd.get(generation.projectId)
    previousTtd.set(generation.projectId, ttdMonths)
    const shrink =
      prev != null && ttdMonths != null && prev > 0 && ttdMonths > 0 ? deploymentShrink(prev, ttdMonths) : null
    const development = developmentTax(costs.get(generation.id) ?? [], {
      costUsd: generation.pretrainCostUsd,
      computePfd: generation.pretrainComputePfd,
    })
    const rows = measurements.get(generation.id) ?? []
    const headline = headlineSet(rows, parseHeadlineChoices(generation.headlineMetrics))
    const agg = headline.aggregates
    const { count: all, paired } = counts.get(generation.id) ?? { count: 0, paired: 0 }
    const policy = firstPolicy.get(generation.id)
    const inference = policy
      ? inferenceTaxFromPolicy(
          (policyRows.get(policy.id) ?? []).map((r) => ({ fraction: r.fraction, multiplier: r.multiplier })),
          policy.rmCost,
        )
      : null
    const plan = plans.get(generation.id) ?? null
    const money =
      plan && (plan.inferenceSpendUsdPerMonth != null || plan.delayCostUsdPerMonth != null)
        ? taxesInMoney(
            { inferenceTaxPct: inference?.taxPct ?? null, ttdMonths, developmentUsd: development.totalUsd },
            plan,
          )
        : null
    return {
      generation,
      projectName: projectNames.get(generation.projectId) ?? '',
      ttdMonths,
      shrink: shrink ? { ratio: shrink.ratio, pctChange: shrink.pctChange, explanation: shrink.explanation } : null,
      development,
      regressions: {
        count: all,
        paired,
        unpaired: all - paired,
        headlineCount: headline.entries.length,
        computed: headline.entries.filter((e) => e.computed),
        zeroBaseline: agg.zeroBaseline,
        meanPct: agg.meanPct,
        medianPct: agg.medianPct,
        regressions: agg.regressions,
        gains: agg.gains,
        significant: agg.significant,
      },
      inferenceTaxPct: inference?.taxPct ?? null,
      inferenceTaxExplanation: inference?.explanation ?? null,
      money,
      planChecks: plan ? planChecks(plan, ttdMonths, development.totalUsd, inference?.taxPct ?? null) : [],
    }
  })
}

export function planChecks(
  plan: Plan,
  ttdMonths: number | null,
  devUsd: number,
  perfTaxPct: number | null,
): PlanCheck[] {
  const checks: PlanCheck[] = []
  if (plan.targetTtdMonths != null) {
    const ok = ttdMonths == null ? null : ttdMonths <= plan.targetTtdMonths
    checks.push({
      what: 'time-to-deployment',
      target: plan.targetTtdMonths,
      actual: ttdMonths,
      ok,
      message:
        ttdMonths == null
          ? `not deployed yet; target ${formatMonths(plan.targetTtdMonths)}`
          : ok
            ? `${formatMonths(ttdMonths)} is within the target of ${formatMonths(plan.targetTtdMonths)}`
            : `${formatMonths(ttdMonths)} is over the target of ${formatMonths(plan.targetTtdMonths)}`,
    })
  }
  if (plan.devBudgetUsd != null) {
    const ok = devUsd <= plan.devBudgetUsd
    checks.push({
      what: 'development-budget',
      target: plan.devBudgetUsd,
      actual: devUsd,
      ok,
      message: ok
        ? `${formatUsd(devUsd)} spent of a ${formatUsd(plan.devBudgetUsd)} budget`
        : `${formatUsd(devUsd)} spent: over the ${formatUsd(plan.devBudgetUsd)} budget`,
    })
  }
  if (plan.maxPerfTaxPct != null) {
    const ok = perfTaxPct == null ? null : perfTaxPct <= plan.maxPerfTaxPct
    checks.push({
      what: 'performance-tax',
      target: plan.maxPerfTaxPct,
      actual: perfTaxPct,
      ok,
      message:
        perfTaxPct == null
          ? `no inference policy recorded; limit ${formatPct(plan.maxPerfTaxPct)}`
          : ok
            ? `${formatPct(perfTaxPct)} inference-compute tax is within the ${formatPct(plan.maxPerfTaxPct)} limit`
            : `${formatPct(perfTaxPct)} inference-compute tax exceeds the ${formatPct(plan.maxPerfTaxPct)} limit`,
    })
  }
  return checks
}

export function projectSummary(ctx: ServiceContext, projectId: number): ProjectSummary {
  const project = getProject(ctx, projectId)
  const generations = summarizeGenerations(ctx, listGenerations(ctx, projectId))
  return { project, generations, forecast: forecastFor(generations) }
}

function forecastFor(summaries: GenerationSummary[]) {
  return forecastNextDeployment(
    summaries.map((s) => ({
      ordinal: s.generation.ordinal,
      // A same-day deployment (0 months) has no logarithm: it sits out of the trend fit.
      ttdMonths: s.ttdMonths !== null && s.ttdMonths > 0 ? s.ttdMonths : null,
      techniqueChange: s.generation.techniqueChange,
    })),
  )
}

/**
 * One generation's summary. Besides itself only its predecessor in the project is
 * needed (for the shrink), not every earlier generation and its measurements.
 */
export function summarizeGeneration(ctx: ServiceContext, generation: Generation): GenerationSummary {
  const previous = ctx.db
    .select()
    .from(schema.generations)
    .where(
      and(
        eq(schema.generations.projectId, generation.projectId),
        eq(schema.generations.ordinal, generation.ordinal - 1),
        isNull(schema.generations.deletedAt),
      ),
    )
    .get()
  return summarizeGenerations(ctx, previous ? [previous, generation] : [generation]).at(-1)!
}

/** How many of the largest changes a generation's page carries, for its chart. */
export const LARGEST_CHANGES = 25

export function generationDetail(ctx: ServiceContext, id: number): GenerationDetail {
  const generation = getGeneration(ctx, id)
  const summary = summarizeGeneration(ctx, generation)
  // Nulls sort last, so the rows with a regression % among the first 25 are the 25 largest.
  const largest = measurementsPage(ctx, { generationId: id, offset: 0, limit: LARGEST_CHANGES, sort: 'largest-change' })
  return {
    summary,
    measurementCount: largest.total,
    largestChanges: largest.rows.filter((r) => r.regressionPct !== null),
    ...generationRecords(ctx, id),
  }
}

/** A generation's policies and curves (with their taxes), costs, phases and plan: every record but the measurements. */
export function generationRecords(
  ctx: ServiceContext,
  id: number,
): Pick<GenerationDetail, 'policies' | 'curves' | 'costs' | 'phases' | 'plan'> {
  return {
    policies: listPolicies(ctx, id).map((policy) => ({
      policy,
      ...inferenceTaxFromPolicy(policy.rows, policy.rmCost),
    })),
    curves: listCurves(ctx, id).map((curve) => ({
      curve,
      ...inferenceTaxFromCurve(curve.points, curve.baseline, curve.direction),
    })),
    costs: listCosts(ctx, id),
    phases: listPhases(ctx, id),
    plan: getPlan(ctx, id),
  }
}

// ---- benchmark regressions, a page at a time ----

export interface MeasurementsPageQuery {
  generationId: number
  offset: number
  limit: number
  /** Part of the benchmark or metric name, in any case (SQLite's LIKE folds ASCII letters); blank matches everything. */
  filter?: string
  sort: MeasurementSort
  /** See the contract's `measurements.page`: groups whose subtasks are shown; absent = every row. */
  expanded?: string[]
}

const measurementsTable = schema.benchmarkMeasurements

/** `%` and `_` in what the user typed are literal characters, not LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The tree order of rows: the group path and the benchmark, joined by a unit separator
 * (char 31, below every printable character), so a group sorts right before its subtasks.
 */
const treeKey = sql`(coalesce(replace(replace(replace(${measurementsTable.groupPath}, '["', ''), '"]', ''), '","', char(31)) || char(31), '') || ${measurementsTable.benchmark})`

/** Rows inside a collapsed group: a group in the row's path that has its own row and is not expanded. */
function hiddenByCollapse(expanded: string[]): SQL {
  const open = expanded.length
    ? sql`AND j.value NOT IN (${sql.join(
        expanded.map((g) => sql`${g}`),
        sql`, `,
      )})`
    : sql``
  return sql`NOT EXISTS (SELECT 1 FROM json_each(${measurementsTable.groupPath}) j
    WHERE j.value IS NOT NULL ${open}
      AND EXISTS (SELECT 1 FROM benchmark_measurements g
                  WHERE g.generation_id = ${measurementsTable.generationId} AND g.benchmark = j.value))`
}

function matching(generationId: number, filter: string | undefined, expanded?: string[]): SQL {
  const text = filter?.trim() ?? ''
  if (!text) {
    return expanded
      ? and(eq(measurementsTable.generationId, generationId), hiddenByCollapse(expanded))!
      : eq(measurementsTable.generationId, generationId)
  }
  const pattern = likePattern(text)
  return and(
    eq(measurementsTable.generationId, generationId),
    sql`(${measurementsTable.benchmark} LIKE ${pattern} ESCAPE '\\' OR ${measurementsTable.metric} LIKE ${pattern} ESCAPE '\\')`,
  )!
}

/**
 * One page of a generation's regressions: the database filters, counts and (by name)
 * sorts; by largest change, the engine's figures of every matching row decide the
 * order, and only the rows of the page get their explanation.
 */
export function measurementsPage(ctx: ServiceContext, query: MeasurementsPageQuery): MeasurementsPage {
  const { generationId, offset, limit, sort } = query
  const generation = getGeneration(ctx, generationId)
  const where = matching(generationId, query.filter, query.expanded)
  let rows: BenchmarkMeasurement[]
  let total: number
  if (sort === 'name') {
    total = ctx.db.select({ n: count() }).from(measurementsTable).where(where).get()!.n
    rows = ctx.db
      .select()
      .from(measurementsTable)
      .where(where)
      .orderBy(asc(treeKey), asc(measurementsTable.metric))
      .limit(limit)
      .offset(offset)
      .all()
  } else {
    // Only what the figures need, in name order (so that equal changes stay in name order).
    // Built by drizzle, run raw: a million rows come back as arrays, not mapped objects (measurably faster).
    const figureInputs = ctx.db
      .select({
        id: measurementsTable.id,
        baseline: measurementsTable.baseline,
        aligned: measurementsTable.aligned,
        baselineStderr: measurementsTable.baselineStderr,
        alignedStderr: measurementsTable.alignedStderr,
        direction: measurementsTable.direction,
        metric: measurementsTable.metric,
      })
      .from(measurementsTable)
      .where(where)
      .orderBy(asc(measurementsTable.benchmark), asc(measurementsTable.metric))
      .toSQL()
    const candidates = ctx.sqlite
      .prepare(figureInputs.sql)
      .raw()
      .all(...figureInputs.params) as [
      number,
      number | null,
      number | null,
      number | null,
      number | null,
      Direction,
      string,
    ][]
    total = candidates.length
    const size = new Float64Array(total)
    candidates.forEach(([, baseline, aligned, baselineStderr, alignedStderr, direction, metric], i) => {
      const pct =
        figuresOf({ baseline, aligned, baselineStderr, alignedStderr, direction, metric })?.regressionPct ?? null
      size[i] = pct === null ? -1 : Math.abs(pct)
    })
    const ids = largestFirst(size, offset, limit).map((i) => candidates[i][0])
    const byId = new Map<number, BenchmarkMeasurement>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of ctx.db
        .select()
        .from(measurementsTable)
        .where(inArray(measurementsTable.id, ids.slice(i, i + 500)))
        .all())
        byId.set(row.id, row)
    }
    rows = ids.map((id) => byId.get(id)!)
  }
  const inHeadline = headlineOf(ctx, generation).measurementIds
  return {
    rows: rows.map((m) => regressionRow(m, inHeadline.has(m.id))),
    groups: collapsibleGroups(ctx, generationId),
    total,
    offset,
    limit,
  }
}

/** Groups of a generation that have their own row (and subtasks under them). */
function collapsibleGroups(ctx: ServiceContext, generationId: number): string[] {
  return (
    ctx.sqlite
      .prepare(
        `SELECT DISTINCT j.value AS name FROM benchmark_measurements m, json_each(m.group_path) j
          WHERE m.generation_id = ? AND m.group_path IS NOT NULL
            AND EXISTS (SELECT 1 FROM benchmark_measurements g WHERE g.generation_id = m.generation_id AND g.benchmark = j.value)
          ORDER BY name`,
      )
      .all(generationId) as { name: string }[]
  ).map((r) => r.name)
}

/**
 * Positions `skip` to `skip + take` of the keys sorted largest first (equal keys in
 * position order). A native numeric sort finds the smallest key that makes the cut, so
 * only the rows above it are sorted with a comparator, however many rows there are.
 */
function largestFirst(keys: Float64Array, skip: number, take: number): number[] {
  const end = Math.min(keys.length, skip + take)
  if (skip >= end) return []
  const cut = Float64Array.from(keys).sort()[keys.length - end]
  const above: number[] = []
  const atCut: number[] = []
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] > cut) above.push(i)
    else if (keys[i] === cut && atCut.length < end) atCut.push(i)
  }
  above.sort((a, b) => keys[b] - keys[a] || a - b)
  return above.concat(atCut).slice(skip, end)
}

type FigureInputs = Pick<
  BenchmarkMeasurement,
  'baseline' | 'aligned' | 'baselineStderr' | 'alignedStderr' | 'direction' | 'metric'
>

/** The engine's figures of a measurement with both runs; null with one run only. */
function figuresOf(x: FigureInputs) {
  if (x.baseline == null || x.aligned == null) return null
  return regressionFigures({
    baseline: x.baseline,
    aligned: x.aligned,
    baselineStderr: x.baselineStderr,
    alignedStderr: x.alignedStderr,
    direction: x.direction,
    metric: x.metric,
  })
}

const UNPAIRED = {
  regressionPct: null,
  noRelativeReason: null,
  delta: null,
  z: null,
  significant: null,
  isGain: false,
} as const

/** A measurement with its regression and the working in words. */
export function regressionRow(measurement: BenchmarkMeasurement, inHeadline = false): RegressionRow {
  if (measurement.baseline == null || measurement.aligned == null) {
    return {
      measurement,
      inHeadline,
      ...UNPAIRED,
      explanation: `only the ${measurement.baseline == null ? 'aligned' : 'baseline'} run is recorded`,
    }
  }
  const r = benchmarkRegression({
    baseline: measurement.baseline,
    aligned: measurement.aligned,
    baselineStderr: measurement.baselineStderr,
    alignedStderr: measurement.alignedStderr,
    direction: measurement.direction,
    metric: measurement.metric,
  })
  return { measurement, inHeadline, ...r }
}

/**
 * Every measurement of a generation with its figures (no explanation), by benchmark
 * then metric, read from the database `pageSize` rows at a time: for exports of any
 * size. Pages (not one open statement) leave the connection free between rows.
 */
export function* measurementFigures(
  ctx: ServiceContext,
  generationId: number,
  pageSize = 10_000,
): Generator<RegressionRowFigures> {
  const inHeadline = headlineOf(ctx, getGeneration(ctx, generationId)).measurementIds
  let after: { benchmark: string; metric: string } | null = null
  for (;;) {
    // A row-value comparison: SQLite seeks to it in the (generation, benchmark, metric) index.
    const where: SQL = after
      ? and(
          eq(measurementsTable.generationId, generationId),
          sql`(${measurementsTable.benchmark}, ${measurementsTable.metric}) > (${after.benchmark}, ${after.metric})`,
        )!
      : eq(measurementsTable.generationId, generationId)
    const rows = ctx.db
      .select()
      .from(measurementsTable)
      .where(where)
      .orderBy(asc(measurementsTable.benchmark), asc(measurementsTable.metric))
      .limit(pageSize)
      .all()
    for (const measurement of rows) {
      const figures = figuresOf(measurement)
      const counted = inHeadline.has(measurement.id)
      if (!figures) {
        yield { measurement, inHeadline: counted, ...UNPAIRED }
      } else {
        yield { measurement, inHeadline: counted, ...figures }
      }
    }
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]
  }
}

/** How many measurements of a generation came from each source. */
export function measurementSources(ctx: ServiceContext, generationId: number): Partial<Record<Source, number>> {
  const counts: Partial<Record<Source, number>> = {}
  for (const r of ctx.db
    .select({ source: measurementsTable.source, n: count() })
    .from(measurementsTable)
    .where(eq(measurementsTable.generationId, generationId))
    .groupBy(measurementsTable.source)
    .orderBy(asc(measurementsTable.source))
    .all())
    counts[r.source] = r.n
  return counts
}

export function timeline(ctx: ServiceContext, projectIds?: number[]): TimelineView {
  const projects = ctx.db
    .select()
    .from(schema.projects)
    .where(isNull(schema.projects.deletedAt))
    .orderBy(asc(schema.projects.name))
    .all()
    .filter((p) => !projectIds || projectIds.includes(p.id))
  return {
    projects: projects.map((project) => {
      const gens = listGenerations(ctx, project.id)
      const generations = summarizeGenerations(ctx, gens)
      const names = new Map(gens.map((g) => [g.id, g.name]))
      const phases = chunked(
        gens.map((g) => g.id),
        (chunk) =>
          ctx.db
            .select({
              id: schema.pipelinePhases.id,
              generationId: schema.pipelinePhases.generationId,
              name: schema.pipelinePhases.name,
              startOn: schema.pipelinePhases.startOn,
              endOn: schema.pipelinePhases.endOn,
            })
            .from(schema.pipelinePhases)
            .where(inArray(schema.pipelinePhases.generationId, chunk))
            .orderBy(asc(schema.pipelinePhases.startOn))
            .all(),
      ).map((p) => ({ ...p, generationName: names.get(p.generationId) ?? '' }))
      return { project, generations, phases, forecast: forecastFor(generations) }
    }),
  }
}

/** Side by side; regression % per benchmark · metric. At most `limit` benchmarks, largest spread first. */
export function compare(ctx: ServiceContext, generationIds: number[], limit = 500): CompareView {
  const gens = generationIds.map((id) => getGeneration(ctx, id))
  const generations = gens.map((g) => summarizeGeneration(ctx, g))
  const byKey = new Map<string, { benchmark: string; metric: string; values: (number | null)[] }>()
  gens.forEach((g, column) => {
    const m = schema.benchmarkMeasurements
    const rows = ctx.db
      .select({
        benchmark: m.benchmark,
        metric: m.metric,
        baseline: m.baseline,
        aligned: m.aligned,
        direction: m.direction,
      })
      .from(m)
      .where(eq(m.generationId, g.id))
      .all()
    for (const r of rows) {
      const key = `${r.benchmark} · ${r.metric}`
      let entry = byKey.get(key)
      if (!entry) {
        entry = { benchmark: r.benchmark, metric: r.metric, values: gens.map(() => null) }
        byKey.set(key, entry)
      }
      if (r.baseline != null && r.aligned != null && r.baseline !== 0) {
        entry.values[column] = regressionFigures({
          baseline: r.baseline,
          aligned: r.aligned,
          baselineStderr: null,
          alignedStderr: null,
          direction: r.direction,
          metric: r.metric,
        }).regressionPct
      }
    }
  })
  const spread = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v != null)
    return known.length ? Math.max(...known) - Math.min(...known) : -1
  }
  const benchmarks = [...byKey.entries()]
    .map(([key, v]) => ({ key, ...v }))
    .sort((a, b) => spread(b.values) - spread(a.values) || a.key.localeCompare(b.key))
    .slice(0, limit)
  return { generations, benchmarks }
}
