import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import type { Project } from '../../src-shared/domain/types'
import type { ApiParsedInput } from '../../src-shared/api/contract'
import { deleteGenerationsForever } from './trash'
import { nowIso, type ServiceContext, type Tables } from './context'
import { explainConstraint, notFound, ServiceError } from './errors'
import {
  checkVersion,
  conflictError,
  createdStamp,
  actorOf,
  differingFields,
  nextStamp,
  recordAudit,
  versionWhereNotNull,
} from './audit'

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
    return await ctx.transaction(async () => {
      const project = (
        await ctx.db
          .insert(ctx.t.projects)
          .values({ ...input, ...createdStamp(ctx) })
          .returning()
      )[0]
      await recordAudit(ctx, {
        projectId: project.id,
        action: 'create',
        entity: 'project',
        entityId: project.id,
        summary: `created project "${project.name}"`,
      })
      return project
    })
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
  const what = `project "${current.name}"`
  const wanted = { name: input.name, description: input.description }
  checkVersion(what, current, input.expectedUpdatedAt, wanted)
  const changes: Partial<Tables['projects']['$inferInsert']> = {
    updatedAt: nextStamp(current.updatedAt),
    updatedBy: actorOf(ctx),
  }
  if (input.name !== undefined) changes.name = input.name
  if (input.description !== undefined) changes.description = input.description
  if (input.archived !== undefined) changes.archivedAt = input.archived ? nowIso() : null
  const changed = differingFields(current, {
    ...wanted,
    archivedAt: input.archived === undefined ? undefined : changes.archivedAt,
  })
  try {
    return await ctx.transaction(async () => {
      // Compare-and-set: a change committed since the client read (another server too) wins, this one fails.
      const updated = (
        await ctx.db
          .update(ctx.t.projects)
          .set(changes)
          .where(versionWhereNotNull(ctx.t.projects, input.id, input.expectedUpdatedAt))
          .returning()
      )[0]
      if (!updated) {
        const now = await getProject(ctx, input.id)
        throw conflictError(what, now, differingFields(now, wanted))
      }
      const archived =
        input.archived === undefined || Boolean(current.archivedAt) === input.archived
          ? ''
          : input.archived
            ? ' (archived)'
            : ' (unarchived)'
      await recordAudit(ctx, {
        projectId: input.id,
        action:
          input.archived !== undefined && changed.length === 1 && changed[0] === 'archivedAt'
            ? input.archived
              ? 'archive'
              : 'unarchive'
            : 'update',
        entity: 'project',
        entityId: input.id,
        summary: `changed project "${updated.name}"${changed.filter((f) => f !== 'archivedAt').length ? `: ${changed.filter((f) => f !== 'archivedAt').join(', ')}` : ''}${archived}`,
      })
      return updated
    })
  } catch (err) {
    if (err instanceof ServiceError) throw err
    explainConstraint(err, await uniqueNameMessage(ctx, input.name ?? current.name))
  }
}

/** Moves a project to the trash; `restoreProject` undoes it, `emptyTrash` makes it final. */
export async function deleteProject(ctx: ServiceContext, id: number): Promise<Project> {
  const current = await getProject(ctx, id)
  if (current.deletedAt) return current
  return await ctx.transaction(async () => {
    const project = (
      await ctx.db
        .update(ctx.t.projects)
        .set({ deletedAt: nowIso(), updatedBy: actorOf(ctx) })
        .where(eq(ctx.t.projects.id, id))
        .returning()
    )[0]
    await recordAudit(ctx, {
      projectId: id,
      action: 'delete',
      entity: 'project',
      entityId: id,
      summary: `moved project "${project.name}" to the trash`,
    })
    return project
  })
}

export async function restoreProject(ctx: ServiceContext, id: number): Promise<Project> {
  const current = await getProject(ctx, id)
  if (!current.deletedAt) return current
  return await ctx.transaction(async () => {
    const project = (
      await ctx.db
        .update(ctx.t.projects)
        .set({ deletedAt: null, updatedBy: actorOf(ctx) })
        .where(eq(ctx.t.projects.id, id))
        .returning()
    )[0]
    await recordAudit(ctx, {
      projectId: id,
      action: 'restore',
      entity: 'project',
      entityId: id,
      summary: `restored project "${project.name}" from the trash`,
    })
    return project
  })
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
