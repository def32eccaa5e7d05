/**
 * An engine worker: opens the database and runs the handler table for the requests
 * the host (./host.ts) sends it, one at a time (dispatch queues them on the SQLite
 * connection: a request's awaits never let another run inside its transaction).
 * Progress goes back over the same port; a cancel is a flag in shared memory, read
 * between rows, because an import's rows are written in a synchronous loop that
 * cannot read messages.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openApp } from '../app'
import { isPostgresUrl, openStore } from '../db/store'
import { dispatch, type HandlerEnv } from '../handlers'
import { ServiceError } from '../services/errors'
import type { EngineWorkerData, FromWorker, ToWorker } from './protocol'

const data = workerData as EngineWorkerData
const port = parentPort!
const post = (message: FromWorker) => port.postMessage(message)

/** Progress is posted when it moves by at least this much: a million rows are not a million messages. */
const PROGRESS_STEP = 0.01

/**
 * The worker's store. A SQLite file: its own connection (the reader's read-only). A PostgreSQL
 * URL (the team server): its own pool, so each worker runs many requests at once (dispatch
 * does not queue on PostgreSQL) while a long import's parsing, in the writer, never stalls the
 * reader's answers nor the server's thread.
 */
async function openEnv(): Promise<HandlerEnv> {
  if (isPostgresUrl(data.dbFile)) {
    const store = await openStore(data.dbFile, { poolSize: data.role === 'writer' ? PG_WRITER_POOL : PG_READER_POOL })
    return { ...store.ctx, version: data.version, dbFile: store.location, mode: data.mode, readOnlyReason: null }
  }
  // Interactive: the writer keeps the daily snapshot and waits for another process's
  // write lock without blocking; the reader opens the file read-only.
  return {
    ...openApp(data.dbFile, data.mode, { interactive: true, readonly: data.role === 'reader' }).env,
    version: data.version,
  }
}

/** PostgreSQL connections per worker: a serve process holds at most 8 + 4 (+ 2 for sign-ins). */
const PG_WRITER_POOL = 8
const PG_READER_POOL = 4

let env: HandlerEnv
const opened = openEnv().then(
  (e) => {
    env = e
    post({ type: 'ready' })
  },
  (err: unknown) => {
    post({ type: 'failed', message: (err as Error).message })
    process.exit(1)
  },
)

port.on('message', async (message: ToWorker) => {
  if (message.type !== 'request') return
  await opened
  const cancelled = new Int32Array(message.cancel)
  let last = -1
  const requestEnv: HandlerEnv = {
    ...env,
    inputFile: message.file,
    outputFile: message.output,
    actor: message.actor ?? null,
    onProgress: (fraction) => {
      if (Atomics.load(cancelled, 0) === 1) {
        throw new ServiceError('cancelled', `${message.name} was cancelled: nothing was written`)
      }
      if (fraction >= 1 || fraction - last >= PROGRESS_STEP) {
        last = fraction
        post({ type: 'progress', id: message.id, fraction })
      }
    },
  }
  const response = await dispatch(requestEnv, message.name, message.input)
  post({ type: 'response', id: message.id, response })
})
