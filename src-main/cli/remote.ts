/**
 * A client of a server (web mode, or a team server): the same `call(name, input, options)`
 * the CLI runs in-process (./backend.ts), over the HTTP API that src-main/web/server.ts
 * serves — so a command does not know which one runs. The desktop app reuses it
 * (`asEngine`) when it opens a team server.
 *
 * - `POST /api/<name>` with the JSON input; the answer is the same envelope as dispatch's.
 * - A request with a file (`inputFile`) is ONE HTTP request: `POST /api/<name>?file=FILE`,
 *   the file's bytes streamed as the body (never read whole here), the JSON input in the
 *   `x-atax-input` header (base64url). One request, so that behind any load balancer the
 *   file and the request reach the same `serve` process.
 * - `onProgress`: asks for JSON Lines (`{"progress":f}` lines, then the envelope).
 * - `outputFile` on backup.export: the backup is streamed into the file, atomically.
 * - `signal`: aborting closes the connection, which cancels the work on the server.
 * - `Authorization: Bearer <token>` on every request.
 *
 * It never throws: an unreachable server, a TLS failure or an answer that is not an atax
 * envelope becomes an error envelope whose message names the server's URL. An error
 * envelope carries the HTTP status (`status`; 0 when nothing was answered) so that the CLI
 * maps 401/403/409 to its exit codes.
 */
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { ApiError, ApiResponse } from '../../src-shared/api/contract'
import type { Engine, RequestOptions } from '../engine/host'
import { writeStreamAtomically, whyCannotWrite } from '../files/atomic'
import { DOWNLOAD_HEADER, FILE_PARAM, INPUT_HEADER, PROGRESS_HEADER } from '../web/headers'

export interface CallOptions {
  /** The request's file, read by path (an import, a backup to restore). */
  inputFile?: string
  /** Where the request's export goes (backup.export). */
  outputFile?: string
  /** false: refuse to replace an existing `outputFile`. Default true. */
  replaceOutput?: boolean
  onProgress?: (fraction: number) => void
  /** Aborting it cancels the request (closes the connection). */
  signal?: AbortSignal
}

/** The one call every command makes, in-process or over HTTP. */
export type Call = (name: string, input: unknown, options?: CallOptions) => Promise<ApiResponse<unknown>>

/** An error envelope from a server: its HTTP status beside the usual fields (0: no answer at all). */
export type RemoteApiError = ApiError & { status?: number }

/** How long connecting may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 15_000
/** The most an ordinary (JSON) answer may hold before the client refuses it. */
const MAX_ANSWER_BYTES = 512 * 1024 * 1024

export class ServerUrlError extends Error {}

/**
 * The server's base URL from what the user typed: http(s) only; a path prefix is kept (a
 * reverse proxy may serve atax under /atax/); a `?token=` (web mode prints its URL so)
 * is taken out and returned as the token.
 */
export function parseServerUrl(text: string): { base: URL; token: string | null } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ServerUrlError(`--server: "${text}" is not a URL (e.g. https://atax.example.org)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServerUrlError(`--server: "${text}" is not an http:// or https:// URL`)
  }
  if (url.username || url.password) {
    throw new ServerUrlError('--server: put the token in --token or $ATAX_TOKEN, not in the URL')
  }
  const token = url.searchParams.get('token')
  url.search = ''
  url.hash = ''
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return { base: url, token }
}

/** True for a server on this machine (where plain http does not expose the token). */
export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.')
}

/** The server's URL as the user should read it in messages (no trailing slash at the root). */
export function displayUrl(base: URL): string {
  return base.href.replace(/\/$/, '')
}

export class RemoteClient {
  readonly base: URL
  /** For messages: the URL without a trailing slash. */
  readonly url: string

  constructor(
    serverUrl: string,
    private readonly token: string,
    private readonly options: { connectTimeoutMs?: number } = {},
  ) {
    this.base = parseServerUrl(serverUrl).base
    this.url = displayUrl(this.base)
  }

  /** The CLI's call: never throws (see the module's comment). */
  call: Call = async (name, input, options = {}) => {
    const { signal } = options
    if (signal?.aborted) return cancelled(this.url)
    const json = JSON.stringify(input ?? {})
    const download = name === 'backup.export' && options.outputFile !== undefined
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (download) headers[DOWNLOAD_HEADER] = '1'
    else if (options.onProgress) headers[PROGRESS_HEADER] = '1'
    let relative = `api/${encodeURIComponent(name)}`
    let body: string | fs.ReadStream = json
    if (options.inputFile !== undefined) {
      const file = options.inputFile
      let size: number
      try {
        size = fs.statSync(file).size
      } catch (err) {
        return failure(0, `cannot read ${file}: ${(err as Error).message}`)
      }
      relative += `?${FILE_PARAM}=${encodeURIComponent(path.basename(file))}`
      headers['content-type'] = 'application/octet-stream'
      headers['content-length'] = String(size)
      headers[INPUT_HEADER] = Buffer.from(json, 'utf8').toString('base64url')
      body = fs.createReadStream(file)
    }
    const opened = await this.open(relative, headers, body, signal)
    if (!('response' in opened)) return opened.failed
    const res = opened.response
    const type = String(res.headers['content-type'] ?? '')
    try {
      if (download && res.statusCode === 200 && type.includes('ndjson')) {
        return await this.receiveDownload(res, options.outputFile!, options)
      }
      if (res.statusCode === 200 && type.includes('ndjson')) return await this.readLines(res, options.onProgress)
      return withStatus(this.envelope(res.statusCode ?? 0, await readText(res)), res.statusCode ?? 0)
    } catch (err) {
      if (signal?.aborted) return cancelled(this.url)
      return failure(0, `the connection to ${this.url} broke off: ${describeNetworkError(err)}`)
    }
  }

  /** The same client as the engine interface the desktop shell's IPC door relays to. */
  asEngine(): Engine {
    return {
      request: (name: string, input: unknown, options: RequestOptions = {}) =>
        this.call(name, input, {
          inputFile: options.file,
          outputFile: options.output,
          onProgress: options.onProgress,
          signal: options.signal,
        }),
    }
  }

  /**
   * Sends one request and waits for the answer's head. A body that is a stream (a
   * request's file) is piped; aborting `signal` destroys the request (the connection closes).
   */
  private open(
    relative: string,
    headers: Record<string, string>,
    body: string | fs.ReadStream,
    signal?: AbortSignal,
  ): Promise<{ response: http.IncomingMessage } | { failed: ApiResponse<never> }> {
    const target = new URL(relative, this.base)
    const transport = target.protocol === 'https:' ? https : http
    return new Promise((resolve) => {
      let settled = false
      const settle = (value: { response: http.IncomingMessage } | { failed: ApiResponse<never> }) => {
        if (settled) return
        settled = true
        signal?.removeEventListener('abort', onAbort)
        resolve(value)
      }
      const req = transport.request(target, {
        method: 'POST',
        headers: {
          ...headers,
          authorization: `Bearer ${this.token}`,
          ...(typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      })
      const onAbort = () => {
        req.destroy()
        if (typeof body !== 'string') body.destroy()
        settle({ failed: cancelled(this.url) })
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      // Connecting has its own limit; the work itself (a long import) may take as long as it takes.
      const connectTimeout = this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
      let connected = false
      req.on('socket', (socket) => {
        if (!socket.connecting) {
          connected = true
          return
        }
        socket.once('connect', () => (connected = true))
        socket.setTimeout(connectTimeout, () => {
          req.destroy(Object.assign(new Error('no connection'), { code: 'ETIMEDOUT' }))
        })
        socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.setTimeout(0))
      })
      req.on('response', (response) => {
        // Once answered, aborting still closes the connection (the server cancels the work).
        signal?.removeEventListener('abort', onAbort)
        const closeAnswer = () => response.destroy()
        signal?.addEventListener('abort', closeAnswer, { once: true })
        response.once('close', () => signal?.removeEventListener('abort', closeAnswer))
        settle({ response })
      })
      req.on('error', (err) => {
        if (typeof body !== 'string') body.destroy()
        if (signal?.aborted) return settle({ failed: cancelled(this.url) })
        const why = describeNetworkError(err)
        // Refused, unknown host, TLS: never reached. Reset after connecting: it went away meanwhile.
        const tls = /^TLS failed/.test(why)
        settle({
          failed: failure(
            0,
            connected && !tls
              ? `the connection to ${this.url} broke off before it answered: ${why}`
              : `cannot reach the server at ${this.url}: ${why}`,
          ),
        })
      })
      if (typeof body === 'string') req.end(body)
      else {
        body.on('error', (err) => {
          req.destroy()
          settle({ failed: failure(0, `cannot read ${body.path}: ${(err as Error).message}`) })
        })
        body.pipe(req)
      }
    })
  }

  /** A JSON Lines answer: progress lines, then the envelope as the last line. */
  private async readLines(
    res: http.IncomingMessage,
    onProgress?: (fraction: number) => void,
  ): Promise<ApiResponse<unknown>> {
    let pending = ''
    let last: ApiResponse<unknown> | null = null
    const take = (line: string) => {
      if (!line.trim()) return
      const parsed = this.envelope(200, line) as ApiResponse<unknown> | { progress: number }
      if (!('progress' in parsed)) last = parsed
      else {
        try {
          onProgress?.(parsed.progress)
        } catch (err) {
          // A progress display that fails is not the request's failure.
          console.error(err)
        }
      }
    }
    res.setEncoding('utf8')
    for await (const chunk of res as AsyncIterable<string>) {
      pending += chunk
      let end: number
      while ((end = pending.indexOf('\n')) >= 0) {
        take(pending.slice(0, end))
        pending = pending.slice(end + 1)
      }
    }
    take(pending)
    // The connection closed before the envelope: the server stopped (or was stopped) midway.
    return last ?? failure(0, `${this.url} closed the connection before answering`)
  }

  /** The backup streamed into `file` (atomically: a broken download leaves nothing there). */
  private async receiveDownload(
    res: http.IncomingMessage,
    file: string,
    options: CallOptions,
  ): Promise<ApiResponse<unknown>> {
    const total = Number(res.headers['content-length'] ?? 0)
    const fileName = /filename="([^"]+)"/.exec(String(res.headers['content-disposition'] ?? ''))?.[1] ?? 'backup.jsonl'
    let received = 0
    let lastReported = -1
    const counted = async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        received += chunk.length
        const fraction = total > 0 ? Math.min(1, received / total) : 0
        if (options.onProgress && fraction - lastReported >= 0.01) {
          lastReported = fraction
          options.onProgress(fraction)
        }
        yield chunk
      }
    }
    try {
      await writeStreamAtomically(file, counted(res), { replace: options.replaceOutput !== false })
    } catch (err) {
      if (options.signal?.aborted) return cancelled(this.url)
      const code = (err as NodeJS.ErrnoException).code
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET') {
        return failure(
          0,
          `cannot write the file: ${whyCannotWrite(err)}`,
          code === 'ENOSPC' ? 'disk-full' : 'invalid-data',
        )
      }
      return failure(0, `the download from ${this.url} broke off (nothing was written): ${describeNetworkError(err)}`)
    }
    if (total > 0 && received !== total) {
      fs.rmSync(file, { force: true })
      return failure(
        0,
        `the download from ${this.url} ended early (${received} of ${total} bytes): nothing was written`,
      )
    }
    return { ok: true, value: { fileName, mimeType: 'application/x-ndjson', content: '', savedTo: file } }
  }

  /** An answer's text as an envelope; anything else says which server answered what. */
  private envelope(status: number, text: string): ApiResponse<unknown> {
    try {
      const parsed = JSON.parse(text) as unknown
      if (parsed && typeof parsed === 'object' && ('ok' in parsed || 'progress' in parsed)) {
        return parsed as ApiResponse<unknown>
      }
    } catch {
      // Not JSON: said below.
    }
    return failure(
      status,
      `${this.url} answered HTTP ${status} without an atax answer: is it an atax server (web mode or serve)?`,
    )
  }
}

function withStatus(response: ApiResponse<unknown>, status: number): ApiResponse<unknown> {
  if (response.ok) return response
  return { ok: false, error: { ...response.error, status } as RemoteApiError }
}

function failure(status: number, message: string, code: ApiError['code'] = 'internal'): ApiResponse<never> {
  return { ok: false, error: { code, message, status } as RemoteApiError }
}

function cancelled(url: string): ApiResponse<never> {
  return failure(
    0,
    `cancelled: the connection to ${url} was closed, which stops the request on the server`,
    'cancelled',
  )
}

async function readText(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_ANSWER_BYTES) {
      res.destroy()
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

/** A network or TLS failure in words, with its code for a search. */
export function describeNetworkError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code ?? ''
  const message = ((err as Error)?.message ?? String(err)).replace(/\s+/g, ' ').trim()
  if (TLS_CODES.has(code) || /ssl|tls|certificate/i.test(message)) {
    // OpenSSL's own text is a path through its sources: its reason is enough.
    const reason = /SSL routines:[^:]*:([^:]+):/.exec(message)?.[1] ?? message
    if (/wrong version number|packet length too long/.test(reason)) {
      return `TLS failed: ${reason} (${code || 'TLS'}): is it an https server? (http:// for a plain one)`
    }
    return `TLS failed: ${reason} (${code || 'TLS'}); a certificate from a private CA is trusted with NODE_EXTRA_CA_CERTS=ca.pem`
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: is the server running, on that port? (ECONNREFUSED)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no such host (${code})`
    case 'ETIMEDOUT':
      return `no connection within ${CONNECT_TIMEOUT_MS / 1000} s (ETIMEDOUT)`
    case 'ECONNRESET':
      return 'the connection was reset (ECONNRESET)'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host cannot be reached from this machine (${code})`
    default:
      return code ? `${message} (${code})` : message
  }
}
