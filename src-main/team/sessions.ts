/**
 * Browser sessions and the login rate limit of the team server, both in the database so
 * that several serve processes over one store share them. A session's cookie value is a
 * random secret; the row holds its sha256 (`id_hash`) and the session's CSRF token.
 * Async, drizzle builders only: the same code on either store.
 */
import crypto from 'node:crypto'
import { and, eq, lt, sql } from 'drizzle-orm'
import type { TeamContext } from './context'
import { hashToken, userById, type UserRow } from './users'

/** How long a browser session lasts from sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export interface NewSession {
  /** The cookie's value: the only copy of the secret. */
  cookieValue: string
  csrfToken: string
  expiresAt: string
}

export async function createSession(ctx: TeamContext, userId: number, now = Date.now()): Promise<NewSession> {
  const cookieValue = crypto.randomBytes(32).toString('base64url')
  const csrfToken = crypto.randomBytes(32).toString('base64url')
  const expiresAt = new Date(now + SESSION_TTL_MS).toISOString()
  // Sessions that ended are removed when someone signs in: no timer, nothing on the read path.
  await ctx.db.delete(ctx.t.sessions).where(lt(ctx.t.sessions.expiresAt, new Date(now).toISOString()))
  await ctx.db.insert(ctx.t.sessions).values({
    idHash: hashToken(cookieValue),
    userId,
    csrfToken,
    createdAt: new Date(now).toISOString(),
    expiresAt,
  })
  return { cookieValue, csrfToken, expiresAt }
}

/** The session's user and CSRF token, or null when the cookie names no live session. */
export async function sessionOf(
  ctx: TeamContext,
  cookieValue: string,
  now = Date.now(),
): Promise<{ user: UserRow; csrfToken: string } | null> {
  if (!cookieValue || cookieValue.length > 200) return null
  const rows = await ctx.db
    .select({ userId: ctx.t.sessions.userId, csrfToken: ctx.t.sessions.csrfToken, expiresAt: ctx.t.sessions.expiresAt })
    .from(ctx.t.sessions)
    .where(eq(ctx.t.sessions.idHash, hashToken(cookieValue)))
    .limit(1)
  const row = rows[0]
  if (!row || row.expiresAt <= new Date(now).toISOString()) return null
  const user = await userById(ctx, row.userId)
  return user ? { user, csrfToken: row.csrfToken } : null
}

export async function endSession(ctx: TeamContext, cookieValue: string): Promise<void> {
  await ctx.db.delete(ctx.t.sessions).where(eq(ctx.t.sessions.idHash, hashToken(cookieValue)))
}

// ---- the login rate limit: failures per user name and client address, in a fixed window ----

export interface LoginLimit {
  /** Failed attempts allowed in a window; the next one is refused until the window ends. */
  failures: number
  windowMs: number
}
export const LOGIN_LIMIT: LoginLimit = { failures: 5, windowMs: 15 * 60 * 1000 }

export const loginKey = (name: string, ip: string) => JSON.stringify([name, ip])

/** Milliseconds until this key may try again, or 0 when it may try now. */
export async function loginBlockedFor(
  ctx: TeamContext,
  key: string,
  limit: LoginLimit = LOGIN_LIMIT,
  now = Date.now(),
): Promise<number> {
  const rows = await ctx.db
    .select({ count: ctx.t.loginAttempts.count, windowStart: ctx.t.loginAttempts.windowStart })
    .from(ctx.t.loginAttempts)
    .where(eq(ctx.t.loginAttempts.key, key))
    .limit(1)
  const row = rows[0]
  if (!row || row.count < limit.failures) return 0
  const until = Date.parse(row.windowStart) + limit.windowMs
  return Math.max(0, until - now)
}

/** Counts a failure: a window that ended starts again at one. */
export async function recordLoginFailure(
  ctx: TeamContext,
  key: string,
  limit: LoginLimit = LOGIN_LIMIT,
  now = Date.now(),
): Promise<void> {
  const t = ctx.t.loginAttempts
  const windowEnded = new Date(now - limit.windowMs).toISOString()
  await ctx.db.delete(t).where(and(eq(t.key, key), lt(t.windowStart, windowEnded)))
  // One statement, so that two processes counting at once both count.
  await ctx.db
    .insert(t)
    .values({ key, count: 1, windowStart: new Date(now).toISOString() })
    .onConflictDoUpdate({ target: t.key, set: { count: sql`${t.count} + 1` } })
}

export async function clearLoginFailures(ctx: TeamContext, key: string): Promise<void> {
  await ctx.db.delete(ctx.t.loginAttempts).where(eq(ctx.t.loginAttempts.key, key))
}
