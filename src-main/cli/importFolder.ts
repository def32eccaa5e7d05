/**
 * `atax import lm-eval|inspect DIR`: a folder of results in one transaction. Lists the
 * folder (two levels: lm-eval writes one folder per model), reads only the files the
 * import picks (samples files can be gigabytes) and sends them through the contract.
 */
import fs from 'node:fs'
import path from 'node:path'
import { selectFolderFiles, type FolderFormat } from '../../src-shared/api/folder'

export function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory()
  } catch {
    return false
  }
}

/** The folder's chosen files by relative path ('/' separators), base64, for `imports.runFolder`. */
export function readFolder(
  dir: string,
  format: FolderFormat,
): { folderName: string; files: Array<{ path: string; contentBase64: string }> } {
  const paths: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) paths.push(entry.name)
    else if (entry.isDirectory()) {
      for (const inner of fs.readdirSync(path.join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) paths.push(`${entry.name}/${inner.name}`)
      }
    }
  }
  const chosen = selectFolderFiles(format, paths)
  return {
    folderName: path.basename(path.resolve(dir)),
    files: chosen.map((p) => ({
      path: p,
      contentBase64: fs.readFileSync(path.join(dir, ...p.split('/'))).toString('base64'),
    })),
  }
}

/** The CLI's lines for a folder import's answer. */
export function folderImportLines(
  dir: string,
  r: {
    files: Array<{ fileName: string; imported: number; duplicate: boolean; warnings: string[] }>
    imported: number
    unmatchedCount: number
  },
): string[] {
  return [
    `imported ${r.imported} result(s) from ${r.files.length} file(s) in ${dir}:`,
    ...r.files.map(
      (f) => `  ${f.fileName}: ${f.duplicate ? 'already imported, nothing written' : `${f.imported} result(s)`}`,
    ),
    ...r.files.flatMap((f) => f.warnings.map((w) => `warning: ${f.fileName}: ${w}`)),
    ...(r.unmatchedCount ? [`some benchmarks have only one side so far (--json lists every file's)`] : []),
  ]
}
