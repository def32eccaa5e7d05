/**
 * Moving data in and out: imports of evaluation results (with progress, missing
 * directions and duplicates), report exports, the backup and its restore.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { ExportResult, FolderImportResult, ImportResult } from '../../../src-shared/api/transfer'
import type { Direction } from '../../../src-shared/domain/types'
import { api, callLong, callWithFile, desktopShell, downloadBackup } from '../api/client'
import {
  downloadBlob,
  readFileBase64,
  saveBackupNatively,
  saveBase64,
  savePdf,
  saveText,
  uploadByPath,
} from '../platform/files'
import { useGenerationsStore } from './generations'
import { useMeasurementsStore } from './measurements'
import { useProjectsStore } from './projects'

export type ImportPhase = 'idle' | 'reading' | 'uploading' | 'processing' | 'done' | 'failed'
/**
 * An import: the API's input naming its file by `upload` (the desktop's open dialog)
 * or `contentBase64`, or neither when `file` (a browser File) is given: the store
 * then sends it with the request, in one HTTP request (web mode: streamed, no base64),
 * or, in the desktop app, hands the engine its path (a dropped file) or reads it as base64.
 */
export type ImportRequest = ApiInput<'imports.run'> & { file?: Blob }

export const useTransferStore = defineStore('transfer', () => {
  const phase = ref<ImportPhase>('idle')
  /** Progress in [0, 1] of the upload, then of the import itself; null when unknown. */
  const progress = ref<number | null>(null)
  let running: AbortController | null = null
  /** Progress in [0, 1] of a backup restore (checking, then replacing); null when none runs. */
  const backupProgress = ref<number | null>(null)
  const result = ref<ImportResult | null>(null)
  const folderResult = ref<FolderImportResult | null>(null)
  const error = ref<string | null>(null)
  let lastRequest: ImportRequest | null = null
  const generations = useGenerationsStore()
  const measurements = useMeasurementsStore()
  const projects = useProjectsStore()

  function reset() {
    phase.value = 'idle'
    progress.value = null
    result.value = null
    folderResult.value = null
    error.value = null
    lastRequest = null
  }

  /**
   * Runs one import (a file or a folder) as the running one: its phase, progress and
   * error for the dialog, cancellable, and the open generation refreshed after it.
   */
  async function tracked<R extends { imported: number }>(
    generationId: number,
    work: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    progress.value = phase.value === 'uploading' ? 0 : null
    result.value = null
    folderResult.value = null
    error.value = null
    const controller = new AbortController()
    running = controller
    try {
      const answer = await work(controller.signal)
      phase.value = 'done'
      if (answer.imported > 0) await measurements.changed(generationId)
      return answer
    } catch (err) {
      phase.value = 'failed'
      error.value = (err as Error).message
      throw err
    } finally {
      if (running === controller) running = null
    }
  }

  const onProgress = (fraction: number) => (progress.value = fraction)

  /** A dropped folder of results, in one transaction on the server. */
  function runFolderImport(request: ApiInput<'imports.runFolder'>) {
    phase.value = 'processing'
    return tracked(request.generationId, async (signal) => {
      const answer = await callLong('imports.runFolder', request, { signal, onProgress })
      folderResult.value = answer
      return answer
    })
  }

  function runImport(request: ImportRequest) {
    lastRequest = request
    phase.value = 'uploading'
    return tracked(request.generationId, async (signal) => {
      const { file, ...input } = request
      if (file && input.upload === undefined && input.contentBase64 === undefined) {
        // Web mode: the file and the request in one HTTP request (any server process may take it).
        const processing = () => {
          if (phase.value !== 'uploading') return
          phase.value = 'processing'
          progress.value = null
        }
        const sent = await callWithFile(
          'imports.run',
          input,
          { blob: file, name: input.fileName },
          {
            signal,
            onSend: (fraction) => (fraction >= 1 ? processing() : onProgress(fraction)),
            onProgress: (fraction) => {
              processing()
              onProgress(fraction)
            },
          },
        )
        if (sent !== null) {
          result.value = sent
          return sent
        }
        // Desktop: by path (a dropped file); else base64.
        const upload = await uploadByPath(file)
        if (upload !== null) input.upload = upload
        else input.contentBase64 = await readFileBase64(file, onProgress)
      }
      phase.value = 'processing'
      progress.value = null
      const answer = await callLong('imports.run', input, { signal, onProgress })
      result.value = answer
      return answer
    })
  }

  /** Stops the running import (the Cancel button): nothing is written. */
  function cancel() {
    running?.abort()
  }

  /** Runs the last import again with the directions the user chose. */
  function rerunWithDirections(directions: Record<string, Direction>) {
    if (!lastRequest) throw new Error('no import to run again')
    return runImport({ ...lastRequest, directions: { ...(lastRequest.directions ?? {}), ...directions } })
  }

  /** Runs the last import again although the same file was imported before. */
  function rerunForced() {
    if (!lastRequest) throw new Error('no import to run again')
    return runImport({ ...lastRequest, force: true })
  }

  function exportReport(format: 'json' | 'csv' | 'html' | 'md', projectId?: number): Promise<ExportResult> {
    return api['reports.export'](projectId ? { format, projectId } : { format })
  }

  function exportBackup(): Promise<ExportResult> {
    return api['backup.export']({})
  }

  /** The backup where the user chooses: streamed by the engine in the desktop app, a download in a browser. */
  async function saveBackup() {
    const native = await saveBackupNatively(`alignment-tax-backup-${new Date().toISOString().slice(0, 10)}.jsonl`)
    if (native) return native
    const download = await downloadBackup()
    return download ? downloadBlob(download.fileName, download.blob) : save(await exportBackup())
  }

  /** Saves an export where the user chooses (desktop) or as a download (browser). */
  function save(result: ExportResult) {
    return saveText(result.fileName, result.content, result.mimeType)
  }

  /**
   * The HTML report as a PDF: the desktop shell prints it to a file with Electron; in
   * a browser (web mode) the server prints it with headless Chromium (`reports.pdf`,
   * as `atax export pdf` does) and the PDF is downloaded.
   */
  async function exportPdf(projectId?: number) {
    if (!desktopShell) {
      const pdf = await api['reports.pdf'](projectId ? { projectId } : {})
      return saveBase64(pdf.fileName, pdf.contentBase64, pdf.mimeType)
    }
    const html = await exportReport('html', projectId)
    return savePdf(html.fileName.replace(/\.html?$/i, '') + '.pdf', html.content)
  }

  /**
   * Restores a backup given as base64, or as a File (sent with the request in one HTTP request
   * in web mode; by path or base64 in the desktop app).
   */
  async function restoreBackup(fileName: string, content: string | Blob) {
    const onRestoreProgress = (fraction: number) => (backupProgress.value = fraction)
    backupProgress.value = 0
    const restored = await (async () => {
      if (typeof content === 'string') {
        return callLong('backup.restore', { fileName, contentBase64: content }, { onProgress: onRestoreProgress })
      }
      const sent = await callWithFile(
        'backup.restore',
        { fileName },
        { blob: content, name: fileName },
        { onProgress: onRestoreProgress },
      )
      if (sent !== null) return sent
      const upload = await uploadByPath(content)
      const input = upload !== null ? { fileName, upload } : { fileName, contentBase64: await readFileBase64(content) }
      return callLong('backup.restore', input, { onProgress: onRestoreProgress })
    })().finally(() => (backupProgress.value = null))
    await Promise.all([projects.refresh(), generations.loadAll()])
    return restored
  }

  return {
    phase,
    progress,
    backupProgress,
    result,
    folderResult,
    error,
    reset,
    runImport,
    cancel,
    runFolderImport,
    rerunWithDirections,
    rerunForced,
    exportReport,
    exportBackup,
    saveBackup,
    save,
    exportPdf,
    restoreBackup,
  }
})
