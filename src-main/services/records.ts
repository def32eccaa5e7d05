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
import { nowIso, type ServiceContext, type Tables } from './context'
import { explainConstraint, notFound } from './errors'
import { getWritableGeneration } from './generations'
import { moveToTrash } from './trash'
import { headlineChanged, withHeadline } from './readModels/maintained'

// ---- benchmark measurements ----

export async function listMeasurements(ctx: ServiceContext, generationId: number): Promise<BenchmarkMeasurement[]> {
  return await ctx.db
    .select()
    .from(ctx.t.benchmarkMeasurements)
    .where(eq(ctx.t.benchmarkMeasurements.generationId, generationId))
    .orderBy(asc(ctx.t.benchmarkMeasurements.benchmark), asc(ctx.t.benchmarkMeasurements.metric))
}

export async function createMeasurement(
  ctx: ServiceContext,
  input: ApiParsedInput<'measurements.create'>,
): Promise<BenchmarkMeasurement> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  try {
    return await withHeadline(
      ctx,
      [generation.id],
      async (tx) => (await tx.db.insert(tx.t.benchmarkMeasurements).values(input).returning())[0],
    )
  } catch (err) {
    explainConstraint(
      err,
      `generation "${generation.name}" already has ${input.benchmark} · ${input.metric}: edit that measurement instead`,
    )
  }
}

export async function updateMeasurement(
  ctx: ServiceContext,
  input: ApiParsedInput<'measurements.update'>,
): Promise<BenchmarkMeasurement> {
  const { id, ...changes } = input
  const { generationId } = await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
  try {
    if (Object.keys(set).length) {
      await withHeadline(ctx, [generationId], (tx) =>
        tx.db.update(tx.t.benchmarkMeasurements).set(set).where(eq(tx.t.benchmarkMeasurements.id, id)),
      )
    }
  } catch (err) {
    explainConstraint(err, 'that generation already has a measurement of this benchmark and metric')
  }
  return await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
}

export async function deleteMeasurement(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
  return await moveToTrash(
    ctx,
    'measurement',
    `measurement ${row.benchmark} · ${row.metric}`,
    { benchmarkMeasurements: [row] },
    async () => {
      await ctx.db.delete(ctx.t.benchmarkMeasurements).where(eq(ctx.t.benchmarkMeasurements.id, id))
      await headlineChanged(ctx, [row.generationId])
    },
  )
}

// ---- inference policies ----

export async function listPolicies(ctx: ServiceContext, generationId: number): Promise<InferencePolicy[]> {
  const policies = await ctx.db
    .select()
    .from(ctx.t.inferencePolicies)
    .where(eq(ctx.t.inferencePolicies.generationId, generationId))
    .orderBy(asc(ctx.t.inferencePolicies.id))
  if (!policies.length) return []
  const rows = await ctx.db
    .select()
    .from(ctx.t.policyRows)
    .where(
      inArray(
        ctx.t.policyRows.policyId,
        policies.map((p) => p.id),
      ),
    )
    .orderBy(asc(ctx.t.policyRows.position))
  return policies.map((p) => ({
    ...p,
    rows: rows.filter((r) => r.policyId === p.id).map((r) => ({ fraction: r.fraction, multiplier: r.multiplier })),
  }))
}

export async function createPolicy(
  ctx: ServiceContext,
  input: ApiParsedInput<'policies.create'>,
): Promise<InferencePolicy> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  return ctx.transaction(async () => {
    let policy: Tables['inferencePolicies']['$inferSelect']
    try {
      policy = (
        await ctx.db
          .insert(ctx.t.inferencePolicies)
          .values({ generationId: input.generationId, name: input.name, rmCost: input.rmCost })
          .returning()
      )[0]
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a policy named "${input.name}"`)
    }
    await ctx.db
      .insert(ctx.t.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: policy.id, position, ...r })))
    return { ...policy, rows: input.rows }
  })
}

export async function deletePolicy(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const policy = await getById(ctx, ctx.t.inferencePolicies, id, 'policy')
  const rows = await ctx.db.select().from(ctx.t.policyRows).where(eq(ctx.t.policyRows.policyId, id))
  return await moveToTrash(
    ctx,
    'policy',
    `policy "${policy.name}"`,
    { inferencePolicies: [policy], policyRows: rows },
    () => ctx.db.delete(ctx.t.inferencePolicies).where(eq(ctx.t.inferencePolicies.id, id)),
  )
}

// ---- compute curves ----

export async function listCurves(ctx: ServiceContext, generationId: number): Promise<ComputeCurve[]> {
  const curves = await ctx.db
    .select()
    .from(ctx.t.computeCurves)
    .where(eq(ctx.t.computeCurves.generationId, generationId))
    .orderBy(asc(ctx.t.computeCurves.id))
  if (!curves.length) return []
  const points = await ctx.db
    .select()
    .from(ctx.t.curvePoints)
    .where(
      inArray(
        ctx.t.curvePoints.curveId,
        curves.map((c) => c.id),
      ),
    )
    .orderBy(asc(ctx.t.curvePoints.multiplier))
  return curves.map((c) => ({
    ...c,
    points: points.filter((p) => p.curveId === c.id).map((p) => ({ multiplier: p.multiplier, score: p.score })),
  }))
}

export async function createCurve(ctx: ServiceContext, input: ApiParsedInput<'curves.create'>): Promise<ComputeCurve> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  return ctx.transaction(async () => {
    const { points, ...fields } = input
    let curve: Tables['computeCurves']['$inferSelect']
    try {
      curve = (await ctx.db.insert(ctx.t.computeCurves).values(fields).returning())[0]
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a curve named "${input.name}"`)
    }
    await ctx.db.insert(ctx.t.curvePoints).values(points.map((p) => ({ curveId: curve.id, ...p })))
    return { ...curve, points }
  })
}

export async function deleteCurve(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const curve = await getById(ctx, ctx.t.computeCurves, id, 'curve')
  const points = await ctx.db.select().from(ctx.t.curvePoints).where(eq(ctx.t.curvePoints.curveId, id))
  return await moveToTrash(ctx, 'curve', `curve "${curve.name}"`, { computeCurves: [curve], curvePoints: points }, () =>
    ctx.db.delete(ctx.t.computeCurves).where(eq(ctx.t.computeCurves.id, id)),
  )
}

// ---- development cost items ----

export async function listCosts(ctx: ServiceContext, generationId: number): Promise<CostItem[]> {
  return await ctx.db
    .select()
    .from(ctx.t.costItems)
    .where(eq(ctx.t.costItems.generationId, generationId))
    .orderBy(asc(ctx.t.costItems.id))
}

export async function createCost(ctx: ServiceContext, input: ApiParsedInput<'costs.create'>): Promise<CostItem> {
  await getWritableGeneration(ctx, input.generationId)
  return (await ctx.db.insert(ctx.t.costItems).values(input).returning())[0]
}

export async function deleteCost(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.costItems, id, 'cost item')
  return await moveToTrash(ctx, 'cost', `cost item ${row.category} $${row.amountUsd}`, { costItems: [row] }, () =>
    ctx.db.delete(ctx.t.costItems).where(eq(ctx.t.costItems.id, id)),
  )
}

// ---- pipeline phases ----

export async function listPhases(ctx: ServiceContext, generationId: number): Promise<PipelinePhase[]> {
  return await ctx.db
    .select({
      id: ctx.t.pipelinePhases.id,
      generationId: ctx.t.pipelinePhases.generationId,
      name: ctx.t.pipelinePhases.name,
      startOn: ctx.t.pipelinePhases.startOn,
      endOn: ctx.t.pipelinePhases.endOn,
    })
    .from(ctx.t.pipelinePhases)
    .where(eq(ctx.t.pipelinePhases.generationId, generationId))
    .orderBy(asc(ctx.t.pipelinePhases.startOn), asc(ctx.t.pipelinePhases.id))
}

export async function createPhase(ctx: ServiceContext, input: ApiParsedInput<'phases.create'>): Promise<PipelinePhase> {
  await getWritableGeneration(ctx, input.generationId)
  const row = (await ctx.db.insert(ctx.t.pipelinePhases).values(input).returning())[0]
  return { id: row.id, generationId: row.generationId, name: row.name, startOn: row.startOn, endOn: row.endOn }
}

export async function deletePhase(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.pipelinePhases, id, 'phase')
  return await moveToTrash(ctx, 'phase', `phase "${row.name}"`, { pipelinePhases: [row] }, () =>
    ctx.db.delete(ctx.t.pipelinePhases).where(eq(ctx.t.pipelinePhases.id, id)),
  )
}

// ---- plans ----

export async function getPlan(ctx: ServiceContext, generationId: number): Promise<Plan | null> {
  return (await ctx.db.select().from(ctx.t.plans).where(eq(ctx.t.plans.generationId, generationId)))[0] ?? null
}

export async function savePlan(ctx: ServiceContext, input: ApiParsedInput<'plans.save'>): Promise<Plan> {
  await getWritableGeneration(ctx, input.generationId)
  return (
    await ctx.db
      .insert(ctx.t.plans)
      .values(input)
      .onConflictDoUpdate({ target: ctx.t.plans.generationId, set: { ...input, updatedAt: nowIso() } })
      .returning()
  )[0]
}

// ---- edits (the UI's Edit buttons): the whole record is replaced, in one transaction ----

export async function updatePolicy(
  ctx: ServiceContext,
  input: ApiParsedInput<'policies.update'>,
): Promise<InferencePolicy> {
  const current = await getById(ctx, ctx.t.inferencePolicies, input.id, 'policy')
  return ctx.transaction(async () => {
    try {
      await ctx.db
        .update(ctx.t.inferencePolicies)
        .set({ name: input.name, rmCost: input.rmCost })
        .where(eq(ctx.t.inferencePolicies.id, input.id))
    } catch (err) {
      explainConstraint(err, `this generation already has a policy named "${input.name}"`)
    }
    await ctx.db.delete(ctx.t.policyRows).where(eq(ctx.t.policyRows.policyId, input.id))
    await ctx.db
      .insert(ctx.t.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: input.id, position, ...r })))
    return { ...current, name: input.name, rmCost: input.rmCost, rows: input.rows }
  })
}

export async function updateCost(ctx: ServiceContext, input: ApiParsedInput<'costs.update'>): Promise<CostItem> {
  const { id, ...fields } = input
  await getById(ctx, ctx.t.costItems, id, 'cost item')
  await ctx.db.update(ctx.t.costItems).set(fields).where(eq(ctx.t.costItems.id, id))
  return await getById(ctx, ctx.t.costItems, id, 'cost item')
}

export async function updatePhase(ctx: ServiceContext, input: ApiParsedInput<'phases.update'>): Promise<PipelinePhase> {
  const { id, ...fields } = input
  await getById(ctx, ctx.t.pipelinePhases, id, 'phase')
  await ctx.db.update(ctx.t.pipelinePhases).set(fields).where(eq(ctx.t.pipelinePhases.id, id))
  const row = await getById(ctx, ctx.t.pipelinePhases, id, 'phase')
  return { id: row.id, generationId: row.generationId, name: row.name, startOn: row.startOn, endOn: row.endOn }
}

// ---- helpers ----

type TableWithId =
  | Tables['benchmarkMeasurements']
  | Tables['inferencePolicies']
  | Tables['computeCurves']
  | Tables['costItems']
  | Tables['pipelinePhases']

async function getById<T extends TableWithId>(
  ctx: ServiceContext,
  table: T,
  id: number,
  what: string,
): Promise<T['$inferSelect']> {
  const row = (
    await ctx.db
      .select()
      .from(table as typeof ctx.t.costItems)
      .where(eq(table.id, id))
  )[0]
  if (!row) throw notFound(what, id)
  return row as T['$inferSelect']
}
