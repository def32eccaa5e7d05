import type { Direction } from '../../src-shared/domain/types'

/** One score of one run: a benchmark (task), a metric, its value and what is known about it. */
export interface ParsedResult {
  benchmark: string
  metric: string
  value: number
  stderr: number | null
  /** null = unknown: the caller must ask the user before storing it. */
  direction: Direction | null
  shots: number | null
  /**
   * The benchmark groups this task belongs to, outermost first (`["mmlu", "mmlu_stem"]`
   * for mmlu_anatomy); empty for a top-level benchmark. Absent = top-level.
   */
  groupPath?: string[]
}

/** One evaluation run read from a file, before anything touches the database. */
export interface ParsedRun {
  format: 'lm-eval' | 'inspect' | 'csv'
  /** The model as the file names it (e.g. "EleutherAI/pythia-160m", "openai/gpt-4o-mini"). */
  model: string | null
  /** When the run was made, as an ISO 8601 UTC timestamp. */
  date: string | null
  results: ParsedResult[]
  /** Things the user should know that did not stop the import (cancelled run, skipped entries…). */
  warnings: string[]
}

/**
 * A file that cannot be imported. The message always names the file, the place in it
 * and the offending value, so the user can open the file and fix it.
 */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** Where in the file, e.g. 'results.arc_challenge.acc_stderr' or 'line 12, column "baseline"'. */
    readonly location: string,
    readonly value?: unknown,
  ) {
    super(message)
    this.name = 'ImportError'
  }
}

// One way to show a value in an error message, shared with the tax engine.
export { describeValue } from '../../src-shared/tax/validation'

/**
 * Builds an ImportError whose message reads `file: location: problem`.
 * `problem` should quote the value already (use `describeValue`).
 */
export function importError(file: string, location: string, problem: string, value?: unknown): ImportError {
  return new ImportError(`${file}: ${location}: ${problem}`, file, location, value)
}

/** Decodes UTF-8 bytes (a BOM is dropped), refusing bytes that are not text. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw importError(file, 'file', 'is not UTF-8 text (a binary file?)', '<binary>')
  }
}

/** Removes a leading byte-order mark from already decoded text. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
