/**
 * The renderer's one way to the backend. In the desktop app the preload exposes
 * `window.api` (exactly the contract's names); in a browser (web mode) the same
 * calls go to `POST /api/<name>` with the per-launch token. Stores are the only
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
  saveFile(fileName: string, content: string): Promise<{ saved: boolean; path?: string }>
  savePdf(fileName: string, html: string): Promise<{ saved: boolean; path?: string }>
}

declare global {
  interface Window {
    api?: Record<string, (input: unknown) => Promise<ApiResponse<unknown>>>
    shell?: DesktopShell
  }
}

/** How a request reaches the handlers. Unit tests plug in the real handler table. */
export type Transport = (
  name: ApiName,
  input: unknown,
  onUploadProgress?: (fraction: number) => void,
) => Promise<ApiResponse<unknown>>

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

const UNREACHABLE: ApiResponse<never> = {
  ok: false,
  error: { code: 'internal', message: 'the app server is not reachable: is `npm run web` still running?' },
}

function parseResponse(status: number, text: string): ApiResponse<unknown> {
  try {
    return JSON.parse(text) as ApiResponse<unknown>
  } catch {
    return { ok: false, error: { code: 'internal', message: `the server answered ${status} without JSON` } }
  }
}

/**
 * fetch for ordinary requests; XMLHttpRequest when the caller wants upload
 * progress (fetch cannot report it), e.g. a large import.
 */
function httpTransport(): Transport {
  const token = webToken()
  return async (name, input, onUploadProgress) => {
    const url = `/api/${encodeURIComponent(name)}`
    const body = JSON.stringify(input ?? {})
    if (onUploadProgress) {
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest()
        xhr.open('POST', url)
        xhr.setRequestHeader('content-type', 'application/json')
        xhr.setRequestHeader('x-atax-token', token)
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && event.total > 0) onUploadProgress(event.loaded / event.total)
        }
        xhr.upload.onload = () => onUploadProgress(1)
        xhr.onload = () => resolve(parseResponse(xhr.status, xhr.responseText))
        xhr.onerror = () => resolve(UNREACHABLE)
        xhr.send(body)
      })
    }
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-atax-token': token },
        body,
      })
    } catch {
      return UNREACHABLE
    }
    return parseResponse(response.status, await response.text())
  }
}

function defaultTransport(): Transport {
  if (!hasWindow) {
    return async () => ({ ok: false, error: { code: 'internal', message: 'no API transport outside a window' } })
  }
  const desktop = window.api
  if (desktop) {
    return async (name, input, onUploadProgress) => {
      // IPC carries the whole request at once: report the upload as done.
      onUploadProgress?.(1)
      return desktop[name](input)
    }
  }
  return httpTransport()
}

let transport: Transport | null = null

/** Replaces the transport (unit tests route requests to the real handler table). */
export function useTransport(next: Transport): void {
  transport = next
}

async function call(name: ApiName, input: unknown, onUploadProgress?: (fraction: number) => void): Promise<unknown> {
  transport ??= defaultTransport()
  const response = await transport(name, input, onUploadProgress)
  if (!response.ok) throw new ApiCallError(name, response.error)
  return response.value
}

function makeClient(): ApiClient {
  const client = {} as Record<ApiName, (input: unknown) => Promise<unknown>>
  for (const name of API_NAMES) client[name] = (input: unknown) => call(name, input)
  return client as ApiClient
}

export const api: ApiClient = makeClient()

/** The same request as `api[name]`, reporting upload progress as a fraction in [0, 1]. */
export function callWithUploadProgress<N extends ApiName>(
  name: N,
  input: Parameters<ApiClient[N]>[0],
  onUploadProgress: (fraction: number) => void,
): ReturnType<ApiClient[N]> {
  return call(name, input, onUploadProgress) as ReturnType<ApiClient[N]>
}

export const desktopShell: DesktopShell | null = hasWindow ? (window.shell ?? null) : null
