/**
 * Files handed to the engine by path, never through the window as base64: the
 * desktop shell's open dialog registers the path the user chose, the web server
 * streams a request body into a temporary file. Either way the window only gets an
 * opaque upload id, which it names in its request (`upload`); the door turns the id
 * back into the path and hands it to the engine beside the input (never inside it:
 * the renderer is untrusted and must not name files to read).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'

/** Uploads larger than this are refused before they are read whole (web mode). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${Math.round(limit / 1024 / 1024)} MiB, the most an upload may be`)
    this.name = 'UploadTooLarge'
  }
}

export interface Upload {
  file: string
  name: string
  size: number
}

export class Uploads {
  private readonly byId = new Map<string, Upload & { temporary: boolean }>()
  private dir: string | null = null

  /** A file already on disk (the desktop dialog's choice): nothing is copied. */
  add(file: string): { upload: string; name: string; size: number } {
    const size = fs.statSync(file).size
    return this.register({ file, name: path.basename(file), size, temporary: false })
  }

  /** Streams a body into a temporary file, refusing it once it passes `limit` bytes. */
  async receive(body: Readable, name: string, limit = MAX_UPLOAD_BYTES): Promise<{ upload: string; size: number }> {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'atax-uploads-'))
    const file = path.join(this.dir, crypto.randomUUID())
    let size = 0
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length
            if (size > limit) throw new UploadTooLarge(limit)
            yield chunk
          }
        },
        fs.createWriteStream(file),
      )
    } catch (err) {
      fs.rmSync(file, { force: true })
      throw err
    }
    return this.register({ file, name, size, temporary: true })
  }

  /** A new path in this store's temporary folder (for an export the door streams out), removed on close. */
  temporaryFile(): string {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'atax-uploads-'))
    return path.join(this.dir, crypto.randomUUID())
  }

  /** The upload's file, or null when the id is unknown (or already used). */
  get(id: unknown): Upload | null {
    return typeof id === 'string' ? (this.byId.get(id) ?? null) : null
  }

  /** Forgets an upload once its request is answered; a temporary file is removed. */
  release(id: string): void {
    const upload = this.byId.get(id)
    this.byId.delete(id)
    if (upload?.temporary) fs.rmSync(upload.file, { force: true })
  }

  close(): void {
    for (const id of [...this.byId.keys()]) this.release(id)
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true })
    this.dir = null
  }

  private register(upload: Upload & { temporary: boolean }) {
    const id = crypto.randomUUID()
    this.byId.set(id, upload)
    return { upload: id, name: upload.name, size: upload.size }
  }
}

/**
 * What a door does with a request that names an upload: the file goes beside the
 * input (RequestOptions.file), the id stays in the input (the handler checks one was
 * resolved). Unknown ids are refused here, before the engine sees the request.
 */
export function resolveUpload(
  uploads: Uploads,
  input: unknown,
): { ok: true; file?: string; id?: string } | { ok: false; message: string } {
  const id = (input as { upload?: unknown } | null)?.upload
  if (id === undefined) return { ok: true }
  const upload = uploads.get(id)
  if (!upload)
    return { ok: false, message: `upload: ${JSON.stringify(id)} is not a file this app was given (any more)` }
  return { ok: true, file: upload.file, id: id as string }
}
