/**
 * Team server users: roles, personal API tokens and passwords. A token is 32 random bytes
 * (base64url, prefixed `atax_`), shown once and stored as its sha256; a password is stored
 * as scrypt (`scrypt$N$r$p$salt$hash`). Nothing here ever writes a secret in clear.
 * Every function is async and uses drizzle's builders only, so it runs on either store.
 */
import crypto from 'node:crypto'
import { asc, count, eq } from 'drizzle-orm'
import type { TeamUser, TeamUserWithToken, UserRole } from '../../src-shared/api/contract'
import { nowIso } from '../services/context'
import { notFound, ServiceError } from '../services/errors'
import type { TeamContext } from './context'

export const TOKEN_PREFIX = 'atax_'

export function createToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url')
}

/** sha256 hex: a token has 256 random bits, so a fast hash is enough (no salt, findable by hash). */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex')
}

// scrypt with N=2^15, r=8, p=1: 32 MiB and some 50-100 ms per hash here, affordable for several
// logins at once; the parameters travel with each hash, so they can be raised without a migration.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 }

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const { N, r, p, keyLength } = SCRYPT
  const key = await scrypt(password, salt, N, r, p, keyLength)
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY_HASH).split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false
  const expected = Buffer.from(parts[5], 'base64url')
  const key = await scrypt(password, Buffer.from(parts[4], 'base64url'), N, r, p, expected.length)
  // An unknown user or one without a password costs the same time as a wrong password.
  return stored !== null && crypto.timingSafeEqual(key, expected)
}
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`

export interface UserRow {
  id: number
  name: string
  role: UserRole
  passwordHash: string | null
  createdAt: string
  updatedAt: string
}

function listed(u: UserRow): TeamUser {
  return {
    name: u.name,
    role: u.role,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  }
}

const columns = (ctx: TeamContext) => ({
  id: ctx.t.users.id,
  name: ctx.t.users.name,
  role: ctx.t.users.role,
  passwordHash: ctx.t.users.passwordHash,
  createdAt: ctx.t.users.createdAt,
  updatedAt: ctx.t.users.updatedAt,
})

export async function findUser(ctx: TeamContext, name: string): Promise<UserRow | null> {
  const rows = await ctx.db.select(columns(ctx)).from(ctx.t.users).where(eq(ctx.t.users.name, name)).limit(1)
  return rows[0] ?? null
}

async function requireUser(ctx: TeamContext, name: string): Promise<UserRow> {
  const user = await findUser(ctx, name)
  if (!user) throw notFound('user', name)
  return user
}

export async function userById(ctx: TeamContext, id: number): Promise<UserRow | null> {
  const rows = await ctx.db.select(columns(ctx)).from(ctx.t.users).where(eq(ctx.t.users.id, id)).limit(1)
  return rows[0] ?? null
}

/** The user whose token this is, or null. */
export async function userByToken(ctx: TeamContext, token: string): Promise<UserRow | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null
  const rows = await ctx.db
    .select(columns(ctx))
    .from(ctx.t.users)
    .where(eq(ctx.t.users.tokenHash, hashToken(token)))
    .limit(1)
  return rows[0] ?? null
}

export async function listUsers(ctx: TeamContext): Promise<TeamUser[]> {
  const rows = await ctx.db.select(columns(ctx)).from(ctx.t.users).orderBy(asc(ctx.t.users.name))
  return rows.map(listed)
}

export async function addUser(
  ctx: TeamContext,
  input: { name: string; role: UserRole; password?: string },
): Promise<TeamUserWithToken> {
  if (await findUser(ctx, input.name)) throw new ServiceError('conflict', `a user named "${input.name}" already exists`)
  const token = createToken()
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password)
  try {
    await ctx.db
      .insert(ctx.t.users)
      .values({ name: input.name, role: input.role, tokenHash: hashToken(token), passwordHash })
  } catch (err) {
    // Another process added the same name between the check and the insert.
    if (await findUser(ctx, input.name))
      throw new ServiceError('conflict', `a user named "${input.name}" already exists`)
    throw err
  }
  return { name: input.name, role: input.role, token }
}

export async function removeUser(ctx: TeamContext, name: string): Promise<{ removed: string }> {
  const user = await requireUser(ctx, name)
  // Sessions go with the user (ON DELETE CASCADE); said here too for a store without it.
  await ctx.db.delete(ctx.t.sessions).where(eq(ctx.t.sessions.userId, user.id))
  await ctx.db.delete(ctx.t.users).where(eq(ctx.t.users.id, user.id))
  return { removed: name }
}

/** A new token; the old one stops working at once. */
export async function rotateToken(ctx: TeamContext, name: string): Promise<TeamUserWithToken> {
  const user = await requireUser(ctx, name)
  const token = createToken()
  await ctx.db
    .update(ctx.t.users)
    .set({ tokenHash: hashToken(token), updatedAt: nowIso() })
    .where(eq(ctx.t.users.id, user.id))
  return { name: user.name, role: user.role, token }
}

/** A new password; the user's browser sessions end (sign in again with the new one). */
export async function setPassword(ctx: TeamContext, name: string, password: string): Promise<TeamUser> {
  const user = await requireUser(ctx, name)
  const passwordHash = await hashPassword(password)
  const updatedAt = nowIso()
  await ctx.db.update(ctx.t.users).set({ passwordHash, updatedAt }).where(eq(ctx.t.users.id, user.id))
  await ctx.db.delete(ctx.t.sessions).where(eq(ctx.t.sessions.userId, user.id))
  return listed({ ...user, passwordHash, updatedAt })
}

export async function countUsers(ctx: TeamContext): Promise<number> {
  const rows = await ctx.db.select({ n: count() }).from(ctx.t.users)
  return rows[0]?.n ?? 0
}
