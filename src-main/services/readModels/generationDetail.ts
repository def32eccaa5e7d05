/** A generation's page: its summary, count, largest changes and every record but the measurements. */
import { asc, count, eq } from 'drizzle-orm'
import type { Source } from '../../../src-shared/domain/types'
import type { GenerationDetail } from '../../../src-shared/api/views'
import { inferenceTaxFromCurve, inferenceTaxFromPolicy } from '../../../src-shared/tax'
import * as schema from '../../db/schema'
import type { ServiceContext } from '../context'
import { getGeneration } from '../generations'
import { getPlan, listCosts, listCurves, listPhases, listPolicies } from '../records'
import { summarizeGeneration } from './projectSummary'
import { measurementsPage } from './measurementsPage'

const measurementsTable = schema.benchmarkMeasurements
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
