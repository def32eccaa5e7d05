/**
 * Who changed what (issue 12, item 4): the audit events every write service records in its
 * own transaction, the stamps (`created_by`/`updated_by`) of the rows users edit, and the
 * conflict check of every `*.update` (the `updatedAt` the client read, compared and set in the
 * UPDATE's WHERE, so two servers over one PostgreSQL cannot both win).
 */
import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm'
import type { AuditEvent } from '../../src-shared/api/views'
import type { ServiceContext, Tables } from './context'
import { nowIso } from './context'
import { ServiceError } from './errors'

/** Who is writing: the signed-in user on a team server, null for local use. */
export const actorOf = (ctx: ServiceContext): string | null => ctx.actor ?? null

/** How an actor is shown: a local write (desktop, loopback web, CLI on a file) is "local". */
export const actorLabel = (actor: string | null | undefined): string => actor ?? 'local'

/** The stamps of a new row. */
export const createdStamp = (ctx: ServiceContext) => ({ createdBy: actorOf(ctx), updatedBy: actorOf(ctx) })

/**
 * A new `updatedAt` for a row last changed at `previous`: now, or a millisecond later than
 * `previous` when the clock has not moved on (a version must change with every write).
 */
export function nextStamp(previous: string | null | undefined): string {
  const now = nowIso()
  if (!previous || now > previous) return now
  const next = Date.parse(previous) + 1
  return Number.isFinite(next) ? new Date(next).toISOString() : now
}

export interface AuditInput {
  projectId: number
  action: string
  entity: string
  entityId?: number | null
  summary: string
}

/** Records one write; call it inside the write's transaction. */
export async function recordAudit(ctx: ServiceContext, event: AuditInput): Promise<void> {
  await ctx.db.insert(ctx.t.auditEvents).values({
    projectId: event.projectId,
    at: nowIso(),
    actor: actorOf(ctx),
    action: event.action,
    entity: event.entity,
    entityId: event.entityId ?? null,
    summary: event.summary.length > 1000 ? `${event.summary.slice(0, 999)}…` : event.summary,
  })
}

/** A project's events, newest first; `before` (an event id) pages back. */
export async function listAudit(
  ctx: ServiceContext,
  input: { projectId: number; limit: number; before?: number },
): Promise<AuditEvent[]> {
  const t = ctx.t.auditEvents
  const where =
    input.before !== undefined
      ? and(eq(t.projectId, input.projectId), lt(t.id, input.before))
      : eq(t.projectId, input.projectId)
  return await ctx.db.select().from(t).where(where).orderBy(desc(t.id)).limit(input.limit)
}

// ---- conflicts ----

/** Tables whose rows carry a version: `updatedAt`, or (never changed) `createdAt`. */
type VersionedWithCreated =
  | Tables['benchmarkMeasurements']
  | Tables['inferencePolicies']
  | Tables['computeCurves']
  | Tables['costItems']
  | Tables['pipelinePhases']

/** A row's version: the `updatedAt` a client reads and sends back as `expectedUpdatedAt`. */
export const versionOf = (row: { updatedAt?: string | null; createdAt?: string | null }): string =>
  row.updatedAt ?? row.createdAt ?? ''

/**
 * The WHERE of a compare-and-set UPDATE of row `id`: still at the version the client read
 * (none given: any version).
 */
export function versionWhere(table: VersionedWithCreated, id: number, expected: string | undefined): SQL | undefined {
  if (expected === undefined) return eq(table.id, id)
  return and(
    eq(table.id, id),
    or(eq(table.updatedAt, expected), and(isNull(table.updatedAt), eq(table.createdAt, expected))),
  )
}

/** The same for tables whose `updatedAt` is never null (projects, generations, plans). */
export function versionWhereNotNull(
  table: Tables['projects'] | Tables['generations'] | Tables['plans'],
  id: number,
  expected: string | undefined,
): SQL | undefined {
  return expected === undefined ? eq(table.id, id) : and(eq(table.id, id), eq(table.updatedAt, expected))
}

/** The names of the fields `wanted` sets to something other than what `current` holds. */
export function differingFields(currentRow: object, wanted: Record<string, unknown>): string[] {
  const current = currentRow as Record<string, unknown>
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
  return Object.entries(wanted)
    .filter(([key, value]) => value !== undefined && key !== 'id' && key !== 'expectedUpdatedAt')
    .filter(([key, value]) => !same(current[key], value))
    .map(([key]) => key)
}

/**
 * The conflict of a save over a newer change: names the item, who changed it and when, and
 * which fields of the save differ from what is stored now.
 */
export function conflictError(
  what: string,
  current: { updatedAt?: string | null; createdAt?: string | null; updatedBy?: string | null },
  fields: string[],
): ServiceError {
  const when = versionOf(current)
  const at = when ? `${when.slice(0, 10)} ${when.slice(11, 19)} UTC` : 'meanwhile'
  const differ = fields.length
    ? `it now differs from your version in: ${fields.join(', ')}`
    : 'your version has the same values'
  return new ServiceError(
    'conflict',
    `${what} was changed by ${actorLabel(current.updatedBy)} at ${at}, after you opened it (${differ}); nothing was saved: reload it and make your change again`,
  )
}

/** Throws the conflict when the client read another version than the stored one. */
export function checkVersion(
  what: string,
  current: { updatedAt?: string | null; createdAt?: string | null; updatedBy?: string | null },
  expected: string | undefined,
  wanted: Record<string, unknown>,
): void {
  if (expected === undefined || versionOf(current) === expected) return
  throw conflictError(what, current, differingFields(current, wanted))
}
