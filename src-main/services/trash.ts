/**
 * Undo for deletions. A deleted generation is marked (`generations.deleted_at`, and a
 * `trash` row naming it): nothing is copied, restoring unmarks it, and emptying the
 * trash deletes its rows for good, in chunks, reporting progress. Small items (a cost,
 * a phase, a policy, a curve) — and generations trashed before marks existed — are
 * kept as JSON snapshots of their rows; restoring puts them back with their original
 * ids (ids are AUTOINCREMENT, so they are still free).
 */
import { desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { TrashEntry } from '../../src-shared/api/views'
import { parseTrashPayload, QUARANTINE_KIND } from '../../src-shared/api/rows'
import * as schema from '../db/schema'
import type { ServiceContext } from './context'
import { chunked } from './chunked'
import { notFound, ServiceError } from './errors'
import { headlineChanged } from './readModels/maintained'

/** Tables whose rows may be in a snapshot, in the order they can be re-inserted. */
const RESTORE_ORDER = {
  generations: schema.generations,
  importRecords: schema.importRecords,
  benchmarkMeasurements: schema.benchmarkMeasurements,
  inferencePolicies: schema.inferencePolicies,
  policyRows: schema.policyRows,
  computeCurves: schema.computeCurves,
  curvePoints: schema.curvePoints,
  costItems: schema.costItems,
  pipelinePhases: schema.pipelinePhases,
  plans: schema.plans,
} satisfies Record<string, SQLiteTable>

export type SnapshotTable = keyof typeof RESTORE_ORDER
export type Snapshot = Partial<Record<SnapshotTable, Record<string, unknown>[]>>

/** Stores the snapshot and runs `remove` in one transaction. */
export function moveToTrash(
  ctx: ServiceContext,
  kind: string,
  label: string,
  snapshot: Snapshot,
  remove: () => void,
): TrashEntry {
  return ctx.sqlite.transaction(() => {
    const entry = ctx.db
      .insert(schema.trash)
      .values({ kind, label, payload: JSON.stringify(snapshot) })
      .returning()
      .get()
    remove()
    return { id: entry.id, kind: entry.kind, label: entry.label, deletedAt: entry.deletedAt }
  })()
}

/** How many trash entries hold rows moved aside on upgrade because they break the row rules. */
export function countQuarantined(ctx: ServiceContext): number {
  const row = ctx.sqlite.prepare('SELECT count(*) AS n FROM trash WHERE kind = ?').get(QUARANTINE_KIND) as { n: number }
  return row.n
}

export function listTrash(ctx: ServiceContext): TrashEntry[] {
  return ctx.db
    .select({
      id: schema.trash.id,
      kind: schema.trash.kind,
      label: schema.trash.label,
      deletedAt: schema.trash.deletedAt,
    })
    .from(schema.trash)
    .orderBy(desc(schema.trash.id))
    .all()
}

/**
 * Puts an entry back. `afterRestore` gets the projects whose generations came back,
 * to renumber them (in the same transaction).
 */
export function restoreFromTrash(
  ctx: ServiceContext,
  id: number,
  afterRestore?: (projectIds: number[]) => void,
): { restored: string } {
  const entry = ctx.db.select().from(schema.trash).where(eq(schema.trash.id, id)).get()
  if (!entry) throw notFound('trash entry', id)
  if (entry.generationId !== null) {
    const generationId = entry.generationId
    ctx.sqlite.transaction(() => {
      const unmarked = ctx.db
        .update(schema.generations)
        .set({ deletedAt: null })
        .where(eq(schema.generations.id, generationId))
        .returning({ projectId: schema.generations.projectId })
        .get()
      if (!unmarked) throw new ServiceError('conflict', `cannot restore ${entry.label}: its project has been deleted`)
      afterRestore?.([unmarked.projectId])
      ctx.db.delete(schema.trash).where(eq(schema.trash.id, id)).run()
    })()
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
  ctx.sqlite.transaction(() => {
    for (const [name, table] of Object.entries(RESTORE_ORDER) as [SnapshotTable, SQLiteTable][]) {
      const rows = snapshot[name]
      if (!rows?.length) continue
      try {
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for (let i = 0; i < rows.length; i += 500) {
          ctx.db
            .insert(table)
            .values(rows.slice(i, i + 500) as never)
            .run()
        }
      } catch (err) {
        const message = (err as Error).message
        if (message.includes('FOREIGN KEY')) {
          throw new ServiceError('conflict', `cannot restore ${entry.label}: what it belonged to has been deleted`)
        }
        if (message.includes('UNIQUE')) {
          throw new ServiceError('conflict', `cannot restore ${entry.label}: an item with the same name exists now`)
        }
        throw err
      }
    }
    afterRestore?.([...new Set((snapshot.generations ?? []).map((g) => g.projectId as number))])
    headlineChanged(ctx, [
      ...(snapshot.generations ?? []).map((g) => g.id as number),
      ...(snapshot.benchmarkMeasurements ?? []).map((m) => m.generationId as number),
    ])
    ctx.db.delete(schema.trash).where(eq(schema.trash.id, id)).run()
  })()
  return { restored: entry.label }
}

/** Rows of `table` whose `column` is in `ids` (for building snapshots). */
export function rowsWhereIn<T extends SQLiteTable>(
  ctx: ServiceContext,
  table: T,
  column: Parameters<typeof inArray>[0],
  ids: number[],
): Record<string, unknown>[] {
  return chunked(
    ids,
    (chunk) =>
      ctx.db
        .select()
        .from(table as SQLiteTable)
        .where(inArray(column, chunk))
        .all() as Record<string, unknown>[],
  )
}

/** Measurements deleted per statement when emptying the trash: progress between chunks. */
export const DELETE_CHUNK_ROWS = 20_000

/**
 * Deletes generations for good, with their rows: measurements in chunks (a generation
 * may hold millions), reporting progress, then the generations (their small children
 * cascade) and their trash marks. The caller's transaction makes it all or nothing.
 */
export function deleteGenerationsForever(
  ctx: ServiceContext,
  generationIds: number[],
  onProgress: (fraction: number) => void = () => {},
): void {
  if (!generationIds.length) return
  const count = ctx.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements WHERE generation_id = ?')
  const total = generationIds.reduce((sum, id) => sum + (count.get(id) as { n: number }).n, 0)
  const deleteChunk = ctx.sqlite.prepare(
    `DELETE FROM benchmark_measurements WHERE id IN
       (SELECT id FROM benchmark_measurements WHERE generation_id = ? LIMIT ${DELETE_CHUNK_ROWS})`,
  )
  let done = 0
  onProgress(0)
  for (const id of generationIds) {
    for (;;) {
      const { changes } = deleteChunk.run(id)
      done += changes
      if (total > 0) onProgress(Math.min(done / total, 0.99))
      if (changes < DELETE_CHUNK_ROWS) break
    }
  }
  chunked(generationIds, (chunk) => {
    ctx.db.delete(schema.trash).where(inArray(schema.trash.generationId, chunk)).run()
    ctx.db.delete(schema.generations).where(inArray(schema.generations.id, chunk)).run()
    return []
  })
  onProgress(1)
}

/** Empties the whole trash (not the projects' own trash): marked generations are deleted in chunks. */
export function emptyTrash(ctx: ServiceContext, onProgress?: (fraction: number) => void): { removed: number } {
  return ctx.sqlite.transaction(() => {
    const marked = ctx.db
      .select({ generationId: schema.trash.generationId })
      .from(schema.trash)
      .where(isNotNull(schema.trash.generationId))
      .all()
      .map((r) => r.generationId as number)
    deleteGenerationsForever(ctx, marked, onProgress)
    const removed = ctx.db.delete(schema.trash).returning({ id: schema.trash.id }).all().length
    onProgress?.(1)
    return { removed: removed + marked.length }
  })()
}
