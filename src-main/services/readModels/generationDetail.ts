/** A generation's page: its summary, count, largest changes and every record but the measurements. */
import { asc, count, eq } from 'drizzle-orm'
import type { Source } from '../../../src-shared/domain/types'
import type { GenerationDetail } from '../../../src-shared/api/views'
import { inferenceTaxFromCurve, inferenceTaxFromPolicy, TaxInputError } from '../../../src-shared/tax'
import type { ServiceContext } from '../context'
import { getGeneration } from '../generations'
import { getPlan, listCosts, listCurves, listPhases, listPolicies } from '../records'
import { summarizeGeneration } from './projectSummary'
import { LARGEST_CHANGES, largestChangesOf } from './maintained'

export { LARGEST_CHANGES }

export async function generationDetail(ctx: ServiceContext, id: number): Promise<GenerationDetail> {
  const generation = await getGeneration(ctx, id)
  const summary = await summarizeGeneration(ctx, generation)
  const records = await generationRecords(ctx, id)
  return {
    summary,
    // The measurements the engine can compute: what the page's table pages through.
    measurementCount: summary.regressions.count,
    largestChanges: await largestChangesOf(ctx, generation),
    ...records,
    // The summary already names skipped measurements (the page's count of them is the same).
    warnings: [...new Set([...summary.warnings, ...records.warnings])],
  }
}

/** The record's figures, or null (and a warning) when the engine refuses what is stored. */
function computable<T>(warnings: string[], what: string, compute: () => T): T | null {
  try {
    return compute()
  } catch (error) {
    if (!(error instanceof TaxInputError)) throw error
    warnings.push(`${what} left out (${error.message})`)
    return null
  }
}

/**
 * A generation's policies and curves (with their taxes), costs, phases and plan: every
 * record but the measurements. A policy or curve the engine cannot compute is left out
 * and named in `warnings`.
 */
export async function generationRecords(
  ctx: ServiceContext,
  id: number,
): Promise<Pick<GenerationDetail, 'policies' | 'curves' | 'costs' | 'phases' | 'plan' | 'warnings'>> {
  const warnings: string[] = []
  const policies = (await listPolicies(ctx, id)).flatMap((policy) => {
    const tax = computable(warnings, `inference policy "${policy.name}"`, () =>
      inferenceTaxFromPolicy(policy.rows, policy.rmCost),
    )
    return tax ? [{ policy, ...tax }] : []
  })
  const curves = (await listCurves(ctx, id)).flatMap((curve) => {
    const tax = computable(warnings, `compute curve "${curve.name}"`, () =>
      inferenceTaxFromCurve(curve.points, curve.baseline, curve.direction),
    )
    return tax ? [{ curve, ...tax }] : []
  })
  return {
    policies,
    curves,
    costs: await listCosts(ctx, id),
    phases: await listPhases(ctx, id),
    plan: await getPlan(ctx, id),
    warnings,
  }
}

/** How many measurements of a generation came from each source. */
export async function measurementSources(
  ctx: ServiceContext,
  generationId: number,
): Promise<Partial<Record<Source, number>>> {
  const counts: Partial<Record<Source, number>> = {}
  const measurementsTable = ctx.t.benchmarkMeasurements
  for (const r of await ctx.db
    .select({ source: measurementsTable.source, n: count() })
    .from(measurementsTable)
    .where(eq(measurementsTable.generationId, generationId))
    .groupBy(measurementsTable.source)
    .orderBy(asc(measurementsTable.source)))
    counts[r.source] = r.n
  return counts
}
