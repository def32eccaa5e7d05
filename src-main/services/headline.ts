/**
 * The performance-tax headline of a generation: the per-measurement list behind it
 * (`atax perf list`) and the user's choice of headline metric per benchmark.
 */
import { eq } from 'drizzle-orm'
import type { PerformanceRow, HeadlineChoice } from '../../src-shared/api/views'
import { headlineSet, parseGroupPath, parseHeadlineChoices } from '../../src-shared/tax'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { getGeneration, getWritableGeneration } from './generations'
import { headlineOf, measurementFigures } from './readModels'
import { headlineChanged } from './readModels/maintained'
import { actorOf, nextStamp, recordAudit } from './audit'

/** Every measurement of a generation with its group, headline flag and figures, by benchmark then metric. */
export async function performanceList(ctx: ServiceContext, generationId: number): Promise<PerformanceRow[]> {
  await getGeneration(ctx, generationId)
  const rows: PerformanceRow[] = []
  for await (const r of measurementFigures(ctx, generationId)) {
    const path = parseGroupPath(r.measurement.groupPath)
    rows.push({
      benchmark: r.measurement.benchmark,
      metric: r.measurement.metric,
      group: path.length ? path[path.length - 1] : null,
      inHeadline: r.inHeadline,
      baseline: r.measurement.baseline,
      aligned: r.measurement.aligned,
      regressionPct: r.regressionPct,
      delta: r.delta,
    })
  }
  return rows
}

/**
 * Chooses the metric a benchmark counts by in the headline (`metric` null: back to the
 * documented rule). The benchmark must be in the generation's headline, and the metric
 * one it has (or, for a group computed from its subtasks, one they have).
 */
export async function setHeadlineMetric(
  ctx: ServiceContext,
  input: { generationId: number; benchmark: string; metric: string | null },
): Promise<HeadlineChoice> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  const choices = parseHeadlineChoices(generation.headlineMetrics)
  const current = await headlineOf(ctx, generation)
  const entry = current.entries.find((e) => e.benchmark === input.benchmark)
  if (!entry) {
    const names = current.entries.map((e) => `"${e.benchmark}"`)
    throw new ServiceError(
      'invalid-data',
      `benchmark: "${input.benchmark}" is not a top-level benchmark of generation "${generation.name}"` +
        (names.length
          ? ` (its headline holds ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''})`
          : ' (it has no measurements)'),
    )
  }
  if (input.metric === null) delete choices[input.benchmark]
  else choices[input.benchmark] = input.metric
  const next = headlineSet(await headlineCandidatesOf(ctx, generation.id), choices)
  const chosen = next.entries.find((e) => e.benchmark === input.benchmark)!
  if (input.metric !== null && chosen.metric !== input.metric) {
    throw new ServiceError(
      'invalid-data',
      `metric: benchmark "${input.benchmark}" has no metric "${input.metric}" (it has ${(
        await availableMetrics(ctx, generation.id, input.benchmark)
      )
        .map((m) => `"${m}"`)
        .join(', ')})`,
    )
  }
  await ctx.transaction(async () => {
    await ctx.db
      .update(ctx.t.generations)
      .set({
        headlineMetrics: JSON.stringify(choices),
        updatedAt: nextStamp(generation.updatedAt),
        updatedBy: actorOf(ctx),
      })
      .where(eq(ctx.t.generations.id, generation.id))
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'headline',
      entity: 'generation',
      entityId: generation.id,
      summary: `generation "${generation.name}": headline metric of ${input.benchmark} ${input.metric === null ? 'back to the default' : `set to ${chosen.metric}`}`,
    })
    await headlineChanged(ctx, [generation.id])
  })
  return {
    generationId: generation.id,
    benchmark: input.benchmark,
    metric: chosen.metric,
    chosenBy: chosen.metricChosenBy,
  }
}

async function headlineCandidatesOf(ctx: ServiceContext, generationId: number) {
  return (
    await ctx.db
      .select()
      .from(ctx.t.benchmarkMeasurements)
      .where(eq(ctx.t.benchmarkMeasurements.generationId, generationId))
      .orderBy(ctx.t.benchmarkMeasurements.id)
  ).map((m) => ({ ...m, groupPath: parseGroupPath(m.groupPath) }))
}

/** The metrics of a benchmark, or of the subtasks under it at any depth. */
async function availableMetrics(ctx: ServiceContext, generationId: number, benchmark: string): Promise<string[]> {
  const metrics = new Set<string>()
  for (const m of await headlineCandidatesOf(ctx, generationId)) {
    if (m.benchmark === benchmark || m.groupPath.includes(benchmark)) metrics.add(m.metric)
  }
  return [...metrics]
}
