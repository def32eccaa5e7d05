/** The project summary: every generation's taxes, loaded in one query per table for all of them. */
import { and, asc, inArray, isNull } from 'drizzle-orm'
import type { Generation, Plan } from '../../../src-shared/domain/types'
import type { GenerationSummary, PlanCheck, ProjectSummary } from '../../../src-shared/api/views'
import {
  deploymentShrink,
  developmentTax,
  forecastNextDeployment,
  inferenceTaxFromPolicy,
  taxesInMoney,
  timeToDeploymentMonths,
  TaxInputError,
  formatMonths,
  formatPct,
  formatUsd,
} from '../../../src-shared/tax'
import type { ServiceContext } from '../context'
import { listGenerations } from '../generations'
import { getProject } from '../projects'
import { chunked } from '../chunked'
import { groupBy, skippedWarning } from './load'
import { measurementFiguresOf } from './maintained'
/**
 * Summaries of generations, which must be given in project order (for the shrink: each
 * generation's is against the one before it in the list, of the same project), unless
 * `previous` names each one's predecessor (Compare, whose columns are in any order).
 */
export async function summarizeGenerations(
  ctx: ServiceContext,
  gens: Generation[],
  previous?: ReadonlyMap<number, Generation | null>,
): Promise<GenerationSummary[]> {
  const ids = gens.map((g) => g.id)
  const figures = await measurementFiguresOf(ctx, gens)
  const costs = groupBy(
    await chunked(
      ids,
      async (chunk) => await ctx.db.select().from(ctx.t.costItems).where(inArray(ctx.t.costItems.generationId, chunk)),
    ),
    (r) => r.generationId,
  )
  const policies = await chunked(
    ids,
    async (chunk) =>
      await ctx.db
        .select()
        .from(ctx.t.inferencePolicies)
        .where(inArray(ctx.t.inferencePolicies.generationId, chunk))
        .orderBy(asc(ctx.t.inferencePolicies.id)),
  )
  const firstPolicy = new Map<number, (typeof policies)[number]>()
  for (const p of policies) if (!firstPolicy.has(p.generationId)) firstPolicy.set(p.generationId, p)
  const policyRows = groupBy(
    await chunked(
      [...firstPolicy.values()].map((p) => p.id),
      async (chunk) =>
        await ctx.db
          .select()
          .from(ctx.t.policyRows)
          .where(inArray(ctx.t.policyRows.policyId, chunk))
          .orderBy(asc(ctx.t.policyRows.position)),
    ),
    (r) => r.policyId,
  )
  const plans = new Map(
    (
      await chunked(
        ids,
        async (chunk) => await ctx.db.select().from(ctx.t.plans).where(inArray(ctx.t.plans.generationId, chunk)),
      )
    ).map((p) => [p.generationId, p]),
  )
  const projectNames = new Map(
    (
      await chunked(
        [...new Set(gens.map((g) => g.projectId))],
        async (chunk) =>
          await ctx.db
            .select({ id: ctx.t.projects.id, name: ctx.t.projects.name })
            .from(ctx.t.projects)
            .where(inArray(ctx.t.projects.id, chunk)),
      )
    ).map((p) => [p.id, p.name]),
  )

  const previousTtd = new Map<number, number | null>()
  return gens.map((generation) => {
    // A row the engine cannot compute (stored by a backup or an older version) is left
    // out and named in `warnings`; the rest of the summary is still shown.
    const warnings: string[] = []
    const attempt = <T>(what: string, compute: () => T, fallback: () => T): T => {
      try {
        return compute()
      } catch (error) {
        if (!(error instanceof TaxInputError)) throw error
        warnings.push(`${generation.name}: ${what} left out (${error.message})`)
        return fallback()
      }
    }
    const ttdOf = (g: Generation) => timeToDeploymentMonths(g.pretrainedOn, g.deployedOn)
    const ttdMonths = attempt(
      'time to deployment',
      () => ttdOf(generation),
      () => null,
    )
    let prev = previousTtd.get(generation.projectId)
    previousTtd.set(generation.projectId, ttdMonths)
    if (previous) {
      const before = previous.get(generation.id)
      prev = before ? quietly(() => ttdOf(before), null) : null
    }
    const shrink =
      prev != null && ttdMonths != null && prev > 0 && ttdMonths > 0 ? deploymentShrink(prev, ttdMonths) : null
    const pretraining = { costUsd: generation.pretrainCostUsd, computePfd: generation.pretrainComputePfd }
    const items = costs.get(generation.id) ?? []
    const development = attempt(
      'cost items or pretraining figures',
      () => developmentTax(items, pretraining),
      () => {
        // The items that compute on their own; without the pretraining figures if those are what fails.
        const good = items.filter((item) => quietly(() => (developmentTax([item], NO_PRETRAINING), true), false))
        return quietly(() => developmentTax(good, pretraining), null) ?? developmentTax(good, NO_PRETRAINING)
      },
    )
    const { count: all, paired, skipped, headlineCount, computed, aggregates: agg } = figures.get(generation.id)!
    if (skipped) warnings.push(skippedWarning(generation.name, skipped))
    const policy = firstPolicy.get(generation.id)
    const inference = policy
      ? attempt(
          `inference policy "${policy.name}"`,
          () =>
            inferenceTaxFromPolicy(
              (policyRows.get(policy.id) ?? []).map((r) => ({ fraction: r.fraction, multiplier: r.multiplier })),
              policy.rmCost,
            ),
          () => null,
        )
      : null
    const plan = plans.get(generation.id) ?? null
    const money =
      plan && (plan.inferenceSpendUsdPerMonth != null || plan.delayCostUsdPerMonth != null)
        ? attempt(
            'plan money figures',
            () =>
              taxesInMoney(
                { inferenceTaxPct: inference?.taxPct ?? null, ttdMonths, developmentUsd: development.totalUsd },
                plan,
              ),
            () => null,
          )
        : null
    return {
      warnings,
      generation,
      projectName: projectNames.get(generation.projectId) ?? '',
      ttdMonths,
      shrink: shrink ? { ratio: shrink.ratio, pctChange: shrink.pctChange, explanation: shrink.explanation } : null,
      development,
      regressions: {
        count: all,
        paired,
        unpaired: all - paired,
        headlineCount,
        computed,
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

const NO_PRETRAINING = { costUsd: null, computePfd: null }

/** The value, or the fallback when the engine refuses the input (the caller has already warned). */
function quietly<T>(compute: () => T, fallback: T): T {
  try {
    return compute()
  } catch (error) {
    if (!(error instanceof TaxInputError)) throw error
    return fallback
  }
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

export async function projectSummary(ctx: ServiceContext, projectId: number): Promise<ProjectSummary> {
  const project = await getProject(ctx, projectId)
  const generations = await summarizeGenerations(ctx, await listGenerations(ctx, projectId))
  return { project, generations, forecast: forecastFor(generations), warnings: generations.flatMap((g) => g.warnings) }
}

export function forecastFor(summaries: GenerationSummary[]) {
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
export async function summarizeGeneration(ctx: ServiceContext, generation: Generation): Promise<GenerationSummary> {
  return (await summarizeGenerations(ctx, [generation], await previousGenerations(ctx, [generation])))[0]
}

/**
 * Each generation's predecessor in its project (ordinal − 1, not in the trash), or null:
 * one query for all of them.
 */
export async function previousGenerations(
  ctx: ServiceContext,
  gens: Generation[],
): Promise<Map<number, Generation | null>> {
  const wanted = new Set(gens.map((g) => `${g.projectId}:${g.ordinal - 1}`))
  const found = new Map<string, Generation>()
  for (const row of await chunked(
    [...new Set(gens.map((g) => g.projectId))],
    async (chunk) =>
      await ctx.db
        .select()
        .from(ctx.t.generations)
        .where(
          and(
            inArray(ctx.t.generations.projectId, chunk),
            inArray(ctx.t.generations.ordinal, [...new Set(gens.map((g) => g.ordinal - 1))]),
            isNull(ctx.t.generations.deletedAt),
          ),
        ),
  )) {
    const key = `${row.projectId}:${row.ordinal}`
    if (wanted.has(key)) found.set(key, row)
  }
  return new Map(gens.map((g) => [g.id, found.get(`${g.projectId}:${g.ordinal - 1}`) ?? null]))
}
