/**
 * Pushing a local project to a team server: the project is written to a temporary project
 * file (./projectTransfer.ts), streamed as the body of the server's `projects.receive` request
 * itself (one HTTP request: `POST /api/projects.receive?file=…`) — through the CLI's client (../cli/remote.ts), as `atax --server` does.
 * Used by `atax push` and by the app's "Push to team server…" (the handler `projects.push`).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ApiError, ApiResponse } from '../../src-shared/api/contract'
import type { ProjectPushResult, ProjectReceiveResult } from '../../src-shared/api/transfer'
import { RemoteClient, ServerUrlError, type RemoteApiError } from '../cli/remote'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { writeProjectFile } from './projectTransfer'

/** The server refused the push, or could not be reached: its error as it answered (with the HTTP status). */
export class PushRefusedError extends Error {
  constructor(
    readonly error: RemoteApiError,
    readonly server: string,
  ) {
    super(error.message)
    this.name = 'PushRefusedError'
  }
}

export interface PushOptions {
  projectId: number
  server: string
  token: string
  /** Fractions in [0, 1]: writing the file (to 0.3), then the server's progress. May throw (a cancel). */
  onProgress?: (fraction: number) => void
  /** Aborting it closes the connection, which cancels the work on the server (its transaction rolls back). */
  signal?: AbortSignal
}

/** How often a push in flight asks `onProgress` whether it was cancelled. */
const CANCEL_POLL_MS = 200

export async function pushProject(ctx: ServiceContext, options: PushOptions): Promise<ProjectPushResult> {
  const onProgress = options.onProgress ?? (() => {})
  let client: RemoteClient
  try {
    client = new RemoteClient(options.server.trim(), options.token.trim())
  } catch (err) {
    if (err instanceof ServerUrlError) throw new ServiceError('invalid-data', err.message.replace(/^--server: /, ''))
    throw err
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-push-'))
  try {
    const file = path.join(folder, 'project.atax-project.jsonl')
    const written = await writeProjectFile(ctx, options.projectId, file, (f) => onProgress(f * 0.3))
    // A cancel (onProgress throwing) or the caller's signal closes the connection.
    const abort = new AbortController()
    const cancelled = { error: null as unknown }
    const check = (fraction: number) => {
      try {
        onProgress(fraction)
      } catch (err) {
        cancelled.error ??= err
        abort.abort()
      }
    }
    let last = 0.3
    const timer = setInterval(() => check(last), CANCEL_POLL_MS)
    const stop = () => abort.abort()
    options.signal?.addEventListener('abort', stop)
    let response: ApiResponse<unknown>
    try {
      response = await client.call(
        'projects.receive',
        { fileName: `${written.name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'project'}.atax-project.jsonl` },
        {
          inputFile: file,
          signal: abort.signal,
          onProgress: (f) => {
            last = 0.3 + f * 0.7
            check(last)
          },
        },
      )
    } finally {
      clearInterval(timer)
      options.signal?.removeEventListener('abort', stop)
    }
    if (cancelled.error) throw cancelled.error
    if (!response.ok) {
      if (abort.signal.aborted)
        throw new ServiceError('cancelled', `the push to ${client.url} was cancelled: nothing changed there`)
      throw new PushRefusedError(response.error as RemoteApiError, client.url)
    }
    onProgress(1)
    return { ...(response.value as ProjectReceiveResult), server: client.url }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true })
  }
}

/** A refused push in the app's words: the server's status and message, as an ApiError. */
export function pushRefusalAsApiError(err: PushRefusedError): ApiError {
  const { status, code, message } = err.error
  const prefix =
    status === 401
      ? `${err.server} refused the token (HTTP 401)`
      : status === 403
        ? `${err.server} refused the push (HTTP 403)`
        : status === 409
          ? `${err.server} refused the push (HTTP 409)`
          : null
  // No answer at all (unreachable, TLS refused): about the server named, not an error inside this app.
  if (!status && code === 'internal') return { code: 'invalid-data', message }
  return { code, message: prefix ? `${prefix}: ${message}` : message }
}
