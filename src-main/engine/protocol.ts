/**
 * The messages between the engine host (src-main/engine/host.ts) and its workers
 * (src-main/engine/worker.ts). Plain objects: they cross a worker_threads port.
 */
import type { ApiResponse } from '../../src-shared/api/contract'

export interface EngineWorkerData {
  dbFile: string
  version: string
  mode: 'desktop' | 'web'
  /** The reader opens the file read-only and answers quick reads while the writer works. */
  role: 'writer' | 'reader'
}

export type ToWorker = {
  type: 'request'
  id: number
  name: string
  input: unknown
  /** One Int32 the host sets to 1 to cancel; the worker checks it between rows. */
  cancel: SharedArrayBuffer
  /** A file the door holds for this request (an upload), read by path. */
  file?: string
  /** Where the request's export is written (a path the door chose). */
  output?: string
  /** The signed-in user of a team server who asks (the door authenticated them); none for local use. */
  actor?: string
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'response'; id: number; response: ApiResponse<unknown> }
