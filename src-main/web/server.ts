/**
 * Web mode: the same UI and API for a browser, on 127.0.0.1 only. Static files from
 * the built renderer; `POST /api/<name>` for each contract entry, which needs the
 * per-launch token (header x-atax-token, or `Authorization: Bearer`) and a Host/Origin of this very server (no DNS rebinding, no
 * cross-site requests). The server only relays: requests run in the engine host's
 * workers (src-main/engine/host.ts), so this thread never waits on the database.
 *
 * Files do not travel as base64. A request with a file is one HTTP request:
 * `POST /api/<name>?file=FILE`, the body the file's raw bytes (streamed into a temporary
 * file of this process), the JSON input in the `x-atax-input` header (base64url); the
 * engine gets the file's path, and the file is removed once answered. One request, so any
 * load balancer may send it to any `serve` process; the browser's page sends its files so too
 * (src-renderer/src/api/client.ts, callWithFile). The older two-step form stays for scripts:
 * `POST /upload?name=FILE` answers `{ upload, name, size }`, a request then names that
 * `upload` id (it lives in that process only: src-main/engine/uploads.ts).
 *
 * A request sent with `x-atax-progress: 1` is answered as JSON Lines: `{"progress":f}`
 * lines while it runs, then the response envelope as the last line. Closing the
 * connection before the answer (the browser's Cancel) cancels the work.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream/promises'
import type { ApiError } from '../../src-shared/api/contract'
import { CONTENT_SECURITY_POLICY } from '../csp'
import type { HandlerEnv } from '../handlers'
import { startEngineHost, type Engine } from '../engine/host'
import { MAX_UPLOAD_BYTES, resolveUpload, UploadTooLarge, Uploads } from '../engine/uploads'
import { bearerToken, DOWNLOAD_HEADER, FILE_PARAM, INPUT_HEADER, PROGRESS_HEADER, TOKEN_HEADER } from './headers'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export { DOWNLOAD_HEADER, FILE_PARAM, INPUT_HEADER, PROGRESS_HEADER, TOKEN_HEADER }
/** JSON requests; a file (`?file=`, /upload) has its own limit, MAX_UPLOAD_BYTES. */
const MAX_BODY_BYTES = 64 * 1024 * 1024
/** A request body that stops arriving for this long is refused (408) and its connection closed. */
const BODY_IDLE_TIMEOUT_MS = 30_000

/** On every answer (pages, API, errors, 404s): no sniffing, no framing, no referrer, no caching. */
export const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}
/** Answers that are not the app's page load nothing at all. */
const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
export const PLAIN_HEADERS = { ...COMMON_HEADERS, 'content-security-policy': NON_PAGE_CSP }

/**
 * The team server's door policy (src-main/web/teamServer.ts), in place of the loopback
 * checks (Host of 127.0.0.1, the per-launch token): its own routes (sign-in), and who may
 * make each request.
 */
export interface AccessPolicy {
  /** Answers the policy's own routes (/login, /logout, /auth/session); true when it answered. */
  route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, secure: boolean): Promise<boolean>
  /** null: the request may go on; else the status and error to answer ('upload' for /upload). */
  refuse(req: http.IncomingMessage, name: string): Promise<{ status: number; error: ApiError } | null>
  /** True when the request came over https (TLS here, or a trusted proxy's X-Forwarded-Proto). */
  secure(req: http.IncomingMessage): boolean
  /** The name of the user `refuse` let in (stamped on what the request writes); undefined before. */
  actorOf?(req: http.IncomingMessage): string | undefined
}

export interface WebServer {
  server: http.Server
  url: string
  token: string
  port: number
  close(): Promise<void>
}

/**
 * Starts the server. Given an `engine`, it relays to it (and leaves it running on
 * close); given only an `env`, it starts its own engine host on that env's database
 * file (and closes it on close).
 */
export async function startWebServer(options: {
  engine?: Engine
  env?: Pick<HandlerEnv, 'dbFile' | 'version'>
  rendererDir: string
  port?: number
  token?: string
  /** The most bytes one upload may hold (default MAX_UPLOAD_BYTES). */
  maxUploadBytes?: number
  /** How long a request body may stall before it is refused (default BODY_IDLE_TIMEOUT_MS). */
  bodyIdleTimeoutMs?: number
  /** The address to listen on (default 127.0.0.1; only a team server listens elsewhere). */
  host?: string
  /** Serve https with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** The team server: users and sessions instead of the per-launch token and loopback Host. */
  access?: AccessPolicy
}): Promise<WebServer> {
  const access = options.access
  if (!access && options.host !== undefined && options.host !== '127.0.0.1') {
    throw new Error('web mode listens on 127.0.0.1 only; a team server (with users) may listen elsewhere')
  }
  const uploads = new Uploads()
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES
  let ownEngine: { close(): Promise<void> } | null = null
  let engine: Engine
  if (options.engine) engine = options.engine
  else if (options.env) {
    const host = await startEngineHost({ dbFile: options.env.dbFile, version: options.env.version, mode: 'web' })
    engine = host
    ownEngine = host
  } else throw new Error('startWebServer needs an engine or an env')
  const token = options.token ?? crypto.randomBytes(24).toString('base64url')
  const rendererDir = path.resolve(options.rendererDir)
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererDir}/index.html is missing): run npm run build`)
  }
  let port = options.port ?? 0
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err) => {
      console.error(err)
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: 'server error' } })
    })
  }
  const server: http.Server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener)

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (access) return handleTeam(req, res, access)
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`]
    if (!req.headers.host || !allowedHosts.includes(req.headers.host)) {
      return send(res, 421, { ok: false, error: { code: 'invalid-input', message: 'wrong Host header' } })
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    if (url.pathname.startsWith('/api/') || url.pathname === '/upload') {
      if (req.method !== 'POST') {
        return send(res, 405, { ok: false, error: { code: 'invalid-input', message: 'use POST for /api requests' } })
      }
      const origin = req.headers.origin
      if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
        return send(res, 403, { ok: false, error: { code: 'invalid-input', message: 'cross-origin request refused' } })
      }
      // The page sends the token in its own header; a client (`atax --server`) as a Bearer token.
      const presented = bearerToken(req.headers.authorization) ?? String(req.headers[TOKEN_HEADER] ?? '')
      if (!safeEqual(presented, token)) {
        return send(res, 401, { ok: false, error: { code: 'invalid-input', message: 'missing or wrong token' } })
      }
    }
    return serve(req, res, url)
  }

  /**
   * The team server's checks: any Host (it is reached by a name of the team's), but a request
   * with an Origin must come from this very origin; then the policy's routes, then who may
   * make the request (401/403 in the usual envelope).
   */
  async function handleTeam(req: http.IncomingMessage, res: http.ServerResponse, policy: AccessPolicy) {
    const secure = policy.secure(req)
    // Over https, browsers are told to come back over https only.
    if (secure) res.setHeader('strict-transport-security', 'max-age=31536000')
    const host = req.headers.host
    if (!host || /[\s/@]/.test(host)) {
      return send(res, 400, {
        ok: false,
        error: { code: 'invalid-input', message: 'missing or malformed Host header' },
      })
    }
    const url = new URL(req.url ?? '/', `${secure ? 'https' : 'http'}://${host}`)
    const origin = req.headers.origin
    if (origin !== undefined && origin !== url.origin && req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 403, { ok: false, error: { code: 'forbidden', message: 'cross-origin request refused' } })
    }
    if (await policy.route(req, res, url, secure)) return
    if (url.pathname.startsWith('/api/') || url.pathname === '/upload') {
      if (req.method !== 'POST') {
        return send(res, 405, { ok: false, error: { code: 'invalid-input', message: 'use POST for /api requests' } })
      }
      const name = url.pathname === '/upload' ? 'upload' : (safeDecode(url.pathname.slice('/api/'.length)) ?? '')
      const refusal = await policy.refuse(req, name)
      if (refusal) {
        req.resume()
        return send(res, refusal.status, { ok: false, error: refusal.error })
      }
    }
    return serve(req, res, url)
  }

  /** What both kinds of server do once a request is let in. */
  async function serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    // A body that stalls (a slow or stuck client) does not hold a request open forever; the
    // timer covers the body only, not the engine's work after it (a long import).
    if (req.method === 'POST') {
      const idle = options.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS
      req.setTimeout(idle, () => {
        if (!res.headersSent) {
          send(res, 408, {
            ok: false,
            error: {
              code: 'invalid-input',
              message: `the request body stopped arriving for ${idle / 1000} s: refused`,
            },
          })
        }
        req.destroy()
      })
      req.once('end', () => req.setTimeout(0))
    }
    if (url.pathname === '/upload') return receiveUpload(req, res, url)
    if (url.pathname.startsWith('/api/')) {
      const name = safeDecode(url.pathname.slice('/api/'.length))
      if (name === null) {
        req.resume()
        return send(res, 400, { ok: false, error: { code: 'invalid-input', message: 'malformed request name' } })
      }
      let input: unknown
      if (url.searchParams.has(FILE_PARAM)) {
        const withFile = await receiveWithFile(req, res, url)
        if (withFile === null) return
        input = withFile
      } else {
        const body = await readBody(req)
        if (body === null) {
          return send(res, 413, { ok: false, error: { code: 'invalid-input', message: 'request too large' } })
        }
        try {
          input = body.length ? JSON.parse(body) : {}
        } catch {
          return send(res, 400, { ok: false, error: { code: 'invalid-input', message: 'the body is not JSON' } })
        }
      }
      const upload = resolveUpload(uploads, input)
      if (!upload.ok) return send(res, 400, { ok: false, error: { code: 'invalid-input', message: upload.message } })
      res.on('close', () => {
        if (upload.id) uploads.release(upload.id)
      })
      // Gone before the listener above: the file is released now.
      if (res.destroyed && upload.id) uploads.release(upload.id)
      const actor = access?.actorOf?.(req)
      const cancel = new AbortController()
      res.on('close', () => {
        if (!res.writableFinished) cancel.abort()
      })
      if (req.headers[DOWNLOAD_HEADER] === '1' && name === 'backup.export') {
        const file = uploads.temporaryFile()
        try {
          const response = await engine.request(name, input, { signal: cancel.signal, output: file, actor })
          if (!response.ok) return send(res, statusFor(response.error.code), response)
          const fileName = (response.value as { fileName: string }).fileName.replace(/[^\w.-]/g, '_')
          res.writeHead(200, {
            ...PLAIN_HEADERS,
            'content-type': 'application/x-ndjson; charset=utf-8',
            'content-disposition': `attachment; filename="${fileName}"`,
            'content-length': fs.statSync(file).size,
          })
          await pipeline(fs.createReadStream(file), res)
          return
        } finally {
          fs.rmSync(file, { force: true })
        }
      }
      if (req.headers[PROGRESS_HEADER] === '1') {
        res.writeHead(200, { ...PLAIN_HEADERS, 'content-type': 'application/x-ndjson; charset=utf-8' })
        const response = await engine.request(name, input, {
          signal: cancel.signal,
          file: upload.file,
          actor,
          onProgress: (fraction) => res.write(`${JSON.stringify({ progress: fraction })}\n`),
        })
        res.end(`${JSON.stringify(response)}\n`)
        return
      }
      const response = await engine.request(name, input, { signal: cancel.signal, file: upload.file, actor })
      const status = response.ok ? 200 : statusFor(response.error.code)
      return send(res, status, response)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, PLAIN_HEADERS).end()
      return
    }
    serveStatic(url.pathname, res)
  }

  /**
   * A request with its file (`?file=NAME`, the input in INPUT_HEADER): the body is streamed
   * into a temporary file of this process and the input names it (`upload`), released (the
   * file removed) once the request is answered. null: refused, already answered.
   */
  async function receiveWithFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<Record<string, unknown> | null> {
    // The body of a refused request is not read: its connection is not reused.
    const refuse = (status: number, message: string) => {
      req.resume()
      send(res, status, { ok: false, error: { code: 'invalid-input', message } }, { connection: 'close' })
      return null
    }
    const fileName = url.searchParams.get(FILE_PARAM) ?? ''
    if (!fileName || fileName.length > 500) return refuse(400, `?${FILE_PARAM}=FILE is missing or too long`)
    let input: unknown
    try {
      const header = req.headers[INPUT_HEADER]
      if (header !== undefined && (typeof header !== 'string' || !/^[\w-]*$/.test(header)))
        throw new Error('not base64url')
      const text = header ? Buffer.from(header, 'base64url').toString('utf8') : ''
      input = text ? JSON.parse(text) : {}
    } catch {
      return refuse(400, `the ${INPUT_HEADER} header is not base64url JSON`)
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      return refuse(400, `the ${INPUT_HEADER} header is not a JSON object`)
    }
    const tooLarge = `${fileName}: ${new UploadTooLarge(maxUploadBytes).message}`
    if (Number(req.headers['content-length'] ?? 0) > maxUploadBytes) return refuse(413, tooLarge)
    try {
      const received = await uploads.receive(req, fileName, maxUploadBytes)
      // Released (its temporary file removed) when the answer closes, like any named upload.
      return { ...(input as Record<string, unknown>), upload: received.upload }
    } catch (err) {
      if (err instanceof UploadTooLarge) return refuse(413, tooLarge)
      // The client went away, or the body stalled (answered 408 already): nothing more to say.
      if (req.destroyed || res.headersSent) return null
      throw err
    }
  }

  /** Streams a file's bytes into a temporary file; refuses a declared or actual size over the limit. */
  async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const name = url.searchParams.get('name') ?? ''
    if (!name || name.length > 500) {
      return send(res, 400, { ok: false, error: { code: 'invalid-input', message: 'upload: ?name=FILE is missing' } })
    }
    const tooLarge = () =>
      send(res, 413, {
        ok: false,
        error: { code: 'invalid-input', message: `${name}: ${new UploadTooLarge(maxUploadBytes).message}` },
      })
    if (Number(req.headers['content-length'] ?? 0) > maxUploadBytes) {
      req.resume()
      return tooLarge()
    }
    try {
      const received = await uploads.receive(req, name, maxUploadBytes)
      return send(res, 200, { ok: true, value: { ...received, name } })
    } catch (err) {
      if (err instanceof UploadTooLarge) return tooLarge()
      throw err
    }
  }

  function serveStatic(pathname: string, res: http.ServerResponse) {
    const decoded = safeDecode(pathname)
    if (decoded === null) {
      res.writeHead(400, { ...PLAIN_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('malformed path')
      return
    }
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
    const file = path.resolve(rendererDir, relative)
    if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { ...PLAIN_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('not found')
      return
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    })
    fs.createReadStream(file).pipe(res)
  }

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' || host === '::' ? 'localhost' : host
  return {
    server,
    token,
    port,
    url: access
      ? `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/`
      : `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // A client still holding a connection (a stalled or unread body) does not hold up shutdown.
      server.closeAllConnections()
      await closed
      uploads.close()
      await ownEngine?.close()
    },
  }
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

function statusFor(code: string): number {
  switch (code) {
    case 'invalid-input':
    case 'invalid-data':
      return 400
    case 'not-found':
    case 'unknown-request':
      return 404
    case 'conflict':
    case 'cancelled':
      return 409
    case 'busy':
      return 503
    case 'read-only':
    case 'forbidden':
      return 403
    case 'unauthenticated':
      return 401
    case 'rate-limited':
      return 429
    case 'disk-full':
      return 507
    default:
      return 500
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb)
}

export function readBody(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string | null> {
  // A declared size over the limit is refused before a byte is read.
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume()
    return Promise.resolve(null)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...PLAIN_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}
