/**
 * A folder of results imported in one transaction (`atax import lm-eval DIR`, a folder
 * dropped on the app): the files `selectFolderFiles` picks, each through runImport, all
 * written or none. Two files giving the same benchmark · metric are refused: which
 * value would be right?
 */
import type { Direction } from '../../src-shared/domain/types'
import type { FolderImportResult } from '../../src-shared/api/transfer'
import { selectFolderFiles, type FolderFormat } from '../../src-shared/api/folder'
import { ImportError } from '../importers'
import type { ServiceContext } from './context'
import { runImport } from './imports'
import { ServiceError } from './errors'

export interface FolderImportRequest {
  format: FolderFormat
  /** What the folder is called, for messages. */
  folderName: string
  /** Every file of the folder by relative path (`/` separators); `read` gives the bytes of the chosen ones. */
  paths: string[]
  read: (path: string) => Uint8Array
  generationId: number
  role: 'baseline' | 'aligned'
  force?: boolean
  strict?: boolean
  directions?: Record<string, Direction>
}

/** Thrown inside the transaction to roll every file back. */
class Rollback extends Error {
  constructor(readonly result: FolderImportResult) {
    super('rolled back')
  }
}

export async function runFolderImport(ctx: ServiceContext, req: FolderImportRequest): Promise<FolderImportResult> {
  const chosen = selectFolderFiles(req.format, req.paths)
  if (chosen.length === 0) {
    const what =
      req.format === 'lm-eval'
        ? 'no results_<timestamp>.json file (at the top or in a folder per model)'
        : 'no .eval or .json log at its top level'
    throw new ServiceError('invalid-data', `${req.folderName}: the folder holds ${what}`)
  }
  const files: FolderImportResult['files'] = []
  const firstFileOf = new Map<string, string>()
  try {
    return await ctx.transaction(async () => {
      for (const path of chosen) {
        const r = await runImport(ctx, {
          format: req.format,
          fileName: `${req.folderName}/${path}`,
          bytes: req.read(path),
          generationId: req.generationId,
          role: req.role,
          force: req.force,
          strict: req.strict,
          directions: req.directions,
          list: 'full',
        })
        files.push({
          fileName: path,
          imported: r.imported,
          duplicate: r.duplicate,
          unmatchedCount: r.unmatchedCount,
          warnings: r.warnings,
        })
        if (r.needsDirection.length) {
          throw new Rollback({ files, imported: 0, needsDirection: r.needsDirection, unmatchedCount: 0 })
        }
        for (const b of r.benchmarks) {
          const key = `${b.benchmark} · ${b.metric}`
          const other = firstFileOf.get(key)
          if (other !== undefined) {
            throw new ImportError(
              `${req.folderName}/${path}: ${key} is also in ${other}: which one is right? Nothing was written (import the files one by one)`,
              `${req.folderName}/${path}`,
              key,
              key,
            )
          }
          firstFileOf.set(key, path)
        }
      }
      return {
        files,
        imported: files.reduce((n, f) => n + f.imported, 0),
        needsDirection: [],
        unmatchedCount: files.reduce((n, f) => n + f.unmatchedCount, 0),
      }
    })
  } catch (err) {
    if (err instanceof Rollback) return { ...err.result, files: err.result.files.map((f) => ({ ...f, imported: 0 })) }
    throw err
  }
}
