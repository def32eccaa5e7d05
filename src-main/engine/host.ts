/**
 * The engine host: the one place that runs the handler table off the UI thread, for
 * both doors that have a UI (the desktop shell and the web server). It starts two
 * worker threads on the same SQLite file: a writer, which takes every request that
 * may write (and the long reads: backups, reports), one at a time, and a reader with
 * a read-only connection, which answers the quick reads — so a list or a page is
 * answered while an import of a million rows is still running (SQLite in WAL mode lets
 * one writer and many readers work at once). The shell and the server only relay:
 * they never open the database. The CLI calls dispatch in-process (it has no window).
 *
 * On a PostgreSQL store (`dbFile` is then its postgres:// URL: the team server) each worker
 * opens the database with its own pool (./worker.ts) and runs its requests concurrently; the
 * split still keeps an import's parsing (CPU, in the writer) away from the quick reads.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ApiName, ApiResponse } from '../../src-shared/api/contract'
import type { EngineWorkerData, FromWorker, ToWorker } from './protocol'

export interface RequestOptions {
  /** Called with a fraction in [0, 1] while long work (an import) runs. */
  onProgress?: (fraction: number) => void
  /** Aborting it cancels the request's work: nothing is written. */
  signal?: AbortSignal
  /** The file of the request's `upload`, resolved by the door (./uploads.ts). */
  file?: string
  /** Where the request's export goes, chosen by the door (a save dialog, a temporary file). */
  output?: string
  /** Who asks: the signed-in user of a team server (stamped on rows and audit events); none for local use. */
  actor?: string
}

/** What a door relays to: the engine host, or anything that answers the same way. */
export interface Engine {
  request(name: string, input: unknown, options?: RequestOptions): Promise<ApiResponse<unknown>>
}

export interface EngineHost extends Engine {
  readonly dbFile: string
  close(): Promise<void>
  /**
   * Ends a worker at once, as a crash would (the tests' way to kill one): its
   * in-flight requests answer an error and the next request starts a new worker.
   */
  terminateWorker(role: 'writer' | 'reader'): Promise<void>
}

/**
 * Quick reads the reader answers. Everything else goes to the writer: writes, and
 * the long reads (backup and report exports), which would hold the reader up.
 */
export const READER_REQUESTS: ReadonlySet<ApiName> = new Set<ApiName>([
  'app.info',
  'projects.list',
  'projects.trash',
  'projects.summary',
  'audit.list',
  'generations.list',
  'generations.listAll',
  'generations.get',
  'measurements.list',
  'measurements.page',
  'performance.list',
  'policies.list',
  'curves.list',
  'costs.list',
  'phases.list',
  'plans.get',
  'trash.list',
  'timeline.get',
  'compare.get',
  'imports.list',
  'tax.policy',
  'tax.curve',
  'tax.regression',
])

interface Pending {
  resolve: (response: ApiResponse<unknown>) => void
  onProgress?: (fraction: number) => void
}

/** One worker and the requests it has been sent, answered in any order by id. */
class EngineWorker {
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private stopped: string | null = null
  readonly ready: Promise<void>

  /** True once the worker has ended (crashed, or closed): a new one must take its place. */
  get isStopped(): boolean {
    return this.stopped !== null
  }

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve()
        else if (message.type === 'failed') reject(new Error(message.message))
        else if (message.type === 'progress') this.pending.get(message.id)?.onProgress?.(message.fraction)
        else if (message.type === 'response') {
          const pending = this.pending.get(message.id)
          this.pending.delete(message.id)
          pending?.resolve(message.response)
        }
      })
      worker.on('error', (err) => {
        reject(err)
        this.stop(`the engine failed (${err.message}) before it answered; it has been restarted: try again`)
      })
      worker.on('exit', (code) => {
        reject(new Error(`the engine stopped (exit code ${code}) before it was ready`))
        this.stop(`the engine stopped (exit code ${code}) before it answered; it has been restarted: try again`)
      })
    })
  }

  request(name: string, input: unknown, options: RequestOptions = {}): Promise<ApiResponse<unknown>> {
    if (this.stopped) return Promise.resolve(internal(this.stopped))
    const id = this.nextId++
    const cancel = new SharedArrayBuffer(4)
    const flag = new Int32Array(cancel)
    const onAbort = () => Atomics.store(flag, 0, 1)
    if (options.signal?.aborted) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    return new Promise<ApiResponse<unknown>>((resolve) => {
      this.pending.set(id, { resolve, onProgress: options.onProgress })
      const message: ToWorker = {
        type: 'request',
        id,
        name,
        input,
        cancel,
        file: options.file,
        output: options.output,
        actor: options.actor,
      }
      this.worker.postMessage(message)
    }).finally(() => options.signal?.removeEventListener('abort', onAbort))
  }

  private stop(reason: string) {
    if (this.stopped) return
    this.stopped = reason
    for (const pending of this.pending.values()) pending.resolve(internal(reason))
    this.pending.clear()
  }

  async terminate(reason = 'the engine was closed'): Promise<void> {
    this.stop(reason)
    await this.worker.terminate()
  }
}

function internal(message: string): ApiResponse<never> {
  return { ok: false, error: { code: 'internal', message } }
}

/**
 * The worker's entry: the built `out/main/engineWorker.js` (the desktop app, `atax`
 * and web mode, built by electron-vite; this module may sit in `out/main/chunks/`,
 * a lazily loaded chunk of the CLI), else the TypeScript source through tsx's
 * loader (tests that run from source).
 */
function spawnWorker(data: EngineWorkerData): Worker {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const built = [path.join(here, 'engineWorker.js'), path.join(here, '..', 'engineWorker.js')].find((f) =>
    fs.existsSync(f),
  )
  if (built) return new Worker(built, { workerData: data })
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  const source = pathToFileURL(path.join(here, 'worker.ts')).href
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(bootstrap, { eval: true, workerData: data })
}

/**
 * One worker role kept alive: when its worker dies (a crash, an out-of-memory end),
 * the requests it held answer an error and the next request starts a new worker on
 * the same file, so one crash does not stop the app. Nothing is lost: a write that
 * was running had not committed (one transaction), so SQLite rolls it back.
 */
class SupervisedWorker {
  private closed = false
  /** The restart under way, shared by the requests that arrive meanwhile (one new worker, not one each). */
  private restarting: Promise<string | null> | null = null

  constructor(
    private current: EngineWorker,
    private readonly spawn: () => EngineWorker,
  ) {}

  async request(name: string, input: unknown, options?: RequestOptions): Promise<ApiResponse<unknown>> {
    if (!this.closed && this.current.isStopped) {
      this.restarting ??= this.restart()
      const failed = await this.restarting
      if (failed !== null) return internal(`the engine could not be restarted: ${failed}`)
    }
    return this.current.request(name, input, options)
  }

  private async restart(): Promise<string | null> {
    try {
      this.current = this.spawn()
      await this.current.ready
      return null
    } catch (err) {
      return (err as Error).message
    } finally {
      this.restarting = null
    }
  }

  /** Ends the current worker as a crash would (it is replaced on the next request). */
  async kill(): Promise<void> {
    await this.current.terminate(
      `the engine stopped (it was ended) before it answered; it has been restarted: try again`,
    )
  }

  async close(): Promise<void> {
    this.closed = true
    await this.current.terminate()
  }
}

/** Starts the writer (which migrates the file), then the reader; resolves when both answer. */
export async function startEngineHost(options: {
  dbFile: string
  version: string
  mode: 'desktop' | 'web'
}): Promise<EngineHost> {
  const base = { dbFile: options.dbFile, version: options.version, mode: options.mode }
  const writer = new EngineWorker(spawnWorker({ ...base, role: 'writer' }))
  try {
    await writer.ready
  } catch (err) {
    await writer.terminate()
    throw err
  }
  const reader = new EngineWorker(spawnWorker({ ...base, role: 'reader' }))
  try {
    await reader.ready
  } catch (err) {
    await Promise.all([writer.terminate(), reader.terminate()])
    throw err
  }
  const writers = new SupervisedWorker(writer, () => new EngineWorker(spawnWorker({ ...base, role: 'writer' })))
  const readers = new SupervisedWorker(reader, () => new EngineWorker(spawnWorker({ ...base, role: 'reader' })))
  return {
    dbFile: options.dbFile,
    request: (name, input, requestOptions) =>
      (READER_REQUESTS.has(name as ApiName) ? readers : writers).request(name, input, requestOptions),
    close: async () => {
      await Promise.all([writers.close(), readers.close()])
    },
    terminateWorker: (role) => (role === 'writer' ? writers : readers).kill(),
  }
}
