/**
 * The renderer's one way to the backend. In the desktop app the preload exposes
 * `window.api` (exactly the contract's names); in a browser (web mode) the same
 * calls go to `POST /api/<name>` with the per-launch token.
 */
import { API_NAMES, type ApiClient, type ApiError, type ApiName, type ApiResponse } from '../../../src-shared/api/contract'

export class ApiCallError extends Error {
  constructor(
    readonly name: string,
    readonly error: ApiError,
  ) {
    super(error.message)
  }
}

interface DesktopShell {
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

const TOKEN_KEY = 'atax-token'

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

function httpTransport(): (name: ApiName, input: unknown) => Promise<ApiResponse<unknown>> {
  const token = webToken()
  return async (name, input) => {
    let response: Response
    try {
      response = await fetch(`/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-atax-token': token },
        body: JSON.stringify(input ?? {}),
      })
    } catch {
      return { ok: false, error: { code: 'internal', message: 'the app server is not reachable: is `npm run web` still running?' } }
    }
    try {
      return (await response.json()) as ApiResponse<unknown>
    } catch {
      return { ok: false, error: { code: 'internal', message: `the server answered ${response.status} without JSON` } }
    }
  }
}

function makeClient(): ApiClient {
  const desktop = window.api
  const transport = desktop
    ? (name: ApiName, input: unknown) => desktop[name](input)
    : httpTransport()
  const client = {} as Record<ApiName, (input: unknown) => Promise<unknown>>
  for (const name of API_NAMES) {
    client[name] = async (input: unknown) => {
      const response = await transport(name, input)
      if (!response.ok) throw new ApiCallError(name, response.error)
      return response.value
    }
  }
  return client as ApiClient
}

export const api: ApiClient = makeClient()
export const desktopShell: DesktopShell | null = window.shell ?? null
