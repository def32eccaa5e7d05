/**
 * Undo for deletions: the deleted rows (children included) are kept as JSON in the
 * `trash` table, and restoring puts them back with their original ids (ids are
 * AUTOINCREMENT, so they are still free).
 */
import { desc, eq, inArray } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { TrashEntry } from '../../src-shared/api/views'
import { parseTrashPayload } from '../../src-shared/api/rows'
import * as schema from '../db/schema'
import type { ServiceContext } from './context'
import { chunked } from './chunked'
import { notFound, ServiceError } from './errors'

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

export function restoreFromTrash(
  ctx: ServiceContext,
  id: number,
  afterRestore?: (s: Snapshot) => void,
): { restored: string } {
  const entry = ctx.db.select().from(schema.trash).where(eq(schema.trash.id, id)).get()
  if (!entry) throw notFound('trash entry', id)
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
    afterRestore?.(snapshot)
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
