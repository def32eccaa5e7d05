/**
 * Every file the app writes (exports, backups, snapshots, safety copies) goes through
 * here: written under a temporary name in the same folder, synced to disk, then renamed
 * over the final name. A kill or a full disk leaves at worst a stray `.NAME.partial-…`
 * file, never a half-written file under the final name, and a re-run just works.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface AtomicWriteOptions {
  /** false: refuse (EEXIST) rather than replace a file already at the final name. Default true. */
  replace?: boolean
}

/** The temporary name beside `target` that a write goes to first. */
export function temporaryNameFor(target: string): string {
  const random = Math.random().toString(36).slice(2, 10)
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-${random}`)
}

/** True for the temporary names this module writes (for cleaning up after a kill). */
export function isTemporaryName(fileName: string): boolean {
  return /^\..+\.partial-\d+-[0-9a-z]+$/.test(fileName)
}

/**
 * Writes `content` (or lets `produce` write the temporary file, e.g. SQLite's VACUUM INTO)
 * and moves it to `target` only once it is complete and synced.
 */
export function writeFileAtomically(
  target: string,
  content: string | Uint8Array | ((temporaryPath: string) => void),
  options: AtomicWriteOptions = {},
): void {
  const temp = temporaryNameFor(target)
  try {
    if (typeof content === 'function') {
      content(temp)
      syncFile(temp)
    } else {
      const fd = fs.openSync(temp, 'wx')
      try {
        const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
        let offset = 0
        while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset)
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
    }
    moveIntoPlace(temp, target, options)
  } catch (err) {
    fs.rmSync(temp, { force: true })
    throw err
  }
}

/** `writeFileAtomically` with a producer that writes the temporary file asynchronously (a streamed backup). */
export async function writeFileAtomicallyAsync(
  target: string,
  produce: (temporaryPath: string) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = temporaryNameFor(target)
  try {
    await produce(temp)
  } catch (err) {
    fs.rmSync(temp, { force: true })
    throw err
  }
  try {
    syncFile(temp)
    moveIntoPlace(temp, target, options)
  } catch (err) {
    fs.rmSync(temp, { force: true })
    throw err
  }
}

/**
 * The same for bytes that arrive as a stream (a download): they go to the temporary name
 * as they come, and only a complete, synced file is moved to `target`. A stream that
 * fails or is aborted midway leaves nothing under `target`.
 */
export function writeStreamAtomically(
  target: string,
  source: Readable | AsyncIterable<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return writeFileAtomicallyAsync(
    target,
    async (temp) => {
      const out = fs.createWriteStream(temp, { flags: 'wx' })
      try {
        await pipeline(source, out)
      } catch (err) {
        // A stream that fails before its file is open still opens (then closes) it: only once
        // it is closed can the temporary file be removed for good.
        if (!out.closed) await once(out, 'close')
        throw err
      }
    },
    options,
  )
}

/** The complete, synced temporary file moved to `target`, and the move made durable. */
function moveIntoPlace(temp: string, target: string, options: AtomicWriteOptions): void {
  if (options.replace === false) {
    // link() fails when the final name exists: no window in which another file is replaced.
    fs.linkSync(temp, target)
    fs.rmSync(temp, { force: true })
  } else {
    fs.renameSync(temp, target)
  }
  syncFolder(path.dirname(target))
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** The rename itself is durable only once the folder is synced (not possible on every platform). */
function syncFolder(dir: string): void {
  let fd: number | null = null
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Windows cannot open or sync a folder; the rename is still atomic there.
  } finally {
    if (fd !== null) fs.closeSync(fd)
  }
}

/** The system's reasons a file cannot be written, in words (nothing was written in each case). */
export function whyCannotWrite(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'its folder does not exist'
    case 'EISDIR':
      return 'it is a folder'
    case 'EEXIST':
      return 'it already exists: pass --force to replace it'
    case 'ENOSPC':
      return 'the disk is full (nothing was written; free some space and try again)'
    case 'EROFS':
      return 'the disk or filesystem is read-only (nothing was written)'
    case 'EACCES':
    case 'EPERM':
      return 'no permission to write in that folder (nothing was written)'
    default:
      return (err as Error).message
  }
}
