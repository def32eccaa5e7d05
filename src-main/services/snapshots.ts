/**
 * Automatic snapshots: while the app is in use it keeps one copy of the database a day
 * (`VACUUM INTO` beside the file, written atomically), the last 7 kept. A snapshot can
 * be restored; the restore first snapshots the current data, so it can itself be undone.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { SnapshotInfo } from '../../src-shared/api/views'
import { SnapshotFileError } from '../db/dialects/types'
import { BACKUP_TABLES } from './backup'
import type { ServiceContext } from './context'
import { notFound, ServiceError } from './errors'

export const DAILY_KEPT = 7
export const BEFORE_RESTORE_KEPT = 3

type Kind = SnapshotInfo['kind']
const KINDS: Kind[] = ['daily', 'manual', 'before-restore']
const STAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/

/** `atax.db` → `atax.db.snapshot-daily-2026-11-30T05-14-00-123Z.db` (to the millisecond: a restore and its undo may share a second). */
function snapshotName(dbFile: string, kind: Kind, at: Date): string {
  const stamp = at.toISOString().slice(0, 23).replace(/[:.]/g, '-') + 'Z'
  return `${path.basename(dbFile)}.snapshot-${kind}-${stamp}.db`
}

function parseName(dbFile: string, name: string): { kind: Kind; takenAt: string } | null {
  const prefix = `${path.basename(dbFile)}.snapshot-`
  if (!name.startsWith(prefix) || !name.endsWith('.db')) return null
  const rest = name.slice(prefix.length, -'.db'.length)
  const kind = KINDS.find((k) => rest.startsWith(`${k}-`))
  if (!kind) return null
  const m = STAMP.exec(rest.slice(kind.length + 1))
  if (!m) return null
  return { kind, takenAt: `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` }
}

function canSnapshot(ctx: ServiceContext, dbFile: string): boolean {
  return dbFile !== ':memory:' && ctx.dialect.canSnapshot()
}

/** The snapshots of `dbFile`, newest first. */
export function listSnapshots(dbFile: string): SnapshotInfo[] {
  if (dbFile === ':memory:') return []
  const dir = path.dirname(dbFile)
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const list: SnapshotInfo[] = []
  for (const name of names) {
    const parsed = parseName(dbFile, name)
    if (!parsed) continue
    const size = fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.size
    if (size === undefined) continue
    list.push({ name, kind: parsed.kind, takenAt: parsed.takenAt, bytes: size })
  }
  return list.sort((a, b) => b.takenAt.localeCompare(a.takenAt) || b.name.localeCompare(a.name))
}

export async function takeSnapshot(
  ctx: ServiceContext,
  dbFile: string,
  kind: Kind,
  now = new Date(),
): Promise<SnapshotInfo> {
  if (!canSnapshot(ctx, dbFile)) {
    throw new ServiceError('conflict', 'snapshots need a database file that can be written')
  }
  const name = freeSnapshotName(dbFile, kind, now)
  await ctx.dialect.copyInto(path.join(path.dirname(dbFile), name))
  return keptSnapshot(dbFile, name)
}

/** A name for a new snapshot: never over an existing one (two in the same millisecond): the next millisecond's name. */
export function freeSnapshotName(dbFile: string, kind: Kind, now: Date): string {
  let name = snapshotName(dbFile, kind, now)
  for (let t = now.getTime() + 1; fs.existsSync(path.join(path.dirname(dbFile), name)); t++) {
    name = snapshotName(dbFile, kind, new Date(t))
  }
  return name
}

/** After a snapshot is written: the old ones pruned, and the new one's entry. */
export function keptSnapshot(dbFile: string, name: string): SnapshotInfo {
  prune(dbFile)
  return listSnapshots(dbFile).find((s) => s.name === name)!
}

/** Whether today has no daily snapshot yet. */
export function dailySnapshotDue(dbFile: string, now = new Date()): boolean {
  const today = now.toISOString().slice(0, 10)
  return !listSnapshots(dbFile).some((s) => s.kind === 'daily' && s.takenAt.startsWith(today))
}

/** One snapshot a day while the app is in use: takes one when today has none. */
export async function takeDailySnapshotIfDue(
  ctx: ServiceContext,
  dbFile: string,
  now = new Date(),
): Promise<SnapshotInfo | null> {
  if (!canSnapshot(ctx, dbFile)) return null
  if (!dailySnapshotDue(dbFile, now)) return null
  // A brand-new, empty database has nothing worth keeping.
  const holdsData = (await ctx.db.select({ id: ctx.t.projects.id }).from(ctx.t.projects).limit(1)).length > 0
  return holdsData ? await takeSnapshot(ctx, dbFile, 'daily', now) : null
}

function prune(dbFile: string): void {
  const all = listSnapshots(dbFile)
  const keep = { daily: DAILY_KEPT, manual: DAILY_KEPT, 'before-restore': BEFORE_RESTORE_KEPT }
  for (const kind of KINDS) {
    for (const old of all.filter((s) => s.kind === kind).slice(keep[kind])) {
      fs.rmSync(path.join(path.dirname(dbFile), old.name), { force: true })
    }
  }
}

/**
 * Replaces the data with a snapshot's, in one transaction, after snapshotting the
 * current data ('before-restore'): restoring that one undoes the restore.
 */
export async function restoreSnapshot(
  ctx: ServiceContext,
  dbFile: string,
  name: string,
): Promise<{ restored: string; undo: SnapshotInfo }> {
  const snapshot = listSnapshots(dbFile).find((s) => s.name === name)
  if (!snapshot) throw notFound('snapshot', name)
  const file = path.join(path.dirname(dbFile), snapshot.name)
  const undo = await takeSnapshot(ctx, dbFile, 'before-restore')
  try {
    await ctx.dialect.restoreSnapshotFile(file, BACKUP_TABLES)
  } catch (err) {
    if (!(err instanceof SnapshotFileError)) throw err
    throw new ServiceError(
      'invalid-data',
      err.problem === 'damaged'
        ? `snapshot ${name} is damaged (${err.detail})`
        : `snapshot ${name} refers to missing rows`,
    )
  }
  return { restored: snapshot.name, undo }
}
