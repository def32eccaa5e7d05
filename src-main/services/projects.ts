import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import type { Project } from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import { deleteGenerationsForever } from './trash'
import { nowIso, type ServiceContext, type Tables } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'

export async function listProjects(ctx: ServiceContext, includeArchived = true): Promise<Project[]> {
  const where = includeArchived
    ? isNull(ctx.t.projects.deletedAt)
    : and(isNull(ctx.t.projects.deletedAt), isNull(ctx.t.projects.archivedAt))
  return await ctx.db.select().from(ctx.t.projects).where(where).orderBy(asc(ctx.t.projects.name))
}

export async function getProject(ctx: ServiceContext, id: number): Promise<Project> {
  const row = (await ctx.db.select().from(ctx.t.projects).where(eq(ctx.t.projects.id, id)))[0]
  if (!row) throw notFound('project', id)
  return row
}

export async function createProject(ctx: ServiceContext, input: ApiParsedInput<'projects.create'>): Promise<Project> {
  try {
    return (await ctx.db.insert(ctx.t.projects).values(input).returning())[0]
  } catch (err) {
    explainConstraint(err, await uniqueNameMessage(ctx, input.name))
  }
}

async function uniqueNameMessage(ctx: ServiceContext, name: string): Promise<string> {
  const existing = (await ctx.db.select().from(ctx.t.projects).where(eq(ctx.t.projects.name, name)))[0]
  return existing?.deletedAt
    ? `a project named "${name}" is in the trash: restore it or empty the trash first`
    : `a project named "${name}" already exists`
}

export async function updateProject(ctx: ServiceContext, input: ApiParsedInput<'projects.update'>): Promise<Project> {
  const current = await getProject(ctx, input.id)
  if (current.deletedAt) throw new ServiceError('conflict', `project "${current.name}" is in the trash`)
  const changes: Partial<Tables['projects']['$inferInsert']> = { updatedAt: nowIso() }
  if (input.name !== undefined) changes.name = input.name
  if (input.description !== undefined) changes.description = input.description
  if (input.archived !== undefined) changes.archivedAt = input.archived ? nowIso() : null
  try {
    return (await ctx.db.update(ctx.t.projects).set(changes).where(eq(ctx.t.projects.id, input.id)).returning())[0]
  } catch (err) {
    explainConstraint(err, await uniqueNameMessage(ctx, input.name ?? current.name))
  }
}

/** Moves a project to the trash; `restoreProject` undoes it, `emptyTrash` makes it final. */
export async function deleteProject(ctx: ServiceContext, id: number): Promise<Project> {
  const current = await getProject(ctx, id)
  if (current.deletedAt) return current
  return (
    await ctx.db.update(ctx.t.projects).set({ deletedAt: nowIso() }).where(eq(ctx.t.projects.id, id)).returning()
  )[0]
}

export async function restoreProject(ctx: ServiceContext, id: number): Promise<Project> {
  await getProject(ctx, id)
  return (await ctx.db.update(ctx.t.projects).set({ deletedAt: null }).where(eq(ctx.t.projects.id, id)).returning())[0]
}

export async function listTrashedProjects(ctx: ServiceContext): Promise<Project[]> {
  return await ctx.db
    .select()
    .from(ctx.t.projects)
    .where(isNotNull(ctx.t.projects.deletedAt))
    .orderBy(asc(ctx.t.projects.name))
}

/** Deletes the trashed projects for good: their measurements in chunks (with progress), then the rest. */
export async function emptyProjectTrash(
  ctx: ServiceContext,
  onProgress?: (fraction: number) => void,
): Promise<{ removed: number }> {
  return ctx.transaction(async () => {
    const trashedGenerations = (
      await ctx.db
        .select({ id: ctx.t.generations.id })
        .from(ctx.t.generations)
        .innerJoin(ctx.t.projects, eq(ctx.t.projects.id, ctx.t.generations.projectId))
        .where(isNotNull(ctx.t.projects.deletedAt))
    ).map((g) => g.id)
    await deleteGenerationsForever(ctx, trashedGenerations, onProgress)
    const removed = await ctx.db
      .delete(ctx.t.projects)
      .where(isNotNull(ctx.t.projects.deletedAt))
      .returning({ id: ctx.t.projects.id })
    return { removed: removed.length }
  })
}

/** Fills `uid` where a row has none (rows restored from a backup made before uids existed). */
export async function ensureProjectUids(ctx: ServiceContext): Promise<number> {
  const missing = await ctx.db.select({ id: ctx.t.projects.id }).from(ctx.t.projects).where(isNull(ctx.t.projects.uid))
  for (const { id } of missing) {
    await ctx.db.update(ctx.t.projects).set({ uid: randomUUID() }).where(eq(ctx.t.projects.id, id))
  }
  return missing.length
}
