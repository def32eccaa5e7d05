/**
 * Undo for deletions. A deleted generation is marked (`generations.deleted_at`, and a
 * `trash` row naming it): nothing is copied, restoring unmarks it, and emptying the
 * trash deletes its rows for good, in chunks, reporting progress. Small items (a cost,
 * a phase, a policy, a curve) — and generations trashed before marks existed — are
 * kept as JSON snapshots of their rows; restoring puts them back with their original
 * ids (ids are AUTOINCREMENT, so they are still free).
 */
import { count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { TrashEntry } from '../../src-shared/api/views'
import { parseTrashPayload, QUARANTINE_KIND } from '../../src-shared/api/rows'
import type { ServiceContext, Tables } from './context'
import { chunked } from './chunked'
import { notFound, ServiceError, sqlState } from './errors'
import { headlineChanged } from './readModels/maintained'
import { recordAudit } from './audit'

/** Tables whose rows may be in a snapshot, in the order they can be re-inserted. */
const RESTORE_ORDER = [
  'generations',
  'importRecords',
  'benchmarkMeasurements',
  'inferencePolicies',
  'policyRows',
  'computeCurves',
  'curvePoints',
  'costItems',
  'pipelinePhases',
  'plans',
] as const satisfies readonly (keyof Tables)[]

export type SnapshotTable = (typeof RESTORE_ORDER)[number]
export type Snapshot = Partial<Record<SnapshotTable, Record<string, unknown>[]>>

/** Stores the snapshot and runs `remove` in one transaction. */
export async function moveToTrash(
  ctx: ServiceContext,
  kind: string,
  label: string,
  snapshot: Snapshot,
  remove: () => Promise<unknown>,
): Promise<TrashEntry> {
  return ctx.transaction(async () => {
    const entry = (
      await ctx.db
        .insert(ctx.t.trash)
        .values({ kind, label, payload: JSON.stringify(snapshot) })
        .returning()
    )[0]
    await remove()
    return { id: entry.id, kind: entry.kind, label: entry.label, deletedAt: entry.deletedAt }
  })
}

/** How many trash entries hold rows moved aside on upgrade because they break the row rules. */
export async function countQuarantined(ctx: ServiceContext): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(ctx.t.trash).where(eq(ctx.t.trash.kind, QUARANTINE_KIND))
  return row?.n ?? 0
}

export async function listTrash(ctx: ServiceContext): Promise<TrashEntry[]> {
  return await ctx.db
    .select({
      id: ctx.t.trash.id,
      kind: ctx.t.trash.kind,
      label: ctx.t.trash.label,
      deletedAt: ctx.t.trash.deletedAt,
    })
    .from(ctx.t.trash)
    .orderBy(desc(ctx.t.trash.id))
}

/**
 * Puts an entry back. `afterRestore` gets the projects whose generations came back,
 * to renumber them (in the same transaction).
 */
export async function restoreFromTrash(
  ctx: ServiceContext,
  id: number,
  afterRestore?: (tx: ServiceContext, projectIds: number[]) => Promise<void>,
): Promise<{ restored: string }> {
  const entry = (await ctx.db.select().from(ctx.t.trash).where(eq(ctx.t.trash.id, id)))[0]
  if (!entry) throw notFound('trash entry', id)
  if (entry.generationId !== null) {
    const generationId = entry.generationId
    await ctx.transaction(async () => {
      const unmarked = (
        await ctx.db
          .update(ctx.t.generations)
          .set({ deletedAt: null })
          .where(eq(ctx.t.generations.id, generationId))
          .returning({ projectId: ctx.t.generations.projectId })
      )[0]
      if (!unmarked) throw new ServiceError('conflict', `cannot restore ${entry.label}: its project has been deleted`)
      await afterRestore?.(ctx, [unmarked.projectId])
      await ctx.db.delete(ctx.t.trash).where(eq(ctx.t.trash.id, id))
      await recordAudit(ctx, {
        projectId: unmarked.projectId,
        action: 'restore',
        entity: entry.kind,
        entityId: generationId,
        summary: `restored ${entry.label} from the trash`,
      })
    })
    return { restored: entry.label }
  }
  if (entry.kind === QUARANTINE_KIND) {
    throw new ServiceError(
      'invalid-data',
      `cannot restore ${entry.label}: it breaks the row rules, so it stays in the trash as it was found (a backup export keeps it)`,
    )
  }
  // The payload obeys the same row rules as the API and backups, or nothing is restored.
  const parsed = parseTrashPayload(entry.payload)
  if (!parsed.ok) throw new ServiceError('invalid-data', `cannot restore ${entry.label}: ${parsed.problem}`)
  const snapshot = parsed.snapshot as Snapshot
  await ctx.transaction(async () => {
    for (const name of RESTORE_ORDER) {
      const table = ctx.t[name] as SQLiteTable
      const rows = snapshot[name]
      if (!rows?.length) continue
      try {
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for (let i = 0; i < rows.length; i += 500) {
          await ctx.db.insert(table).values(rows.slice(i, i + 500) as never)
        }
      } catch (err) {
        const message = (err as Error).message
        const state = sqlState(err) // PostgreSQL's code; SQLite's message
        if (message.includes('FOREIGN KEY') || state === '23503') {
          throw new ServiceError('conflict', `cannot restore ${entry.label}: what it belonged to has been deleted`)
        }
        if (message.includes('UNIQUE') || state === '23505') {
          throw new ServiceError('conflict', `cannot restore ${entry.label}: an item with the same name exists now`)
        }
        throw err
      }
    }
    await afterRestore?.(ctx, [...new Set((snapshot.generations ?? []).map((g) => g.projectId as number))])
    await headlineChanged(ctx, [
      ...(snapshot.generations ?? []).map((g) => g.id as number),
      ...(snapshot.benchmarkMeasurements ?? []).map((m) => m.generationId as number),
    ])
    await ctx.db.delete(ctx.t.trash).where(eq(ctx.t.trash.id, id))
    for (const projectId of await projectsOfSnapshot(ctx, snapshot)) {
      const first = Object.values(snapshot).find((rows) => rows?.length)?.[0]
      await recordAudit(ctx, {
        projectId,
        action: 'restore',
        entity: entry.kind,
        entityId: typeof first?.id === 'number' ? first.id : null,
        summary: `restored ${entry.label} from the trash`,
      })
    }
  })
  return { restored: entry.label }
}

/** The projects the rows of a snapshot belong to (for the audit events of a restore). */
async function projectsOfSnapshot(ctx: ServiceContext, snapshot: Snapshot): Promise<number[]> {
  const projectIds = new Set((snapshot.generations ?? []).map((g) => g.projectId as number))
  const generationIds = new Set<number>()
  for (const rows of Object.values(snapshot)) {
    for (const row of rows ?? []) if (typeof row.generationId === 'number') generationIds.add(row.generationId)
  }
  if (generationIds.size) {
    const rows = await ctx.db
      .select({ projectId: ctx.t.generations.projectId })
      .from(ctx.t.generations)
      .where(inArray(ctx.t.generations.id, [...generationIds]))
    for (const row of rows) projectIds.add(row.projectId)
  }
  return [...projectIds]
}

/** Rows of `table` whose `column` is in `ids` (for building snapshots). */
export async function rowsWhereIn<T extends SQLiteTable>(
  ctx: ServiceContext,
  table: T,
  column: Parameters<typeof inArray>[0],
  ids: number[],
): Promise<Record<string, unknown>[]> {
  return await chunked(
    ids,
    async (chunk) =>
      (await ctx.db
        .select()
        .from(table as SQLiteTable)
        .where(inArray(column, chunk))) as Record<string, unknown>[],
  )
}

/** Measurements deleted per statement when emptying the trash: progress between chunks. */
export const DELETE_CHUNK_ROWS = 20_000

/**
 * Deletes generations for good, with their rows: measurements in chunks (a generation
 * may hold millions), reporting progress, then the generations (their small children
 * cascade) and their trash marks. The caller's transaction makes it all or nothing.
 */
export async function deleteGenerationsForever(
  ctx: ServiceContext,
  generationIds: number[],
  onProgress: (fraction: number) => void = () => {},
): Promise<void> {
  if (!generationIds.length) return
  const m = ctx.t.benchmarkMeasurements
  let total = 0
  for (const id of generationIds) {
    total += (await ctx.db.select({ n: count() }).from(m).where(eq(m.generationId, id)))[0]?.n ?? 0
  }
  let done = 0
  onProgress(0)
  for (const id of generationIds) {
    for (;;) {
      const changes = await ctx.dialect.run(
        sql`DELETE FROM benchmark_measurements WHERE id IN
              (SELECT id FROM benchmark_measurements WHERE generation_id = ${id} LIMIT ${sql.raw(String(DELETE_CHUNK_ROWS))})`,
      )
      done += changes
      if (total > 0) onProgress(Math.min(done / total, 0.99))
      if (changes < DELETE_CHUNK_ROWS) break
    }
  }
  await chunked(generationIds, async (chunk) => {
    await ctx.db.delete(ctx.t.trash).where(inArray(ctx.t.trash.generationId, chunk))
    await ctx.db.delete(ctx.t.generations).where(inArray(ctx.t.generations.id, chunk))
    return []
  })
  onProgress(1)
}

/** Empties the whole trash (not the projects' own trash): marked generations are deleted in chunks. */
export async function emptyTrash(
  ctx: ServiceContext,
  onProgress?: (fraction: number) => void,
): Promise<{ removed: number }> {
  return ctx.transaction(async () => {
    const marked = (
      await ctx.db
        .select({ generationId: ctx.t.trash.generationId })
        .from(ctx.t.trash)
        .where(isNotNull(ctx.t.trash.generationId))
    ).map((r) => r.generationId as number)
    await deleteGenerationsForever(ctx, marked, onProgress)
    const removed = (await ctx.db.delete(ctx.t.trash).returning({ id: ctx.t.trash.id })).length
    onProgress?.(1)
    return { removed: removed + marked.length }
  })
}
