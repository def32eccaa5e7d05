/**
 * The team server (`atax --store URL serve --port N [--host H] [--tls-cert F --tls-key F]`):
 * web mode's UI and API over one store, for many users. The API relays to the engine host
 * as web mode does (src-main/web/server.ts); this file adds who may do what:
 *
 * - credentials: a personal token (`Authorization: Bearer atax_…`) or the session cookie
 *   `atax_session` (HttpOnly; SameSite=Strict; Path=/; Secure over https) from `POST /login`;
 * - a cookie-authenticated write needs `X-CSRF-Token` (from the login answer or `GET /auth/session`);
 * - roles per request (src-shared/api/access.ts): 401 without credentials, 403 below the role;
 * - failed logins are limited per user name and client address, in the database (429 + Retry-After).
 *
 * Users, sessions and login attempts live in the store (src-main/team/*), so several serve
 * processes over one store share them (stateless servers behind any load balancer). This
 * process reads them on its own connection (SQLite) or its own small pool (PostgreSQL).
 *
 * The API's requests run in the engine host's worker threads in both cases (src-main/engine):
 * on PostgreSQL each worker opens the store by its URL with its own pool. Chosen over running
 * dispatch in this thread on one async pool because an import parses its file synchronously
 * (CSV, JSON, zip: seconds of CPU for a big file): in this thread it would stall every other
 * request, sign-ins included; in the writer worker it stalls nothing, and the reader worker
 * (and the writer's other requests, which do not queue on PostgreSQL) answer meanwhile.
 */
import fs from 'node:fs'
import type http from 'node:http'
import tls from 'node:tls'
import path from 'node:path'
import { z } from 'zod'
import { isPostgresUrl, openStore, type Store } from '../db/store'
import { startEngineHost, type EngineHost } from '../engine/host'
import { authenticate, authorize, CSRF_HEADER, SESSION_COOKIE, sameSecret } from '../team/auth'
import type { TeamContext } from '../team/context'
import {
  clearLoginFailures,
  createSession,
  endSession,
  LOGIN_LIMIT,
  loginBlockedFor,
  loginKey,
  recordLoginFailure,
  SESSION_TTL_MS,
  type LoginLimit,
} from '../team/sessions'
import { findUser, verifyPassword } from '../team/users'
import { COMMON_HEADERS, readBody, send, startWebServer, type AccessPolicy, type WebServer } from './server'

export interface TeamServer {
  server: http.Server
  /** Where it serves, e.g. https://team.example:8443/ */
  url: string
  port: number
  close(): Promise<void>
}

export interface TeamServerOptions {
  /** The store: a SQLite file's path, or a postgres:// URL. */
  dbFile: string
  version: string
  rendererDir: string
  port: number
  host?: string
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** Behind a reverse proxy: take https and the client's address from X-Forwarded-Proto/-For. */
  trustProxy?: boolean
  loginLimit?: LoginLimit
  /** Given an engine, the server relays to it (tests); else it starts its own on dbFile. */
  engine?: EngineHost
}

const LOGIN_BODY_TIMEOUT_MS = 30_000
/** How long this process's auth connection waits for another writer before answering 503. */
const AUTH_BUSY_TIMEOUT_MS = 2000
/** PostgreSQL: this process's connections for credentials, sessions and sign-ins. */
const AUTH_POOL_SIZE = 4

export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const dbFile = isPostgresUrl(options.dbFile) ? options.dbFile : path.resolve(options.dbFile)
  const engine = options.engine ?? (await startEngineHost({ dbFile, version: options.version, mode: 'web' }))
  let store: Store | null = null
  let web: WebServer
  try {
    // After the engine: its writer has brought the store's schema up to date.
    store = await openStore(dbFile, {
      appVersion: options.version,
      busyTimeoutMs: AUTH_BUSY_TIMEOUT_MS,
      poolSize: AUTH_POOL_SIZE,
    })
    web = await startWebServer({
      engine,
      rendererDir: options.rendererDir,
      port: options.port,
      host: options.host ?? '127.0.0.1',
      tls: options.tls,
      access: teamPolicy(store.ctx, { ...options, limit: options.loginLimit ?? LOGIN_LIMIT }),
    })
  } catch (err) {
    await store?.close()
    if (!options.engine) await engine.close()
    throw err
  }
  return {
    server: web.server,
    url: web.url,
    port: web.port,
    close: async () => {
      await web.close()
      await store?.close()
      if (!options.engine) await engine.close()
    },
  }
}

const loginInput = z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(1000) })

function teamPolicy(
  ctx: TeamContext,
  options: Pick<TeamServerOptions, 'tls' | 'trustProxy'> & { limit: LoginLimit },
): AccessPolicy {
  const secure = (req: http.IncomingMessage) =>
    Boolean(options.tls) ||
    (Boolean(options.trustProxy) &&
      String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        .trim() === 'https')
  const clientIp = (req: http.IncomingMessage) =>
    (options.trustProxy
      ? String(req.headers['x-forwarded-for'] ?? '')
          .split(',')[0]
          .trim()
      : '') ||
    req.socket.remoteAddress ||
    'unknown'
  const credentials = (req: http.IncomingMessage) => ({
    authorization: header(req, 'authorization'),
    cookie: header(req, 'cookie'),
    csrf: header(req, CSRF_HEADER),
  })
  /** Who each request let in is: the name the services stamp on what it writes. */
  const actors = new WeakMap<http.IncomingMessage, string>()
  const cookie = (value: string, maxAgeSeconds: number, isSecure: boolean) =>
    [
      `${SESSION_COOKIE}=${value}`,
      'HttpOnly',
      'SameSite=Strict',
      'Path=/',
      `Max-Age=${maxAgeSeconds}`,
      ...(isSecure ? ['Secure'] : []),
    ].join('; ')

  async function login(req: http.IncomingMessage, res: http.ServerResponse, isSecure: boolean) {
    const form = header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded') ?? false
    // A sign-in body that stops arriving does not hold the connection open.
    req.setTimeout(LOGIN_BODY_TIMEOUT_MS, () => req.destroy())
    const body = await readBody(req, 16 * 1024)
    req.setTimeout(0)
    let fields: unknown
    try {
      fields = form ? Object.fromEntries(new URLSearchParams(body ?? '')) : JSON.parse(body ?? '')
    } catch {
      fields = null
    }
    const parsed = loginInput.safeParse(fields)
    const answer = (status: number, message: string, code: string, headers: http.OutgoingHttpHeaders = {}) =>
      form
        ? sendPage(res, status, loginPage(message), headers)
        : send(res, status, { ok: false, error: { code, message } }, headers)
    if (!parsed.success) return answer(400, 'Give a user name and a password.', 'invalid-input')
    const { name, password } = parsed.data
    const key = loginKey(name, clientIp(req))
    const waitMs = await loginBlockedFor(ctx, key, options.limit)
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000)
      return answer(429, `Too many failed sign-ins: try again in ${seconds} s.`, 'rate-limited', {
        'retry-after': String(seconds),
      })
    }
    const user = await findUser(ctx, name)
    // The same scrypt work whether or not the user exists or has a password.
    const ok = await verifyPassword(password, user?.passwordHash ?? null)
    if (!user || !ok) {
      await recordLoginFailure(ctx, key, options.limit)
      return answer(401, 'Wrong user name or password.', 'unauthenticated')
    }
    await clearLoginFailures(ctx, key)
    const session = await createSession(ctx, user.id)
    const setCookie = cookie(session.cookieValue, Math.floor(SESSION_TTL_MS / 1000), isSecure)
    if (form) {
      res.writeHead(303, { ...COMMON_HEADERS, location: '/', 'set-cookie': setCookie }).end()
      return
    }
    send(
      res,
      200,
      { ok: true, value: { name: user.name, role: user.role, csrfToken: session.csrfToken } },
      { 'set-cookie': setCookie },
    )
  }

  return {
    secure,
    async route(req, res, url, isSecure) {
      try {
        return await route(req, res, url, isSecure)
      } catch (err) {
        if (!isBusy(err) || res.headersSent) throw err
        send(res, 503, { ok: false, error: BUSY })
        return true
      }
    },
    actorOf: (req) => actors.get(req),
    async refuse(req, name) {
      try {
        const result = await authorize(ctx, name, credentials(req))
        if (result.ok) actors.set(req, result.principal.name)
        return result.ok ? null : { status: result.status, error: result.error }
      } catch (err) {
        if (isBusy(err)) return { status: 503, error: BUSY }
        throw err
      }
    },
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, isSecure: boolean) {
    const path = url.pathname
    if (path === '/login' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendPage(res, 200, loginPage(''))
      return true
    }
    if (path === '/login' && req.method === 'POST') {
      await login(req, res, isSecure)
      return true
    }
    if (path === '/logout' && req.method === 'POST') {
      req.resume()
      const principal = await authenticate(ctx, credentials(req))
      if (principal?.via === 'cookie') {
        // Signing someone out is a write: a cross-site page must not do it either.
        if (!sameSecret(header(req, CSRF_HEADER) ?? '', principal.csrfToken ?? '')) {
          send(res, 403, {
            ok: false,
            error: { code: 'forbidden', message: `sign-out needs the ${CSRF_HEADER} header` },
          })
          return true
        }
        await endSession(ctx, principal.cookieValue!)
      }
      send(res, 200, { ok: true, value: { signedOut: true } }, { 'set-cookie': cookie('', 0, isSecure) })
      return true
    }
    if (path === '/auth/session' && req.method === 'GET') {
      const principal = await authenticate(ctx, credentials(req))
      if (!principal) {
        send(res, 401, { ok: false, error: { code: 'unauthenticated', message: 'not signed in' } })
        return true
      }
      send(res, 200, {
        ok: true,
        value: {
          name: principal.name,
          role: principal.role,
          via: principal.via,
          csrfToken: principal.csrfToken ?? null,
        },
      })
      return true
    }
    return false
  }
}

const BUSY = {
  code: 'busy' as const,
  message: 'the store is busy (a long write holds it): nothing was changed, try again in a moment',
}
function isBusy(err: unknown): boolean {
  // drizzle wraps a PostgreSQL error (its SQLSTATE in `code`) as the `cause` of its own.
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    // PostgreSQL: too many connections, a lock not available, a deadlock, a serialization failure.
    if (['SQLITE_BUSY', 'SQLITE_LOCKED', '53300', '55P03', '40P01', '40001'].includes(e.code as string)) return true
    e = e.cause as typeof e
  }
  return false
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The sign-in page: a plain form (no script), posted to /login, which sets the cookie and goes to /. */
function loginPage(message: string): string {
  const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — Alignment Tax Planner</title>
<style>
body{font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f4f5f7;color:#1b1f24}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;display:grid;gap:.75rem;min-width:18rem}
label{display:grid;gap:.25rem;font-size:.9rem}input{font:inherit;padding:.45rem;border:1px solid #bbb;border-radius:4px}
button{font:inherit;padding:.55rem;border:0;border-radius:4px;background:#2d5bd7;color:#fff;cursor:pointer}
.error{color:#b00020;margin:0}h1{font-size:1.2rem;margin:0 0 .5rem}
@media (prefers-color-scheme: dark){body{background:#15181c;color:#e8eaed}form{background:#1f2329}input{background:#15181c;color:inherit;border-color:#444}}
</style></head>
<body><main><form method="post" action="/login">
<h1>Alignment Tax Planner — sign in</h1>
${message ? `<p class="error" role="alert">${escape(message)}</p>` : ''}
<label>User name <input name="name" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></main></body></html>
`
}

const LOGIN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function sendPage(res: http.ServerResponse, status: number, html: string, headers: http.OutgoingHttpHeaders = {}) {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': LOGIN_PAGE_CSP,
    // Under no-referrer a browser posts the form with `Origin: null`, which the origin check refuses.
    'referrer-policy': 'same-origin',
    ...headers,
  })
  res.end(html)
}

/** Reads the PEM files of --tls-cert/--tls-key, with a message that names the flag. */
export function readTlsFiles(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  const read = (file: string, flag: string) => {
    try {
      return fs.readFileSync(file)
    } catch (err) {
      throw new Error(
        `${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        { cause: err },
      )
    }
  }
  const files = { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') }
  try {
    // A file that is not PEM, or a key that is not the certificate's, is said before listening.
    tls.createSecureContext(files)
  } catch (err) {
    throw new Error(`--tls-cert/--tls-key: ${(err as Error).message}`, { cause: err })
  }
  return files
}
