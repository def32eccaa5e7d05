import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import type { Project } from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import { generations, projects } from '../db/schema'
import { deleteGenerationsForever } from './trash'
import { nowIso, type ServiceContext } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'

export function listProjects(ctx: ServiceContext, includeArchived = true): Project[] {
  const where = includeArchived
    ? isNull(projects.deletedAt)
    : and(isNull(projects.deletedAt), isNull(projects.archivedAt))
  return ctx.db.select().from(projects).where(where).orderBy(asc(projects.name)).all()
}

export function getProject(ctx: ServiceContext, id: number): Project {
  const row = ctx.db.select().from(projects).where(eq(projects.id, id)).get()
  if (!row) throw notFound('project', id)
  return row
}

export function createProject(ctx: ServiceContext, input: ApiParsedInput<'projects.create'>): Project {
  try {
    return ctx.db.insert(projects).values(input).returning().get()
  } catch (err) {
    explainConstraint(err, uniqueNameMessage(ctx, input.name))
  }
}

function uniqueNameMessage(ctx: ServiceContext, name: string): string {
  const existing = ctx.db.select().from(projects).where(eq(projects.name, name)).get()
  return existing?.deletedAt
    ? `a project named "${name}" is in the trash: restore it or empty the trash first`
    : `a project named "${name}" already exists`
}

export function updateProject(ctx: ServiceContext, input: ApiParsedInput<'projects.update'>): Project {
  const current = getProject(ctx, input.id)
  if (current.deletedAt) throw new ServiceError('conflict', `project "${current.name}" is in the trash`)
  const changes: Partial<typeof projects.$inferInsert> = { updatedAt: nowIso() }
  if (input.name !== undefined) changes.name = input.name
  if (input.description !== undefined) changes.description = input.description
  if (input.archived !== undefined) changes.archivedAt = input.archived ? nowIso() : null
  try {
    return ctx.db.update(projects).set(changes).where(eq(projects.id, input.id)).returning().get()
  } catch (err) {
    explainConstraint(err, uniqueNameMessage(ctx, input.name ?? current.name))
  }
}

/** Moves a project to the trash; `restoreProject` undoes it, `emptyTrash` makes it final. */
export function deleteProject(ctx: ServiceContext, id: number): Project {
  const current = getProject(ctx, id)
  if (current.deletedAt) return current
  return ctx.db.update(projects).set({ deletedAt: nowIso() }).where(eq(projects.id, id)).returning().get()
}

export function restoreProject(ctx: ServiceContext, id: number): Project {
  getProject(ctx, id)
  return ctx.db.update(projects).set({ deletedAt: null }).where(eq(projects.id, id)).returning().get()
}

export function listTrashedProjects(ctx: ServiceContext): Project[] {
  return ctx.db.select().from(projects).where(isNotNull(projects.deletedAt)).orderBy(asc(projects.name)).all()
}

/** Deletes the trashed projects for good: their measurements in chunks (with progress), then the rest. */
export function emptyProjectTrash(ctx: ServiceContext, onProgress?: (fraction: number) => void): { removed: number } {
  return ctx.sqlite.transaction(() => {
    const trashedGenerations = ctx.db
      .select({ id: generations.id })
      .from(generations)
      .innerJoin(projects, eq(projects.id, generations.projectId))
      .where(isNotNull(projects.deletedAt))
      .all()
      .map((g) => g.id)
    deleteGenerationsForever(ctx, trashedGenerations, onProgress)
    const removed = ctx.db.delete(projects).where(isNotNull(projects.deletedAt)).returning({ id: projects.id }).all()
    return { removed: removed.length }
  })()
}
