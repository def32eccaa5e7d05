/**
 * Which importer a file needs, from its name and a peek at its first bytes. Cheap on
 * huge files: a ZIP is identified by its magic number and entry names, a JSON file
 * by the keys at its top level within the first few megabytes.
 */
import { unzipSync } from 'fflate'
import { walkTopLevel } from './json'
import { isZip } from './inspect'

export type ImportFormat = 'lm-eval' | 'inspect' | 'csv' | 'backup'

/**
 * The app's own JSON backup is recognised by a top-level `"format"` member with this
 * value; the backup exporter writes it.
 */
export const BACKUP_FORMAT_MARKER = 'alignment-tax-planner-backup'

const JSON_PEEK_BYTES = 4 * 1024 * 1024
const LM_EVAL_KEYS = ['results', 'versions', 'n-shot', 'configs', 'higher_is_better', 'group_subtasks', 'groups']

export function detectFormat(fileName: string, bytes: Uint8Array): ImportFormat | null {
  const name = fileName.toLowerCase()
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.')) : ''

  if (isZip(bytes)) return extension === '.eval' || zipLooksLikeInspect(bytes) ? 'inspect' : null
  // A .eval that is not a ZIP still goes to the Inspect importer, which says what is wrong.
  if (extension === '.eval') return 'inspect'
  if (extension === '.csv' || extension === '.tsv') return 'csv'

  const first = firstNonSpace(bytes)
  if (first === 0x7b /* { */) return detectJson(bytes)
  if (extension === '.json') return null
  return looksLikeCsvHeader(bytes) ? 'csv' : null
}

function firstNonSpace(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  return i < bytes.length ? bytes[i] : -1
}

function detectJson(bytes: Uint8Array): ImportFormat | null {
  const head = bytes.length > JSON_PEEK_BYTES ? bytes.subarray(0, JSON_PEEK_BYTES) : bytes
  const keys = new Set<string>()
  let format = null as string | null
  walkTopLevel(
    head,
    (key, start, end) => {
      keys.add(key)
      if (key === 'format' && end - start < 200 && head[start] === 0x22) {
        try {
          format = JSON.parse(new TextDecoder().decode(head.subarray(start, end))) as string
        } catch {
          // not a string we understand: no marker
        }
      }
    },
    true,
  )
  if (format === BACKUP_FORMAT_MARKER) return 'backup'
  // Inspect logs always have `eval` (the task spec); lm-eval results never do.
  if (keys.has('eval')) return 'inspect'
  if (LM_EVAL_KEYS.some((key) => keys.has(key))) return 'lm-eval'
  return null
}

function zipLooksLikeInspect(bytes: Uint8Array): boolean {
  let inspect = false
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        if (entry.name === 'header.json' || entry.name.startsWith('_journal/')) inspect = true
        return false // decompress nothing
      },
    })
  } catch {
    return false
  }
  return inspect
}

/** A first line naming the documented columns, e.g. "benchmark,metric,baseline,aligned". */
function looksLikeCsvHeader(bytes: Uint8Array): boolean {
  let end = bytes.indexOf(0x0a)
  if (end === -1 || end > 4096) end = Math.min(bytes.length, 4096)
  const line = new TextDecoder().decode(bytes.subarray(0, end)).toLowerCase()
  return line.includes('benchmark') && line.includes('metric')
}
