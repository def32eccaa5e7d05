/**
 * The renderer's one way to the backend. In the desktop app the preload exposes
 * `window.api` (exactly the contract's names); in a browser (web mode) the same
 * calls go to `POST /api/<name>` with the per-launch token, or, from a team server's
 * page, with its session cookie and the session's CSRF token (a 401 leads to /login). Stores are the only
 * callers; components never use this module directly.
 */
import {
  API_NAMES,
  type ApiClient,
  type ApiError,
  type ApiName,
  type ApiResponse,
} from '../../../src-shared/api/contract'

export class ApiCallError extends Error {
  constructor(
    readonly request: string,
    readonly error: ApiError,
  ) {
    super(error.message)
    this.name = 'ApiCallError'
  }
}

export interface DesktopShell {
  kind: 'desktop'
  onMenu(callback: (action: string) => void): void
  /** Progress of long work the engine runs for this window. */
  onProgress(callback: (progress: { name: string; fraction: number }) => void): void
  /** Cancels this window's running requests of that name. */
  cancel(name: string): Promise<{ cancelled: number }>
  /** The native open dialog: the engine gets the path, the page an upload id and the name. */
  openFile(
    filters?: { name: string; extensions: string[] }[],
  ): Promise<{ chosen: false } | { chosen: true; upload: string; name: string; size: number }>
  /** A dropped file handed to the engine by its path (never read by the page): its upload id. */
  droppedFile(file: File): Promise<{ chosen: false } | { chosen: true; upload: string; name: string; size: number }>
  saveFile(fileName: string, content: string): Promise<{ saved: boolean; path?: string }>
  /** The backup, streamed by the engine into the file the native save dialog names. */
  saveBackup(fileName: string): Promise<{ saved: boolean; path?: string; error?: string }>
  savePdf(fileName: string, html: string): Promise<{ saved: boolean; path?: string }>
  /** Which store is open: the local file or a team server (and the server URL saved for the dialog). */
  currentStore(): Promise<OpenStoreInfo | null>
  /** Connects to a team server (the shell checks URL and token first, keeps the token encrypted). */
  openServer(url: string, token: string): Promise<{ ok: true } | { ok: false; message: string }>
  /** Back to the local file. */
  openLocal(): Promise<unknown>
}

export type OpenStoreInfo = (
  { kind: 'local'; file: string; notice: string | null } | { kind: 'server'; url: string; notice: string | null }
) & { savedUrl: string | null }

declare global {
  interface Window {
    api?: Record<string, (input: unknown) => Promise<ApiResponse<unknown>>>
    shell?: DesktopShell
  }
}

export interface CallOptions {
  /** Progress of the work itself (an import's rows), a fraction in [0, 1]. */
  onProgress?: (fraction: number) => void
  /** Aborting it cancels the request: nothing is written. */
  signal?: AbortSignal
}

/** How a request reaches the handlers. Unit tests plug in the real handler table. */
export type Transport = (name: ApiName, input: unknown, options?: CallOptions) => Promise<ApiResponse<unknown>>

const CANCELLED: ApiResponse<never> = {
  ok: false,
  error: { code: 'cancelled', message: 'cancelled: nothing was written' },
}

const TOKEN_KEY = 'atax-token'
const hasWindow = typeof window !== 'undefined'

/** Takes the token from the URL once (then hides it) and keeps it for this tab. */
function webToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

/** Who is signed in to a team server (the app shows it); null in web mode and the desktop app. */
export interface SignedIn {
  name: string
  role: 'viewer' | 'editor' | 'admin'
  via: 'token' | 'cookie'
  /** Sent back in X-CSRF-Token on every request of a cookie session. */
  csrfToken: string | null
}

let signedIn: Promise<SignedIn | null> | null = null

/** A team server answered 401: its sign-in page (the page is leaving, so this never resolves). */
function toSignIn(): Promise<never> {
  window.location.assign('/login')
  return new Promise(() => {})
}

/**
 * A page served without a web-mode token may be a team server's: it says who is signed in
 * (GET /auth/session) or sends the browser to sign in. Asked once per page.
 */
export function teamSession(): Promise<SignedIn | null> {
  if (!hasWindow || window.api || webToken()) return Promise.resolve(null)
  signedIn ??= fetch('/auth/session')
    .then(async (r) => {
      if (r.status === 401) return toSignIn()
      if (!r.ok) return null
      return ((await r.json()) as { value: SignedIn }).value
    })
    .catch(() => null)
  return signedIn
}

/** The headers that authenticate a request: web mode's token, or a team session's CSRF token. */
async function authHeaders(): Promise<Record<string, string>> {
  const token = webToken()
  if (token) return { 'x-atax-token': token }
  const csrf = (await teamSession())?.csrfToken
  return csrf ? { 'x-csrf-token': csrf } : {}
}

/** Ends the team session and shows the sign-in page. */
export async function signOut(): Promise<void> {
  await fetch('/logout', { method: 'POST', headers: await authHeaders() }).catch(() => undefined)
  await toSignIn()
}

const UNREACHABLE: ApiResponse<never> = {
  ok: false,
  error: { code: 'internal', message: 'the app server is not reachable: is `npm run web` still running?' },
}

const errorOf = (response: ApiResponse<never>): ApiError =>
  response.ok ? { code: 'internal', message: 'no error' } : response.error

function parseResponse(status: number, text: string): ApiResponse<unknown> {
  try {
    return JSON.parse(text) as ApiResponse<unknown>
  } catch {
    return { ok: false, error: { code: 'internal', message: `the server answered ${status} without JSON` } }
  }
}

/**
 * Reads an XHR's JSON Lines answer as it arrives: `{"progress":f}` lines go to onProgress,
 * the last other line is the envelope. An answer that is not JSON Lines (a refusal) is one JSON.
 */
function jsonLines(xhr: XMLHttpRequest, onProgress?: (fraction: number) => void) {
  let seen = 0
  let last: ApiResponse<unknown> | null = null
  const read = () => {
    const text = xhr.responseText
    let end: number
    while ((end = text.indexOf('\n', seen)) >= 0) {
      const line = text.slice(seen, end)
      seen = end + 1
      if (!line) continue
      const parsed = parseResponse(xhr.status, line) as ApiResponse<unknown> | { progress: number }
      if ('progress' in parsed) onProgress?.(parsed.progress)
      else last = parsed
    }
  }
  const answer = (): ApiResponse<unknown> => {
    if (!xhr.getResponseHeader('content-type')?.includes('ndjson')) return parseResponse(xhr.status, xhr.responseText)
    read()
    return last ?? parseResponse(xhr.status, '')
  }
  return { read, answer }
}

/**
 * fetch for ordinary requests. Long work (the caller wants progress or a cancel)
 * asks for JSON Lines — `{"progress":f}` lines, then the answer — read as they
 * arrive; aborting closes the connection, which cancels the work on the server.
 */
function httpTransport(): Transport {
  return async (name, input, options = {}) => {
    const url = `/api/${encodeURIComponent(name)}`
    const body = JSON.stringify(input ?? {})
    const auth = await authHeaders()
    if (options.onProgress || options.signal) {
      const { onProgress, signal } = options
      if (signal?.aborted) return CANCELLED
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest()
        const lines = jsonLines(xhr, onProgress)
        xhr.open('POST', url)
        xhr.setRequestHeader('content-type', 'application/json')
        for (const [k, v] of Object.entries(auth)) xhr.setRequestHeader(k, v)
        xhr.setRequestHeader('x-atax-progress', '1')
        xhr.onprogress = lines.read
        xhr.onload = () => {
          if (xhr.status === 401 && !auth['x-atax-token']) void toSignIn()
          resolve(lines.answer())
        }
        xhr.onerror = () => resolve(UNREACHABLE)
        xhr.onabort = () => resolve(CANCELLED)
        signal?.addEventListener('abort', () => xhr.abort(), { once: true })
        xhr.send(body)
      })
    }
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body,
      })
    } catch {
      return UNREACHABLE
    }
    if (response.status === 401 && !auth['x-atax-token']) return toSignIn()
    return parseResponse(response.status, await response.text())
  }
}

function defaultTransport(): Transport {
  if (!hasWindow) {
    return async () => ({ ok: false, error: { code: 'internal', message: 'no API transport outside a window' } })
  }
  const desktop = window.api
  const shell = window.shell
  if (desktop && shell) {
    const listeners = new Map<string, Set<(fraction: number) => void>>()
    shell.onProgress(({ name, fraction }) => listeners.get(name)?.forEach((listener) => listener(fraction)))
    return async (name, input, options = {}) => {
      const { onProgress, signal } = options
      if (signal?.aborted) return CANCELLED
      if (onProgress) {
        if (!listeners.has(name)) listeners.set(name, new Set())
        listeners.get(name)!.add(onProgress)
      }
      const cancel = () => void shell.cancel(name)
      signal?.addEventListener('abort', cancel, { once: true })
      try {
        return await desktop[name](input)
      } finally {
        if (onProgress) listeners.get(name)?.delete(onProgress)
        signal?.removeEventListener('abort', cancel)
      }
    }
  }
  return httpTransport()
}

let transport: Transport | null = null

/** Replaces the transport (unit tests route requests to the real handler table). */
export function useTransport(next: Transport): void {
  transport = next
}

async function call(name: ApiName, input: unknown, options?: CallOptions): Promise<unknown> {
  transport ??= defaultTransport()
  const response = await transport(name, input, options)
  if (!response.ok) throw new ApiCallError(name, response.error)
  return response.value
}

function makeClient(): ApiClient {
  const client = {} as Record<ApiName, (input: unknown) => Promise<unknown>>
  for (const name of API_NAMES) client[name] = (input: unknown) => call(name, input)
  return client as ApiClient
}

export const api: ApiClient = makeClient()

/** The same request as `api[name]`, for long work: with the engine's progress and a cancel. */
export function callLong<N extends ApiName>(
  name: N,
  input: Parameters<ApiClient[N]>[0],
  options: CallOptions,
): ReturnType<ApiClient[N]> {
  return call(name, input, options) as ReturnType<ApiClient[N]>
}

/**
 * Web mode: the backup as a Blob, streamed by the server from the file the engine
 * wrote (never one string in this page); null where there is no such route (desktop).
 */
export async function downloadBackup(): Promise<{ blob: Blob; fileName: string } | null> {
  if (!hasWindow || window.api) return null
  let response: Response
  try {
    response = await fetch('/api/backup.export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await authHeaders()), 'x-atax-download': '1' },
      body: '{}',
    })
  } catch {
    throw new ApiCallError('backup.export', errorOf(UNREACHABLE))
  }
  if (!response.ok || !response.headers.get('content-type')?.includes('ndjson')) {
    const answer = parseResponse(response.status, await response.text())
    throw new ApiCallError('backup.export', errorOf(answer as ApiResponse<never>))
  }
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'backup.jsonl'
  return { blob: await response.blob(), fileName }
}

/** base64url of a string's UTF-8 bytes (the `x-atax-input` header's form). */
function base64url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Web mode: a request with its file in ONE HTTP request (`POST /api/<name>?file=NAME`, the
 * file's raw bytes as the body, read by the browser as it sends them, no base64; the JSON
 * input in the `x-atax-input` header as base64url), so that behind a round-robin balancer the
 * file and the request reach the same server process. `onSend` follows the sending, then
 * `onProgress` the server's JSON Lines progress; aborting `signal` closes the connection,
 * which cancels the work (nothing written). Null where there is no such route (the desktop
 * app, whose open dialog hands the engine a path instead).
 */
export async function callWithFile<N extends ApiName>(
  name: N,
  input: Parameters<ApiClient[N]>[0],
  file: { blob: Blob; name: string },
  options: CallOptions & { onSend?: (fraction: number) => void } = {},
): Promise<Awaited<ReturnType<ApiClient[N]>> | null> {
  if (!hasWindow || window.api) return null
  const { onProgress, onSend, signal } = options
  if (signal?.aborted) throw new ApiCallError(name, errorOf(CANCELLED))
  const auth = await authHeaders()
  const response = await new Promise<ApiResponse<unknown>>((resolve) => {
    const xhr = new XMLHttpRequest()
    const lines = jsonLines(xhr, onProgress)
    xhr.open('POST', `/api/${encodeURIComponent(name)}?file=${encodeURIComponent(file.name)}`)
    xhr.setRequestHeader('content-type', 'application/octet-stream')
    for (const [k, v] of Object.entries(auth)) xhr.setRequestHeader(k, v)
    xhr.setRequestHeader('x-atax-input', base64url(JSON.stringify(input ?? {})))
    xhr.setRequestHeader('x-atax-progress', '1')
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onSend?.(event.loaded / event.total)
    }
    xhr.onprogress = lines.read
    xhr.onload = () => {
      if (xhr.status === 401 && !auth['x-atax-token']) void toSignIn()
      resolve(lines.answer())
    }
    xhr.onerror = () => resolve(UNREACHABLE)
    xhr.onabort = () => resolve(CANCELLED)
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file.blob)
  })
  if (!response.ok) throw new ApiCallError(name, response.error)
  return response.value as Awaited<ReturnType<ApiClient[N]>>
}

export const desktopShell: DesktopShell | null = hasWindow ? (window.shell ?? null) : null
