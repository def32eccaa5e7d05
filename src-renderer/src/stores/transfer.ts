/**
 * Moving data in and out: imports of evaluation results (with progress, missing
 * directions and duplicates), report exports, the backup and its restore.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiInput } from '../../../src-shared/api/contract'
import type { ExportResult, FolderImportResult, ImportResult } from '../../../src-shared/api/transfer'
import type { Direction } from '../../../src-shared/domain/types'
import { api, callWithUploadProgress } from '../api/client'
import { savePdf, saveText } from '../platform/files'
import { useGenerationsStore } from './generations'
import { useMeasurementsStore } from './measurements'
import { useProjectsStore } from './projects'

export type ImportPhase = 'idle' | 'reading' | 'uploading' | 'processing' | 'done' | 'failed'
export type ImportRequest = Omit<ApiInput<'imports.run'>, 'contentBase64'> & { contentBase64: string }

export const useTransferStore = defineStore('transfer', () => {
  const phase = ref<ImportPhase>('idle')
  /** Upload progress in [0, 1]; null while the server works (indeterminate). */
  const progress = ref<number | null>(null)
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

  /** A dropped folder of results, in one transaction on the server. */
  async function runFolderImport(request: ApiInput<'imports.runFolder'>) {
    phase.value = 'uploading'
    progress.value = 0
    result.value = null
    folderResult.value = null
    error.value = null
    try {
      const answer = await callWithUploadProgress('imports.runFolder', request, (fraction) => {
        progress.value = fraction
        if (fraction >= 1) {
          phase.value = 'processing'
          progress.value = null
        }
      })
      folderResult.value = answer
      phase.value = 'done'
      if (answer.imported > 0) await measurements.changed(request.generationId)
      return answer
    } catch (err) {
      phase.value = 'failed'
      error.value = (err as Error).message
      throw err
    }
  }

  async function runImport(request: ImportRequest) {
    lastRequest = request
    phase.value = 'uploading'
    progress.value = 0
    result.value = null
    error.value = null
    try {
      const answer = await callWithUploadProgress('imports.run', request, (fraction) => {
        progress.value = fraction
        if (fraction >= 1) {
          phase.value = 'processing'
          progress.value = null
        }
      })
      result.value = answer
      phase.value = 'done'
      if (answer.imported > 0) await measurements.changed(request.generationId)
      return answer
    } catch (err) {
      phase.value = 'failed'
      error.value = (err as Error).message
      throw err
    }
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

  /** Saves an export where the user chooses (desktop) or as a download (browser). */
  function save(result: ExportResult) {
    return saveText(result.fileName, result.content, result.mimeType)
  }

  /** The HTML report as a PDF: the desktop shell prints it to a file; a browser opens its print dialog. */
  async function exportPdf(projectId?: number) {
    const html = await exportReport('html', projectId)
    return savePdf(html.fileName.replace(/\.html?$/i, '') + '.pdf', html.content)
  }

  async function restoreBackup(fileName: string, contentBase64: string) {
    const restored = await api['backup.restore']({ fileName, contentBase64 })
    await Promise.all([projects.refresh(), generations.loadAll()])
    return restored
  }

  return {
    phase,
    progress,
    result,
    folderResult,
    error,
    reset,
    runImport,
    runFolderImport,
    rerunWithDirections,
    rerunForced,
    exportReport,
    exportBackup,
    save,
    exportPdf,
    restoreBackup,
  }
})
