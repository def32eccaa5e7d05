/**
 * Automatic snapshots: while the app is in use it keeps one copy of the database a day
 * (`VACUUM INTO` beside the file, written atomically), the last 7 kept. A snapshot can
 * be restored; the restore first snapshots the current data, so it can itself be undone.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { SnapshotInfo } from '../../src-shared/api/views'
import { vacuumIntoAtomically } from '../db/open'
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
  return dbFile !== ':memory:' && ctx.sqlite.name !== ':memory:' && !ctx.sqlite.readonly
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

export function takeSnapshot(ctx: ServiceContext, dbFile: string, kind: Kind, now = new Date()): SnapshotInfo {
  if (!canSnapshot(ctx, dbFile)) {
    throw new ServiceError('conflict', 'snapshots need a database file that can be written')
  }
  let name = snapshotName(dbFile, kind, now)
  // Never over an existing snapshot (two in the same millisecond): the next millisecond's name.
  for (let t = now.getTime() + 1; fs.existsSync(path.join(path.dirname(dbFile), name)); t++) {
    name = snapshotName(dbFile, kind, new Date(t))
  }
  vacuumIntoAtomically(ctx.sqlite, path.join(path.dirname(dbFile), name))
  prune(dbFile)
  return listSnapshots(dbFile).find((s) => s.name === name)!
}

/** One snapshot a day while the app is in use: takes one when today has none. */
export function takeDailySnapshotIfDue(ctx: ServiceContext, dbFile: string, now = new Date()): SnapshotInfo | null {
  if (!canSnapshot(ctx, dbFile)) return null
  const today = now.toISOString().slice(0, 10)
  if (listSnapshots(dbFile).some((s) => s.kind === 'daily' && s.takenAt.startsWith(today))) return null
  // A brand-new, empty database has nothing worth keeping.
  const holdsData = ctx.sqlite.prepare('SELECT 1 FROM projects LIMIT 1').get() !== undefined
  return holdsData ? takeSnapshot(ctx, dbFile, 'daily', now) : null
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
export function restoreSnapshot(
  ctx: ServiceContext,
  dbFile: string,
  name: string,
): { restored: string; undo: SnapshotInfo } {
  const snapshot = listSnapshots(dbFile).find((s) => s.name === name)
  if (!snapshot) throw notFound('snapshot', name)
  const file = path.join(path.dirname(dbFile), snapshot.name)
  const undo = takeSnapshot(ctx, dbFile, 'before-restore')
  ctx.sqlite.prepare('ATTACH DATABASE ? AS snap').run(file)
  try {
    const check = ctx.sqlite.prepare('PRAGMA snap.quick_check').pluck().get()
    if (check !== 'ok') throw new ServiceError('invalid-data', `snapshot ${name} is damaged (${String(check)})`)
    ctx.sqlite.transaction(() => {
      for (const table of [...BACKUP_TABLES].reverse()) ctx.sqlite.prepare(`DELETE FROM main."${table}"`).run()
      for (const table of BACKUP_TABLES) {
        const mine = columnsOf(ctx, 'main', table)
        const theirs = new Set(columnsOf(ctx, 'snap', table))
        const shared = mine
          .filter((c) => theirs.has(c))
          .map((c) => `"${c}"`)
          .join(', ')
        if (!shared) continue
        ctx.sqlite.prepare(`INSERT INTO main."${table}" (${shared}) SELECT ${shared} FROM snap."${table}"`).run()
      }
      ctx.sqlite.prepare('DELETE FROM main.sqlite_sequence').run()
      ctx.sqlite
        .prepare('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snap.sqlite_sequence')
        .run()
      const fk = ctx.sqlite.prepare('PRAGMA main.foreign_key_check').all()
      if (fk.length) throw new ServiceError('invalid-data', `snapshot ${name} refers to missing rows`)
    })()
  } finally {
    ctx.sqlite.prepare('DETACH DATABASE snap').run()
  }
  return { restored: snapshot.name, undo }
}

function columnsOf(ctx: ServiceContext, schemaName: string, table: string): string[] {
  return (ctx.sqlite.prepare(`PRAGMA ${schemaName}.table_info("${table}")`).all() as { name: string }[]).map(
    (c) => c.name,
  )
}
