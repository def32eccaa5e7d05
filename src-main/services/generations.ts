import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Generation } from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import type { TrashEntry } from '../../src-shared/api/views'
import { nowIso, type ServiceContext } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'
import { getProject } from './projects'
import {
  actorOf,
  checkVersion,
  conflictError,
  createdStamp,
  differingFields,
  nextStamp,
  recordAudit,
  versionWhereNotNull,
} from './audit'

/** Generations of a project, in order; those in the trash are hidden. */
export async function listGenerations(ctx: ServiceContext, projectId: number): Promise<Generation[]> {
  return await ctx.db
    .select()
    .from(ctx.t.generations)
    .where(and(eq(ctx.t.generations.projectId, projectId), isNull(ctx.t.generations.deletedAt)))
    .orderBy(asc(ctx.t.generations.ordinal))
}

/** Generations of all projects not in the trash, by project name, then in project order. */
export async function listAllGenerations(ctx: ServiceContext): Promise<Generation[]> {
  return (
    await ctx.db
      .select({ generation: ctx.t.generations })
      .from(ctx.t.generations)
      .innerJoin(ctx.t.projects, eq(ctx.t.projects.id, ctx.t.generations.projectId))
      .where(and(isNull(ctx.t.projects.deletedAt), isNull(ctx.t.generations.deletedAt)))
      .orderBy(asc(ctx.t.projects.name), asc(ctx.t.generations.ordinal))
  ).map((row) => row.generation)
}

/** A generation not in the trash (one in the trash is not found: it is hidden everywhere). */
export async function getGeneration(ctx: ServiceContext, id: number): Promise<Generation> {
  const row = (await ctx.db.select().from(ctx.t.generations).where(eq(ctx.t.generations.id, id)))[0]
  if (!row || row.deletedAt !== null) throw notFound('generation', id)
  return row
}

/** A generation that may be written to: its project must not be in the trash. */
export async function getWritableGeneration(ctx: ServiceContext, id: number): Promise<Generation> {
  const generation = await getGeneration(ctx, id)
  const project = await getProject(ctx, generation.projectId)
  if (project.deletedAt) {
    throw new ServiceError('conflict', `project "${project.name}" is in the trash: restore it before changing it`)
  }
  return generation
}

/**
 * Generations are numbered by pretrained date (then creation), so order follows the
 * calendar. Those in the trash are left out (they hold ordinal 0 meanwhile).
 */
export async function renumberGenerations(ctx: ServiceContext, projectId: number): Promise<void> {
  const rows = await ctx.db
    .select({ id: ctx.t.generations.id, ordinal: ctx.t.generations.ordinal })
    .from(ctx.t.generations)
    .where(and(eq(ctx.t.generations.projectId, projectId), isNull(ctx.t.generations.deletedAt)))
    .orderBy(asc(ctx.t.generations.pretrainedOn), asc(ctx.t.generations.id))
  for (const [i, row] of rows.entries()) {
    if (row.ordinal !== i + 1) {
      await ctx.db
        .update(ctx.t.generations)
        .set({ ordinal: i + 1 })
        .where(eq(ctx.t.generations.id, row.id))
    }
  }
}

export async function createGeneration(
  ctx: ServiceContext,
  input: ApiParsedInput<'generations.create'>,
): Promise<Generation> {
  const project = await getProject(ctx, input.projectId)
  if (project.deletedAt) throw new ServiceError('conflict', `project "${project.name}" is in the trash`)
  return ctx.transaction(async () => {
    let created: Generation
    try {
      created = (
        await ctx.db
          .insert(ctx.t.generations)
          .values({ ...input, ordinal: 0, ...createdStamp(ctx) })
          .returning()
      )[0]
    } catch (err) {
      explainConstraint(err, `project "${project.name}" already has a generation named "${input.name}"`)
    }
    await renumberGenerations(ctx, input.projectId)
    await recordAudit(ctx, {
      projectId: input.projectId,
      action: 'create',
      entity: 'generation',
      entityId: created.id,
      summary: `created generation "${created.name}"`,
    })
    return await getGeneration(ctx, created.id)
  })
}

export async function updateGeneration(
  ctx: ServiceContext,
  input: ApiParsedInput<'generations.update'>,
): Promise<Generation> {
  const current = await getWritableGeneration(ctx, input.id)
  const { id, expectedUpdatedAt, ...changes } = input
  const what = `generation "${current.name}"`
  checkVersion(what, current, expectedUpdatedAt, changes)
  const next = { ...current, ...stripUndefined(changes) }
  if (next.deployedOn && next.deployedOn < next.pretrainedOn) {
    throw new ServiceError('invalid-data', `deployedOn ${next.deployedOn} is before pretrainedOn ${next.pretrainedOn}`)
  }
  const changed = differingFields(current, changes)
  return ctx.transaction(async () => {
    let updated: { id: number }[] = []
    try {
      // Compare-and-set: a change committed since the client read (another server too) wins, this one fails.
      updated = await ctx.db
        .update(ctx.t.generations)
        .set({ ...stripUndefined(changes), updatedAt: nextStamp(current.updatedAt), updatedBy: actorOf(ctx) })
        .where(versionWhereNotNull(ctx.t.generations, id, expectedUpdatedAt))
        .returning({ id: ctx.t.generations.id })
    } catch (err) {
      explainConstraint(err, `this project already has a generation named "${next.name}"`)
    }
    if (!updated.length) {
      const now = await getGeneration(ctx, id)
      throw conflictError(what, now, differingFields(now, changes))
    }
    await renumberGenerations(ctx, current.projectId)
    await recordAudit(ctx, {
      projectId: current.projectId,
      action: 'update',
      entity: 'generation',
      entityId: id,
      summary: `changed generation "${next.name}"${changed.length ? `: ${changed.join(', ')}` : ''}`,
    })
    return await getGeneration(ctx, id)
  })
}

/**
 * Moves a generation to the trash by marking it: its rows stay where they are (a
 * million measurements are not copied), it is hidden everywhere, and undo unmarks it.
 */
export async function deleteGeneration(ctx: ServiceContext, id: number): Promise<TrashEntry> {
  const generation = await getGeneration(ctx, id)
  return ctx.transaction(async () => {
    await ctx.db.update(ctx.t.generations).set({ deletedAt: nowIso(), ordinal: 0 }).where(eq(ctx.t.generations.id, id))
    const entry = (
      await ctx.db
        .insert(ctx.t.trash)
        .values({ kind: 'generation', label: `generation "${generation.name}"`, payload: '{}', generationId: id })
        .returning()
    )[0]
    await renumberGenerations(ctx, generation.projectId)
    await recordAudit(ctx, {
      projectId: generation.projectId,
      action: 'delete',
      entity: 'generation',
      entityId: id,
      summary: `moved generation "${generation.name}" to the trash`,
    })
    return { id: entry.id, kind: entry.kind, label: entry.label, deletedAt: entry.deletedAt }
  })
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
