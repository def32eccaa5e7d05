/**
 * The HTTP protocol's header names, shared by the web server (./server.ts) and its
 * clients (the CLI's and the desktop app's remote module, src-main/cli/remote.ts)
 * without either importing the other.
 */
/** Loopback web mode's per-launch token (the browser's page sends it; clients may use Bearer instead). */
export const TOKEN_HEADER = 'x-atax-token'
/** `1`: answer as JSON Lines, `{"progress":f}` lines while the work runs, then the envelope. */
export const PROGRESS_HEADER = 'x-atax-progress'
/** On backup.export: the answer is the backup itself, streamed from the file the engine wrote. */
export const DOWNLOAD_HEADER = 'x-atax-download'

/**
 * A request with a file, in one HTTP request (so that any load balancer may pick any `serve`
 * process): `POST /api/<name>?file=NAME`, the body the file's raw bytes, this header the
 * request's JSON input as base64url.
 */
export const INPUT_HEADER = 'x-atax-input'
/** The query parameter naming a one-request file (`?file=NAME`). */
export const FILE_PARAM = 'file'

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')
  return match ? match[1] : null
}
