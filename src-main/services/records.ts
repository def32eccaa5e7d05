/**
 * The records that belong to a generation: benchmark measurements, inference
 * policies and compute curves, development cost items, pipeline phases and the plan.
 */
import { asc, eq, inArray } from 'drizzle-orm'
import type {
  BenchmarkMeasurement,
  ComputeCurve,
  CostItem,
  InferencePolicy,
  PipelinePhase,
  Plan,
} from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import type { TrashEntry } from '../../src-shared/api/views'
import * as schema from '../db/schema'
import { nowIso, type ServiceContext } from './context'
import { explainConstraint, notFound } from './errors'
import { getWritableGeneration } from './generations'
import { moveToTrash } from './trash'
import { headlineChanged, withHeadline } from './readModels/maintained'

// ---- benchmark measurements ----

export function listMeasurements(ctx: ServiceContext, generationId: number): BenchmarkMeasurement[] {
  return ctx.db
    .select()
    .from(schema.benchmarkMeasurements)
    .where(eq(schema.benchmarkMeasurements.generationId, generationId))
    .orderBy(asc(schema.benchmarkMeasurements.benchmark), asc(schema.benchmarkMeasurements.metric))
    .all()
}

export function createMeasurement(
  ctx: ServiceContext,
  input: ApiParsedInput<'measurements.create'>,
): BenchmarkMeasurement {
  const generation = getWritableGeneration(ctx, input.generationId)
  try {
    return withHeadline(ctx, [generation.id], () =>
      ctx.db.insert(schema.benchmarkMeasurements).values(input).returning().get(),
    )
  } catch (err) {
    explainConstraint(
      err,
      `generation "${generation.name}" already has ${input.benchmark} · ${input.metric}: edit that measurement instead`,
    )
  }
}

export function updateMeasurement(
  ctx: ServiceContext,
  input: ApiParsedInput<'measurements.update'>,
): BenchmarkMeasurement {
  const { id, ...changes } = input
  const { generationId } = getById(ctx, schema.benchmarkMeasurements, id, 'measurement')
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
  try {
    if (Object.keys(set).length) {
      withHeadline(ctx, [generationId], () =>
        ctx.db.update(schema.benchmarkMeasurements).set(set).where(eq(schema.benchmarkMeasurements.id, id)).run(),
      )
    }
  } catch (err) {
    explainConstraint(err, 'that generation already has a measurement of this benchmark and metric')
  }
  return getById(ctx, schema.benchmarkMeasurements, id, 'measurement')
}

export function deleteMeasurement(ctx: ServiceContext, id: number): TrashEntry {
  const row = getById(ctx, schema.benchmarkMeasurements, id, 'measurement')
  return moveToTrash(
    ctx,
    'measurement',
    `measurement ${row.benchmark} · ${row.metric}`,
    { benchmarkMeasurements: [row] },
    () => {
      ctx.db.delete(schema.benchmarkMeasurements).where(eq(schema.benchmarkMeasurements.id, id)).run()
      headlineChanged(ctx, [row.generationId])
    },
  )
}

// ---- inference policies ----

export function listPolicies(ctx: ServiceContext, generationId: number): InferencePolicy[] {
  const policies = ctx.db
    .select()
    .from(schema.inferencePolicies)
    .where(eq(schema.inferencePolicies.generationId, generationId))
    .orderBy(asc(schema.inferencePolicies.id))
    .all()
  if (!policies.length) return []
  const rows = ctx.db
    .select()
    .from(schema.policyRows)
    .where(
      inArray(
        schema.policyRows.policyId,
        policies.map((p) => p.id),
      ),
    )
    .orderBy(asc(schema.policyRows.position))
    .all()
  return policies.map((p) => ({
    ...p,
    rows: rows.filter((r) => r.policyId === p.id).map((r) => ({ fraction: r.fraction, multiplier: r.multiplier })),
  }))
}

export function createPolicy(ctx: ServiceContext, input: ApiParsedInput<'policies.create'>): InferencePolicy {
  const generation = getWritableGeneration(ctx, input.generationId)
  return ctx.sqlite.transaction(() => {
    let policy: typeof schema.inferencePolicies.$inferSelect
    try {
      policy = ctx.db
        .insert(schema.inferencePolicies)
        .values({ generationId: input.generationId, name: input.name, rmCost: input.rmCost })
        .returning()
        .get()
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a policy named "${input.name}"`)
    }
    ctx.db
      .insert(schema.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: policy.id, position, ...r })))
      .run()
    return { ...policy, rows: input.rows }
  })()
}

export function deletePolicy(ctx: ServiceContext, id: number): TrashEntry {
  const policy = getById(ctx, schema.inferencePolicies, id, 'policy')
  const rows = ctx.db.select().from(schema.policyRows).where(eq(schema.policyRows.policyId, id)).all()
  return moveToTrash(ctx, 'policy', `policy "${policy.name}"`, { inferencePolicies: [policy], policyRows: rows }, () =>
    ctx.db.delete(schema.inferencePolicies).where(eq(schema.inferencePolicies.id, id)).run(),
  )
}

// ---- compute curves ----

export function listCurves(ctx: ServiceContext, generationId: number): ComputeCurve[] {
  const curves = ctx.db
    .select()
    .from(schema.computeCurves)
    .where(eq(schema.computeCurves.generationId, generationId))
    .orderBy(asc(schema.computeCurves.id))
    .all()
  if (!curves.length) return []
  const points = ctx.db
    .select()
    .from(schema.curvePoints)
    .where(
      inArray(
        schema.curvePoints.curveId,
        curves.map((c) => c.id),
      ),
    )
    .orderBy(asc(schema.curvePoints.multiplier))
    .all()
  return curves.map((c) => ({
    ...c,
    points: points.filter((p) => p.curveId === c.id).map((p) => ({ multiplier: p.multiplier, score: p.score })),
  }))
}

export function createCurve(ctx: ServiceContext, input: ApiParsedInput<'curves.create'>): ComputeCurve {
  const generation = getWritableGeneration(ctx, input.generationId)
  return ctx.sqlite.transaction(() => {
    const { points, ...fields } = input
    let curve: typeof schema.computeCurves.$inferSelect
    try {
      curve = ctx.db.insert(schema.computeCurves).values(fields).returning().get()
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a curve named "${input.name}"`)
    }
    ctx.db
      .insert(schema.curvePoints)
      .values(points.map((p) => ({ curveId: curve.id, ...p })))
      .run()
    return { ...curve, points }
  })()
}

export function deleteCurve(ctx: ServiceContext, id: number): TrashEntry {
  const curve = getById(ctx, schema.computeCurves, id, 'curve')
  const points = ctx.db.select().from(schema.curvePoints).where(eq(schema.curvePoints.curveId, id)).all()
  return moveToTrash(ctx, 'curve', `curve "${curve.name}"`, { computeCurves: [curve], curvePoints: points }, () =>
    ctx.db.delete(schema.computeCurves).where(eq(schema.computeCurves.id, id)).run(),
  )
}

// ---- development cost items ----

export function listCosts(ctx: ServiceContext, generationId: number): CostItem[] {
  return ctx.db
    .select()
    .from(schema.costItems)
    .where(eq(schema.costItems.generationId, generationId))
    .orderBy(asc(schema.costItems.id))
    .all()
}

export function createCost(ctx: ServiceContext, input: ApiParsedInput<'costs.create'>): CostItem {
  getWritableGeneration(ctx, input.generationId)
  return ctx.db.insert(schema.costItems).values(input).returning().get()
}

export function deleteCost(ctx: ServiceContext, id: number): TrashEntry {
  const row = getById(ctx, schema.costItems, id, 'cost item')
  return moveToTrash(ctx, 'cost', `cost item ${row.category} $${row.amountUsd}`, { costItems: [row] }, () =>
    ctx.db.delete(schema.costItems).where(eq(schema.costItems.id, id)).run(),
  )
}

// ---- pipeline phases ----

export function listPhases(ctx: ServiceContext, generationId: number): PipelinePhase[] {
  return ctx.db
    .select({
      id: schema.pipelinePhases.id,
      generationId: schema.pipelinePhases.generationId,
      name: schema.pipelinePhases.name,
      startOn: schema.pipelinePhases.startOn,
      endOn: schema.pipelinePhases.endOn,
    })
    .from(schema.pipelinePhases)
    .where(eq(schema.pipelinePhases.generationId, generationId))
    .orderBy(asc(schema.pipelinePhases.startOn), asc(schema.pipelinePhases.id))
    .all()
}

export function createPhase(ctx: ServiceContext, input: ApiParsedInput<'phases.create'>): PipelinePhase {
  getWritableGeneration(ctx, input.generationId)
  const row = ctx.db.insert(schema.pipelinePhases).values(input).returning().get()
  return { id: row.id, generationId: row.generationId, name: row.name, startOn: row.startOn, endOn: row.endOn }
}

export function deletePhase(ctx: ServiceContext, id: number): TrashEntry {
  const row = getById(ctx, schema.pipelinePhases, id, 'phase')
  return moveToTrash(ctx, 'phase', `phase "${row.name}"`, { pipelinePhases: [row] }, () =>
    ctx.db.delete(schema.pipelinePhases).where(eq(schema.pipelinePhases.id, id)).run(),
  )
}

// ---- plans ----

export function getPlan(ctx: ServiceContext, generationId: number): Plan | null {
  return ctx.db.select().from(schema.plans).where(eq(schema.plans.generationId, generationId)).get() ?? null
}

export function savePlan(ctx: ServiceContext, input: ApiParsedInput<'plans.save'>): Plan {
  getWritableGeneration(ctx, input.generationId)
  return ctx.db
    .insert(schema.plans)
    .values(input)
    .onConflictDoUpdate({ target: schema.plans.generationId, set: { ...input, updatedAt: nowIso() } })
    .returning()
    .get()
}

// ---- edits (the UI's Edit buttons): the whole record is replaced, in one transaction ----

export function updatePolicy(ctx: ServiceContext, input: ApiParsedInput<'policies.update'>): InferencePolicy {
  const current = getById(ctx, schema.inferencePolicies, input.id, 'policy')
  return ctx.sqlite.transaction(() => {
    try {
      ctx.db
        .update(schema.inferencePolicies)
        .set({ name: input.name, rmCost: input.rmCost })
        .where(eq(schema.inferencePolicies.id, input.id))
        .run()
    } catch (err) {
      explainConstraint(err, `this generation already has a policy named "${input.name}"`)
    }
    ctx.db.delete(schema.policyRows).where(eq(schema.policyRows.policyId, input.id)).run()
    ctx.db
      .insert(schema.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: input.id, position, ...r })))
      .run()
    return { ...current, name: input.name, rmCost: input.rmCost, rows: input.rows }
  })()
}

export function updateCost(ctx: ServiceContext, input: ApiParsedInput<'costs.update'>): CostItem {
  const { id, ...fields } = input
  getById(ctx, schema.costItems, id, 'cost item')
  ctx.db.update(schema.costItems).set(fields).where(eq(schema.costItems.id, id)).run()
  return getById(ctx, schema.costItems, id, 'cost item')
}

export function updatePhase(ctx: ServiceContext, input: ApiParsedInput<'phases.update'>): PipelinePhase {
  const { id, ...fields } = input
  getById(ctx, schema.pipelinePhases, id, 'phase')
  ctx.db.update(schema.pipelinePhases).set(fields).where(eq(schema.pipelinePhases.id, id)).run()
  const row = getById(ctx, schema.pipelinePhases, id, 'phase')
  return { id: row.id, generationId: row.generationId, name: row.name, startOn: row.startOn, endOn: row.endOn }
}

// ---- helpers ----

type TableWithId =
  | typeof schema.benchmarkMeasurements
  | typeof schema.inferencePolicies
  | typeof schema.computeCurves
  | typeof schema.costItems
  | typeof schema.pipelinePhases

function getById<T extends TableWithId>(ctx: ServiceContext, table: T, id: number, what: string): T['$inferSelect'] {
  const row = ctx.db
    .select()
    .from(table as typeof schema.costItems)
    .where(eq(table.id, id))
    .get()
  if (!row) throw notFound(what, id)
  return row as T['$inferSelect']
}
