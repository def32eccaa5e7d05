/**
 * The records that belong to a generation: benchmark measurements, inference
 * policies and compute curves, development cost items, pipeline phases and the plan.
 */
import { and, asc, eq, inArray } from 'drizzle-orm'
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
import { type ServiceContext, type Tables } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'
import { getWritableGeneration } from './generations'
import { moveToTrash } from './trash'
import { headlineChanged } from './readModels/maintained'
import {
  actorOf,
  checkVersion,
  conflictError,
  createdStamp,
  differingFields,
  nextStamp,
  recordAudit,
  versionOf,
  versionWhere,
  type AuditInput,
} from './audit'

/** The project a generation belongs to (whether or not it is in the trash). */
async function projectOf(ctx: ServiceContext, generationId: number): Promise<number> {
  const row = (
    await ctx.db
      .select({ projectId: ctx.t.generations.projectId })
      .from(ctx.t.generations)
      .where(eq(ctx.t.generations.id, generationId))
  )[0]
  if (!row) throw notFound('generation', generationId)
  return row.projectId
}

/** Records an event about a generation's record. */
async function audit(ctx: ServiceContext, generationId: number, event: Omit<AuditInput, 'projectId'>): Promise<void> {
  await recordAudit(ctx, { ...event, projectId: await projectOf(ctx, generationId) })
}

/** A conflict found by the compare-and-set UPDATE (a change committed between the check and the write). */
async function lostRace<T extends TableWithId>(
  ctx: ServiceContext,
  table: T,
  id: number,
  what: string,
  wanted: Record<string, unknown>,
): Promise<never> {
  const now = (await getById(ctx, table, id, what)) as Record<string, unknown>
  throw conflictError(what, now, differingFields(now, wanted))
}

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
    return await ctx.transaction(async () => {
      const row = (
        await ctx.db
          .insert(ctx.t.benchmarkMeasurements)
          .values({ ...input, ...createdStamp(ctx) })
          .returning()
      )[0]
      await recordAudit(ctx, {
        projectId: generation.projectId,
        action: 'create',
        entity: 'measurement',
        entityId: row.id,
        summary: `added measurement ${row.benchmark} · ${row.metric} to generation "${generation.name}"`,
      })
      await headlineChanged(ctx, [generation.id])
      return row
    })
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
  const { id, expectedUpdatedAt, ...changes } = input
  const current = await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
  const what = `measurement ${current.benchmark} · ${current.metric}`
  checkVersion(what, current, expectedUpdatedAt, changes)
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
  const changed = differingFields(current, set)
  try {
    await ctx.transaction(async () => {
      const t = ctx.t.benchmarkMeasurements
      const updated = await ctx.db
        .update(t)
        .set({ ...set, updatedAt: nextStamp(versionOf(current)), updatedBy: actorOf(ctx) })
        .where(versionWhere(t, id, expectedUpdatedAt))
        .returning({ id: t.id })
      if (!updated.length) await lostRace(ctx, t, id, what, set)
      await audit(ctx, current.generationId, {
        action: 'update',
        entity: 'measurement',
        entityId: id,
        summary: `changed ${what}${changed.length ? `: ${changed.join(', ')}` : ''}`,
      })
      await headlineChanged(ctx, [current.generationId])
    })
  } catch (err) {
    if (err instanceof ServiceError) throw err
    explainConstraint(err, 'that generation already has a measurement of this benchmark and metric')
  }
  return await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
}

export async function deleteMeasurement(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.benchmarkMeasurements, id, 'measurement')
  return await trashRecord(
    ctx,
    row.generationId,
    id,
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
          .values({ generationId: input.generationId, name: input.name, rmCost: input.rmCost, ...createdStamp(ctx) })
          .returning()
      )[0]
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a policy named "${input.name}"`)
    }
    await ctx.db
      .insert(ctx.t.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: policy.id, position, ...r })))
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'create',
      entity: 'policy',
      entityId: policy.id,
      summary: `added policy "${policy.name}" to generation "${generation.name}"`,
    })
    return { ...policy, rows: input.rows }
  })
}

export async function deletePolicy(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const policy = await getById(ctx, ctx.t.inferencePolicies, id, 'policy')
  const rows = await ctx.db.select().from(ctx.t.policyRows).where(eq(ctx.t.policyRows.policyId, id))
  return await trashRecord(
    ctx,
    policy.generationId,
    id,
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
      curve = (
        await ctx.db
          .insert(ctx.t.computeCurves)
          .values({ ...fields, ...createdStamp(ctx) })
          .returning()
      )[0]
    } catch (err) {
      explainConstraint(err, `generation "${generation.name}" already has a curve named "${input.name}"`)
    }
    await ctx.db.insert(ctx.t.curvePoints).values(points.map((p) => ({ curveId: curve.id, ...p })))
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'create',
      entity: 'curve',
      entityId: curve.id,
      summary: `added curve "${curve.name}" to generation "${generation.name}"`,
    })
    return { ...curve, points }
  })
}

export async function deleteCurve(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const curve = await getById(ctx, ctx.t.computeCurves, id, 'curve')
  const points = await ctx.db.select().from(ctx.t.curvePoints).where(eq(ctx.t.curvePoints.curveId, id))
  return await trashRecord(
    ctx,
    curve.generationId,
    id,
    'curve',
    `curve "${curve.name}"`,
    { computeCurves: [curve], curvePoints: points },
    () => ctx.db.delete(ctx.t.computeCurves).where(eq(ctx.t.computeCurves.id, id)),
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
  const generation = await getWritableGeneration(ctx, input.generationId)
  return await ctx.transaction(async () => {
    const row = (
      await ctx.db
        .insert(ctx.t.costItems)
        .values({ ...input, ...createdStamp(ctx) })
        .returning()
    )[0]
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'create',
      entity: 'cost',
      entityId: row.id,
      summary: `added cost item ${row.category} $${row.amountUsd} to generation "${generation.name}"`,
    })
    return row
  })
}

export async function deleteCost(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.costItems, id, 'cost item')
  return await trashRecord(
    ctx,
    row.generationId,
    id,
    'cost',
    `cost item ${row.category} $${row.amountUsd}`,
    { costItems: [row] },
    () => ctx.db.delete(ctx.t.costItems).where(eq(ctx.t.costItems.id, id)),
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
      createdAt: ctx.t.pipelinePhases.createdAt,
      updatedAt: ctx.t.pipelinePhases.updatedAt,
      createdBy: ctx.t.pipelinePhases.createdBy,
      updatedBy: ctx.t.pipelinePhases.updatedBy,
    })
    .from(ctx.t.pipelinePhases)
    .where(eq(ctx.t.pipelinePhases.generationId, generationId))
    .orderBy(asc(ctx.t.pipelinePhases.startOn), asc(ctx.t.pipelinePhases.id))
}

export async function createPhase(ctx: ServiceContext, input: ApiParsedInput<'phases.create'>): Promise<PipelinePhase> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  return await ctx.transaction(async () => {
    const row = (
      await ctx.db
        .insert(ctx.t.pipelinePhases)
        .values({ ...input, ...createdStamp(ctx) })
        .returning()
    )[0]
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'create',
      entity: 'phase',
      entityId: row.id,
      summary: `added phase "${row.name}" to generation "${generation.name}"`,
    })
    return phaseView(row)
  })
}

/** A phase as the API shows it: with its version and stamps. */
function phaseView(row: Tables['pipelinePhases']['$inferSelect']): PipelinePhase {
  return {
    id: row.id,
    generationId: row.generationId,
    name: row.name,
    startOn: row.startOn,
    endOn: row.endOn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
  }
}

export async function deletePhase(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const row = await getById(ctx, ctx.t.pipelinePhases, id, 'phase')
  return await trashRecord(ctx, row.generationId, id, 'phase', `phase "${row.name}"`, { pipelinePhases: [row] }, () =>
    ctx.db.delete(ctx.t.pipelinePhases).where(eq(ctx.t.pipelinePhases.id, id)),
  )
}

// ---- plans ----

export async function getPlan(ctx: ServiceContext, generationId: number): Promise<Plan | null> {
  return (await ctx.db.select().from(ctx.t.plans).where(eq(ctx.t.plans.generationId, generationId)))[0] ?? null
}

export async function savePlan(ctx: ServiceContext, input: ApiParsedInput<'plans.save'>): Promise<Plan> {
  const generation = await getWritableGeneration(ctx, input.generationId)
  const { expectedUpdatedAt, ...fields } = input
  const what = `the plan of generation "${generation.name}"`
  return await ctx.transaction(async () => {
    const current = await getPlan(ctx, input.generationId)
    if (expectedUpdatedAt !== undefined && (current?.updatedAt ?? null) !== expectedUpdatedAt) {
      if (current) throw conflictError(what, current, differingFields(current, fields))
      throw new ServiceError('conflict', `${what} is no longer there; nothing was saved: reload it`)
    }
    const audited = async (plan: Plan, action: string, changed: string[]) => {
      await recordAudit(ctx, {
        projectId: generation.projectId,
        action,
        entity: 'plan',
        entityId: plan.id,
        summary: `${action === 'create' ? 'set' : 'changed'} ${what}${changed.length ? `: ${changed.join(', ')}` : ''}`,
      })
      return plan
    }
    if (!current) {
      try {
        const plan = (
          await ctx.db
            .insert(ctx.t.plans)
            .values({ ...fields, ...createdStamp(ctx) })
            .returning()
        )[0]
        return await audited(plan, 'create', [])
      } catch (err) {
        // Another client created it between the read and the write.
        explainConstraint(err, `${what} was just created by someone else; nothing was saved: reload it`)
      }
    }
    const changed = differingFields(current, fields)
    const t = ctx.t.plans
    // Compare-and-set on the version read above (or the client's).
    const plan = (
      await ctx.db
        .update(t)
        .set({ ...fields, updatedAt: nextStamp(current.updatedAt), updatedBy: actorOf(ctx) })
        .where(and(eq(t.id, current.id), eq(t.updatedAt, current.updatedAt)))
        .returning()
    )[0]
    if (!plan) {
      const now = (await getPlan(ctx, input.generationId)) ?? current
      throw conflictError(what, now, differingFields(now, fields))
    }
    return await audited(plan, 'update', changed)
  })
}

// ---- edits (the UI's Edit buttons): the whole record is replaced, in one transaction ----

export async function updatePolicy(
  ctx: ServiceContext,
  input: ApiParsedInput<'policies.update'>,
): Promise<InferencePolicy> {
  const current = await getById(ctx, ctx.t.inferencePolicies, input.id, 'policy')
  const what = `policy "${current.name}"`
  const currentRows = (
    await ctx.db
      .select()
      .from(ctx.t.policyRows)
      .where(eq(ctx.t.policyRows.policyId, input.id))
      .orderBy(asc(ctx.t.policyRows.position))
  ).map((r) => ({ fraction: r.fraction, multiplier: r.multiplier }))
  const stored = { ...current, rows: currentRows }
  const wanted = { name: input.name, rmCost: input.rmCost, rows: input.rows }
  checkVersion(what, stored, input.expectedUpdatedAt, wanted)
  const changed = differingFields(stored, wanted)
  return ctx.transaction(async () => {
    const t = ctx.t.inferencePolicies
    const stamp = { updatedAt: nextStamp(versionOf(current)), updatedBy: actorOf(ctx) }
    let updated: { id: number }[] = []
    try {
      updated = await ctx.db
        .update(t)
        .set({ name: input.name, rmCost: input.rmCost, ...stamp })
        .where(versionWhere(t, input.id, input.expectedUpdatedAt))
        .returning({ id: t.id })
    } catch (err) {
      explainConstraint(err, `this generation already has a policy named "${input.name}"`)
    }
    if (!updated.length) await lostRace(ctx, t, input.id, what, { name: input.name, rmCost: input.rmCost })
    await ctx.db.delete(ctx.t.policyRows).where(eq(ctx.t.policyRows.policyId, input.id))
    await ctx.db
      .insert(ctx.t.policyRows)
      .values(input.rows.map((r, position) => ({ policyId: input.id, position, ...r })))
    await audit(ctx, current.generationId, {
      action: 'update',
      entity: 'policy',
      entityId: input.id,
      summary: `changed policy "${input.name}"${changed.length ? `: ${changed.join(', ')}` : ''}`,
    })
    return { ...current, ...stamp, name: input.name, rmCost: input.rmCost, rows: input.rows }
  })
}

export async function updateCost(ctx: ServiceContext, input: ApiParsedInput<'costs.update'>): Promise<CostItem> {
  const { id, expectedUpdatedAt, ...fields } = input
  const current = await getById(ctx, ctx.t.costItems, id, 'cost item')
  const what = `cost item ${current.category} $${current.amountUsd}`
  checkVersion(what, current, expectedUpdatedAt, fields)
  const changed = differingFields(current, fields)
  return await ctx.transaction(async () => {
    const t = ctx.t.costItems
    const updated = await ctx.db
      .update(t)
      .set({ ...fields, updatedAt: nextStamp(versionOf(current)), updatedBy: actorOf(ctx) })
      .where(versionWhere(t, id, expectedUpdatedAt))
      .returning({ id: t.id })
    if (!updated.length) await lostRace(ctx, t, id, what, fields)
    await audit(ctx, current.generationId, {
      action: 'update',
      entity: 'cost',
      entityId: id,
      summary: `changed ${what}${changed.length ? `: ${changed.join(', ')}` : ''}`,
    })
    return await getById(ctx, t, id, 'cost item')
  })
}

export async function updatePhase(ctx: ServiceContext, input: ApiParsedInput<'phases.update'>): Promise<PipelinePhase> {
  const { id, expectedUpdatedAt, ...fields } = input
  const current = await getById(ctx, ctx.t.pipelinePhases, id, 'phase')
  const what = `phase "${current.name}"`
  checkVersion(what, current, expectedUpdatedAt, fields)
  const changed = differingFields(current, fields)
  return await ctx.transaction(async () => {
    const t = ctx.t.pipelinePhases
    const updated = await ctx.db
      .update(t)
      .set({ ...fields, updatedAt: nextStamp(versionOf(current)), updatedBy: actorOf(ctx) })
      .where(versionWhere(t, id, expectedUpdatedAt))
      .returning({ id: t.id })
    if (!updated.length) await lostRace(ctx, t, id, what, fields)
    await audit(ctx, current.generationId, {
      action: 'update',
      entity: 'phase',
      entityId: id,
      summary: `changed phase "${fields.name}"${changed.length ? `: ${changed.join(', ')}` : ''}`,
    })
    return phaseView(await getById(ctx, t, id, 'phase'))
  })
}

// ---- helpers ----

/** Moves a record to the trash and records who did, in one transaction. */
async function trashRecord(
  ctx: ServiceContext,
  generationId: number,
  id: number,
  kind: string,
  label: string,
  snapshot: Parameters<typeof moveToTrash>[3],
  remove: () => Promise<unknown>,
): Promise<TrashEntry> {
  return ctx.transaction(async () => {
    const entry = await moveToTrash(ctx, kind, label, snapshot, remove)
    await audit(ctx, generationId, {
      action: 'delete',
      entity: kind,
      entityId: id,
      summary: `moved ${label} to the trash`,
    })
    return entry
  })
}

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
