/**
 * Files in and out of the page: a dropped file goes to the engine by path in the
 * desktop app (an upload id; the page never gets the path), else as base64, saving text through the desktop shell or as a
 * browser download, and printing an HTML report to PDF.
 */
import { desktopShell } from '../api/client'

/** True in the desktop app, whose native open dialog hands files to the engine by path. */
export const hasNativeFileDialog = desktopShell !== null

/**
 * The desktop app's open dialog: the page gets the file's name, size and an upload
 * id (the shell keeps the path and the engine reads it); null when cancelled or in a browser.
 */
export async function chooseFileNatively(
  filters: { name: string; extensions: string[] }[],
): Promise<{ name: string; size: number; upload: string } | null> {
  if (!desktopShell) return null
  const choice = await desktopShell.openFile(filters)
  return choice.chosen ? { name: choice.name, size: choice.size, upload: choice.upload } : null
}

/**
 * A dropped file in the desktop app, handed to the engine by its path (the preload
 * finds it; the page never reads the bytes): its upload id, or null in a browser or
 * for a file that is not on disk.
 */
export async function uploadByPath(file: Blob): Promise<string | null> {
  if (!desktopShell?.droppedFile || typeof File === 'undefined' || !(file instanceof File)) return null
  const choice = await desktopShell.droppedFile(file)
  return choice.chosen ? choice.upload : null
}

/** The file's bytes as base64, reporting read progress as a fraction. */
export function readFileBase64(file: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total)
    }
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.readAsDataURL(file)
  })
}

/**
 * The desktop app's backup: the native save dialog names the file and the engine
 * streams the backup into it (the page never holds it). Null in a browser.
 */
export async function saveBackupNatively(fileName: string): Promise<{ saved: boolean; where: string } | null> {
  if (!desktopShell) return null
  const result = await desktopShell.saveBackup(fileName)
  if (result.error) throw new Error(result.error)
  return { saved: result.saved, where: result.path ?? fileName }
}

/** Saves text: the native save dialog in the desktop app, a download in the browser. */
export async function saveText(
  fileName: string,
  content: string,
  mimeType: string,
): Promise<{ saved: boolean; where: string }> {
  if (desktopShell) {
    const result = await desktopShell.saveFile(fileName, content)
    return { saved: result.saved, where: result.path ?? fileName }
  }
  return downloadBlob(fileName, new Blob([content], { type: mimeType }))
}

/** A browser download of a Blob (no string copy of it). */
export function downloadBlob(fileName: string, blob: Blob): { saved: boolean; where: string } {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return { saved: true, where: `your downloads (${fileName})` }
}

/** Saves bytes that came from the API as base64 (a PDF): a browser download. */
export function saveBase64(
  fileName: string,
  contentBase64: string,
  mimeType: string,
): { saved: boolean; where: string } {
  const bytes = Uint8Array.from(atob(contentBase64), (c) => c.charCodeAt(0))
  return downloadBlob(fileName, new Blob([bytes], { type: mimeType }))
}

/** PDF in the desktop app: the shell prints the HTML report to a file the user picks. */
export async function savePdf(fileName: string, html: string): Promise<{ saved: boolean; where: string }> {
  if (desktopShell) {
    const result = await desktopShell.savePdf(fileName, html)
    return { saved: result.saved, where: result.path ?? fileName }
  }
  return printHtml(html)
}

/** The HTML report in a hidden frame and the browser's print dialog ("Save as PDF"). */
export async function printHtml(html: string): Promise<{ saved: boolean; where: string }> {
  const frame = document.createElement('iframe')
  frame.setAttribute('aria-hidden', 'true')
  frame.title = 'Report to print'
  frame.style.position = 'fixed'
  frame.style.width = '0'
  frame.style.height = '0'
  frame.style.border = '0'
  frame.srcdoc = html
  document.body.appendChild(frame)
  await new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }))
  frame.contentWindow?.focus()
  frame.contentWindow?.print()
  setTimeout(() => frame.remove(), 60_000)
  return { saved: true, where: 'the print dialog (choose "Save as PDF")' }
}

/** A dropped folder: its name and its files by relative path ('/' separators), two levels deep. */
export interface DroppedFolder {
  name: string
  files: Map<string, File>
}

/** The folder of a drop, if a folder was dropped (read through the File System entries API). */
export async function droppedFolder(event: DragEvent): Promise<DroppedFolder | null> {
  const entry = event.dataTransfer?.items?.[0]?.webkitGetAsEntry?.()
  if (!entry || !entry.isDirectory) return null
  const files = new Map<string, File>()
  const list = (dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> =>
    new Promise((resolve, reject) => {
      const reader = dir.createReader()
      const all: FileSystemEntry[] = []
      const next = () =>
        reader.readEntries((batch) => {
          if (batch.length === 0) resolve(all)
          else {
            all.push(...batch)
            next()
          }
        }, reject)
      next()
    })
  const file = (e: FileSystemFileEntry): Promise<File> => new Promise((resolve, reject) => e.file(resolve, reject))
  for (const child of await list(entry as FileSystemDirectoryEntry)) {
    if (child.isFile) files.set(child.name, await file(child as FileSystemFileEntry))
    else if (child.isDirectory) {
      for (const inner of await list(child as FileSystemDirectoryEntry)) {
        if (inner.isFile) files.set(`${child.name}/${inner.name}`, await file(inner as FileSystemFileEntry))
      }
    }
  }
  return { name: entry.name, files }
}
