/**
 * Electron's door: one `ipcMain.handle` per contract entry, each checking that the
 * sender is the app's own page, then relaying to the engine host (which validates
 * the input and runs the handler in a worker: this process never opens the database).
 * Progress of long work goes back to the asking window on `api:progress`; the
 * window cancels it with `api:cancel` (every running request of that name it sent).
 * A request naming an `upload` (a file the shell's open dialog registered) goes to the
 * engine with that file's path beside it: the window never sees a path or the bytes.
 * A file dropped on the window is registered the same way (`shell:droppedFile`): the
 * preload turns the dropped File into its path, the page gets an upload id.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { API_NAMES } from '../../src-shared/api/contract'
import type { Engine } from '../engine/host'
import { resolveUpload, type Uploads } from '../engine/uploads'
import { isTrustedUrl } from './security'

export const channelOf = (name: string) => `api:${name}`
export const PROGRESS_CHANNEL = 'api:progress'
export const CANCEL_CHANNEL = 'api:cancel'
export const DROPPED_FILE_CHANNEL = 'shell:droppedFile'

/** What the window gets for a file handed over by path: an upload id, never the path. */
export type FileChoice = { chosen: false } | { chosen: true; upload: string; name: string; size: number }

export interface ApiProgress {
  name: string
  fraction: number
}

export function registerApiHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  engine: Engine,
  rendererUrl: string,
  options: { uploads: Uploads; onProgress?: (fraction: number) => void },
): void {
  const { uploads, onProgress } = options
  const running = new Map<string, Set<AbortController>>()
  const untrusted = (event: IpcMainInvokeEvent) => {
    const senderUrl = event.senderFrame?.url ?? ''
    return isTrustedUrl(senderUrl, rendererUrl) ? null : senderUrl
  }
  for (const name of API_NAMES) {
    ipcMain.handle(channelOf(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      const senderUrl = untrusted(event)
      if (senderUrl !== null) {
        return {
          ok: false,
          error: { code: 'invalid-input', message: `request from an untrusted page refused: ${senderUrl}` },
        }
      }
      const upload = resolveUpload(uploads, input)
      if (!upload.ok) return { ok: false, error: { code: 'invalid-input', message: upload.message } }
      const key = `${event.sender.id}:${name}`
      const controller = new AbortController()
      if (!running.has(key)) running.set(key, new Set())
      running.get(key)!.add(controller)
      try {
        return await engine.request(name, input, {
          signal: controller.signal,
          file: upload.file,
          onProgress: (fraction) => {
            onProgress?.(fraction)
            if (!event.sender.isDestroyed())
              event.sender.send(PROGRESS_CHANNEL, { name, fraction } satisfies ApiProgress)
          },
        })
      } finally {
        // A dialog's upload stays known (it is a path, not a copy): "Import again" names it again.
        running.get(key)?.delete(controller)
      }
    })
  }
  // A dropped file's path, from the preload (webUtils.getPathForFile): only an absolute
  // path of a regular file is registered; the window gets its upload id and name.
  ipcMain.handle(DROPPED_FILE_CHANNEL, (event: IpcMainInvokeEvent, filePath: unknown): FileChoice => {
    if (untrusted(event) !== null || typeof filePath !== 'string' || !path.isAbsolute(filePath)) {
      return { chosen: false }
    }
    try {
      if (!fs.statSync(filePath).isFile()) return { chosen: false }
    } catch {
      return { chosen: false }
    }
    return { chosen: true, ...uploads.add(filePath) }
  })
  ipcMain.handle(CANCEL_CHANNEL, (event: IpcMainInvokeEvent, name: unknown) => {
    if (untrusted(event) !== null || typeof name !== 'string') return { cancelled: 0 }
    const controllers = running.get(`${event.sender.id}:${name}`) ?? new Set()
    for (const controller of controllers) controller.abort()
    return { cancelled: controllers.size }
  })
}
