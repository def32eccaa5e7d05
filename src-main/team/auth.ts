/**
 * Who is asking, and may they: the team server's checks for one request. Credentials are
 * a personal token (`Authorization: Bearer atax_…`) or the session cookie; a request the
 * cookie authenticates that may write needs `X-CSRF-Token` equal to its session's token
 * (a bearer token is never sent by a browser on its own, so it needs none). What a request
 * needs (read/write/admin) comes from one list, src-shared/api/access.ts.
 */
import crypto from 'node:crypto'
import type { ApiError, UserRole } from '../../src-shared/api/contract'
import { API_ACCESS, roleAllows, roleNeeded, UPLOAD_ACCESS, type Access } from '../../src-shared/api/access'
import { isApiName } from '../../src-shared/api/contract'
import type { TeamContext } from './context'
import { sessionOf } from './sessions'
import { userByToken } from './users'

export const SESSION_COOKIE = 'atax_session'
export const CSRF_HEADER = 'x-csrf-token'

export interface Principal {
  name: string
  role: UserRole
  via: 'token' | 'cookie'
  /** The session's CSRF token (cookie sign-ins only). */
  csrfToken?: string
  /** The session cookie's value (cookie sign-ins only), for sign-out. */
  cookieValue?: string
}

export interface Refusal {
  status: 401 | 403
  error: ApiError
}

export interface RequestCredentials {
  authorization?: string
  cookie?: string
  csrf?: string
}

export function cookieValue(cookieHeader: string | undefined, name = SESSION_COOKIE): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

/** The principal the credentials name, or null: a bearer token wins over a cookie. */
export async function authenticate(ctx: TeamContext, creds: RequestCredentials): Promise<Principal | null> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization ?? '')?.[1]
  if (bearer !== undefined) {
    const user = await userByToken(ctx, bearer)
    return user ? { name: user.name, role: user.role, via: 'token' } : null
  }
  const value = cookieValue(creds.cookie)
  if (!value) return null
  const session = await sessionOf(ctx, value)
  if (!session) return null
  return {
    name: session.user.name,
    role: session.user.role,
    via: 'cookie',
    csrfToken: session.csrfToken,
    cookieValue: value,
  }
}

/** What a request name needs; unknown names need a signed-in reader (they then answer 404). */
export function accessOf(name: string): Access {
  if (name === 'upload') return UPLOAD_ACCESS
  return isApiName(name) ? API_ACCESS[name] : 'read'
}

/** Authenticates and checks one request: the principal, or why it is refused (401/403). */
export async function authorize(
  ctx: TeamContext,
  name: string,
  creds: RequestCredentials,
): Promise<{ ok: true; principal: Principal } | ({ ok: false } & Refusal)> {
  const principal = await authenticate(ctx, creds)
  if (!principal) {
    return {
      ok: false,
      status: 401,
      error: {
        code: 'unauthenticated',
        message:
          creds.authorization || cookieValue(creds.cookie)
            ? 'the token or session is not valid (any more): sign in again'
            : 'sign in first: send Authorization: Bearer <token>, or sign in at /login',
      },
    }
  }
  const access = accessOf(name)
  if (!roleAllows(principal.role, access)) {
    return {
      ok: false,
      status: 403,
      error: {
        code: 'forbidden',
        message: `${name} needs the ${roleNeeded(access)} role; ${principal.name} is ${principal.role === 'admin' ? 'an' : 'a'} ${principal.role}`,
      },
    }
  }
  if (principal.via === 'cookie' && access !== 'read' && !sameSecret(creds.csrf ?? '', principal.csrfToken ?? '')) {
    return {
      ok: false,
      status: 403,
      error: { code: 'forbidden', message: `${name}: refused without the session's ${CSRF_HEADER} header (CSRF)` },
    }
  }
  return { ok: true, principal }
}

export function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length > 0 && ab.length === bb.length && crypto.timingSafeEqual(ab, bb)
}
