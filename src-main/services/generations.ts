import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Generation } from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import type { TrashEntry } from '../../src-shared/api/views'
import * as schema from '../db/schema'
import { generations } from '../db/schema'
import { nowIso, type ServiceContext } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'
import { getProject } from './projects'

/** Generations of a project, in order; those in the trash are hidden. */
export function listGenerations(ctx: ServiceContext, projectId: number): Generation[] {
  return ctx.db
    .select()
    .from(generations)
    .where(and(eq(generations.projectId, projectId), isNull(generations.deletedAt)))
    .orderBy(asc(generations.ordinal))
    .all()
}

/** Generations of all projects not in the trash, by project name, then in project order. */
export function listAllGenerations(ctx: ServiceContext): Generation[] {
  return ctx.db
    .select({ generation: generations })
    .from(generations)
    .innerJoin(schema.projects, eq(schema.projects.id, generations.projectId))
    .where(and(isNull(schema.projects.deletedAt), isNull(generations.deletedAt)))
    .orderBy(asc(schema.projects.name), asc(generations.ordinal))
    .all()
    .map((row) => row.generation)
}

/** A generation not in the trash (one in the trash is not found: it is hidden everywhere). */
export function getGeneration(ctx: ServiceContext, id: number): Generation {
  const row = ctx.db.select().from(generations).where(eq(generations.id, id)).get()
  if (!row || row.deletedAt !== null) throw notFound('generation', id)
  return row
}

/** A generation that may be written to: its project must not be in the trash. */
export function getWritableGeneration(ctx: ServiceContext, id: number): Generation {
  const generation = getGeneration(ctx, id)
  const project = getProject(ctx, generation.projectId)
  if (project.deletedAt) {
    throw new ServiceError('conflict', `project "${project.name}" is in the trash: restore it before changing it`)
  }
  return generation
}

/**
 * Generations are numbered by pretrained date (then creation), so order follows the
 * calendar. Those in the trash are left out (they hold ordinal 0 meanwhile).
 */
export function renumberGenerations(ctx: ServiceContext, projectId: number): void {
  const rows = ctx.db
    .select({ id: generations.id, ordinal: generations.ordinal })
    .from(generations)
    .where(and(eq(generations.projectId, projectId), isNull(generations.deletedAt)))
    .orderBy(asc(generations.pretrainedOn), asc(generations.id))
    .all()
  rows.forEach((row, i) => {
    if (row.ordinal !== i + 1) {
      ctx.db
        .update(generations)
        .set({ ordinal: i + 1 })
        .where(eq(generations.id, row.id))
        .run()
    }
  })
}

export function createGeneration(ctx: ServiceContext, input: ApiParsedInput<'generations.create'>): Generation {
  const project = getProject(ctx, input.projectId)
  if (project.deletedAt) throw new ServiceError('conflict', `project "${project.name}" is in the trash`)
  return ctx.sqlite.transaction(() => {
    let created: Generation
    try {
      created = ctx.db
        .insert(generations)
        .values({ ...input, ordinal: 0 })
        .returning()
        .get()
    } catch (err) {
      explainConstraint(err, `project "${project.name}" already has a generation named "${input.name}"`)
    }
    renumberGenerations(ctx, input.projectId)
    return getGeneration(ctx, created.id)
  })()
}

export function updateGeneration(ctx: ServiceContext, input: ApiParsedInput<'generations.update'>): Generation {
  const current = getWritableGeneration(ctx, input.id)
  const { id, ...changes } = input
  const next = { ...current, ...stripUndefined(changes) }
  if (next.deployedOn && next.deployedOn < next.pretrainedOn) {
    throw new ServiceError('invalid-data', `deployedOn ${next.deployedOn} is before pretrainedOn ${next.pretrainedOn}`)
  }
  return ctx.sqlite.transaction(() => {
    try {
      ctx.db
        .update(generations)
        .set({ ...stripUndefined(changes), updatedAt: nowIso() })
        .where(eq(generations.id, id))
        .run()
    } catch (err) {
      explainConstraint(err, `this project already has a generation named "${next.name}"`)
    }
    renumberGenerations(ctx, current.projectId)
    return getGeneration(ctx, id)
  })()
}

/**
 * Moves a generation to the trash by marking it: its rows stay where they are (a
 * million measurements are not copied), it is hidden everywhere, and undo unmarks it.
 */
export function deleteGeneration(ctx: ServiceContext, id: number): TrashEntry {
  const generation = getGeneration(ctx, id)
  return ctx.sqlite.transaction(() => {
    ctx.db.update(generations).set({ deletedAt: nowIso(), ordinal: 0 }).where(eq(generations.id, id)).run()
    const entry = ctx.db
      .insert(schema.trash)
      .values({ kind: 'generation', label: `generation "${generation.name}"`, payload: '{}', generationId: id })
      .returning()
      .get()
    renumberGenerations(ctx, generation.projectId)
    return { id: entry.id, kind: entry.kind, label: entry.label, deletedAt: entry.deletedAt }
  })()
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
