/**
 * Inspect AI eval logs, both on-disk formats:
 * - `.eval`: a ZIP whose `header.json` holds `eval`, `results`, `stats`, `status`; the
 *   samples (possibly gigabytes) sit in other entries and are never decompressed.
 * - `.json`: one JSON object with the same members plus `samples`; only the members
 *   needed here are decoded (see `readTopLevelMembers`).
 * The format is told by content (ZIP magic), not by the file name.
 *
 * Scores: `results.scores[]` has one entry per scorer, each with `metrics.<name>.value`.
 * A `stderr` (or `bootstrap_stderr`) metric is the standard error of the scorer's other
 * metrics, not a result of its own; `std`/`var` describe the spread of sample scores,
 * not a benchmark score, and are skipped with a warning.
 *
 * Naming: benchmark = `eval.task` exactly as logged (a registry prefix such as
 * `inspect_evals/gsm8k` is kept, so runs of the same task always match); metric = the
 * metric name when the log has one scorer, else `<scorer>/<metric>`.
 */
import {
  isObject,
  jsonPath,
  jsonType,
  nonFiniteValue,
  parseJsonText,
  readTopLevelMembers,
  type JsonObject,
  type NonFiniteOptions,
} from './json'
import { knownDirection } from './metricDirections'
import { readZipEntry } from './zip'
import { describeValue, importError, type ParsedResult, type ParsedRun } from './types'

const STDERR_METRICS = ['stderr', 'bootstrap_stderr']
const SPREAD_METRICS = new Set(['std', 'var', 'variance'])
const HEADER = 'header.json'

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

export function parseInspectLog(bytes: Uint8Array, fileName: string, options: NonFiniteOptions = {}): ParsedRun {
  if (bytes.length === 0) throw importError(fileName, 'file', 'is empty (0 bytes)', '')
  if (!isZip(bytes) && fileName.toLowerCase().endsWith('.eval')) {
    const start = describeValue(new TextDecoder().decode(bytes.subarray(0, 16)))
    throw importError(
      fileName,
      'file',
      `is not a ZIP archive as an Inspect .eval log is (it starts with ${start})`,
      start,
    )
  }
  const { log, where } = isZip(bytes) ? readEvalHeader(bytes, fileName) : readJsonLog(bytes, fileName)
  return readLog(log, fileName, where, options.strict === true)
}

/** The header of a `.eval` ZIP; `where` prefixes locations ("header.json, results…"). */
function readEvalHeader(bytes: Uint8Array, fileName: string): { log: JsonObject; where: string } {
  const header = readZipEntry(bytes, fileName, HEADER)
  if (!header) {
    // Inspect writes header.json when the eval ends; until then only _journal/ exists.
    throw importError(
      fileName,
      HEADER,
      'is missing from the archive: the evaluation may still be running or was killed',
      undefined,
    )
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header)
  } catch {
    throw importError(fileName, HEADER, 'is not UTF-8 text', '<binary>')
  }
  if (text.trim() === '') throw importError(fileName, HEADER, 'is empty (no data)', '')
  const log = parseJsonText(text, fileName, { prefix: `${HEADER}, ` })
  if (!isObject(log)) throw importError(fileName, HEADER, `must be a JSON object, found ${jsonType(log)}`, log)
  return { log, where: `${HEADER}, ` }
}

function readJsonLog(bytes: Uint8Array, fileName: string): { log: JsonObject; where: string } {
  let onlyWhitespace = true
  for (let i = 0; i < bytes.length && onlyWhitespace; i++) {
    const b = bytes[i]
    onlyWhitespace = b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
  }
  if (onlyWhitespace) throw importError(fileName, 'file', 'is empty (no data)', '')
  const members = readTopLevelMembers(bytes, fileName, ['status', 'eval', 'results', 'error'])
  return { log: Object.fromEntries(members), where: '' }
}

function readLog(log: JsonObject, fileName: string, where: string, strict: boolean): ParsedRun {
  const at = (...parts: Array<string | number>) => where + jsonPath(...parts)
  const warnings: string[] = []

  const spec = log.eval
  if (!isObject(spec)) {
    throw importError(
      fileName,
      at('eval'),
      `must be an object (is this an Inspect log?), found ${jsonType(spec)}`,
      spec,
    )
  }
  const task = spec.task
  if (typeof task !== 'string' || task.trim() === '') {
    throw importError(fileName, at('eval', 'task'), `must be the task name, found ${jsonType(task)}`, task)
  }

  const status = log.status
  if (status === 'cancelled' || status === 'error' || status === 'started') {
    const reason =
      status === 'started'
        ? 'was still running when this log was written'
        : status === 'cancelled'
          ? 'was cancelled'
          : 'ended with an error'
    const message = isObject(log.error) && typeof log.error.message === 'string' ? `: ${log.error.message}` : ''
    warnings.push(`status "${status}": the evaluation ${reason}${message}; the scores present are partial`)
  }

  const results = log.results
  if (results === undefined || results === null) {
    throw importError(
      fileName,
      at('results'),
      `is missing: the log has no scores${status && status !== 'success' ? ` (status "${String(status)}")` : ''}`,
      results,
    )
  }
  if (!isObject(results))
    throw importError(fileName, at('results'), `must be an object, found ${jsonType(results)}`, results)
  const scores = results.scores
  if (!Array.isArray(scores)) {
    throw importError(fileName, at('results', 'scores'), `must be a list of scorers, found ${jsonType(scores)}`, scores)
  }
  if (
    typeof results.completed_samples === 'number' &&
    typeof results.total_samples === 'number' &&
    results.completed_samples < results.total_samples
  ) {
    warnings.push(`only ${results.completed_samples} of ${results.total_samples} samples completed`)
  }

  const labels = scorerLabels(scores, fileName, at)
  const out: ParsedResult[] = []
  const seen = new Set<string>()
  scores.forEach((score, index) => {
    const metrics = (score as JsonObject).metrics
    if (!isObject(metrics)) {
      throw importError(
        fileName,
        at('results', 'scores', index, 'metrics'),
        `must be an object, found ${jsonType(metrics)}`,
        metrics,
      )
    }
    /** The metric's value; undefined when it is non-finite and skipped (with a warning). */
    const value = (name: string): number | undefined => {
      const metric = metrics[name]
      const location = at('results', 'scores', index, 'metrics', name, 'value')
      if (!isObject(metric)) {
        throw importError(
          fileName,
          at('results', 'scores', index, 'metrics', name),
          `must be an object, found ${jsonType(metric)}`,
          metric,
        )
      }
      const raw = metric.value
      const nonFinite = nonFiniteValue(raw)
      if (nonFinite !== undefined) {
        if (strict) throw importError(fileName, location, `${nonFinite} is not a finite number`, nonFinite)
        warnings.push(
          `${location}: ${task} · ${labels.length > 1 ? `${labels[index]}/${name}` : name} is ${nonFinite}, not a finite number: skipped (strict mode refuses the file)`,
        )
        return undefined
      }
      if (typeof raw !== 'number')
        throw importError(fileName, location, `must be a number, found ${jsonType(raw)}`, raw)
      return raw
    }

    const names = Object.keys(metrics)
    const stderrName = STDERR_METRICS.find((name) => names.includes(name))
    let stderr: number | null = null
    if (stderrName) {
      stderr = value(stderrName) ?? null
      if (stderr !== null && stderr < 0) {
        throw importError(
          fileName,
          at('results', 'scores', index, 'metrics', stderrName, 'value'),
          `${stderr} is negative: a standard error cannot be`,
          stderr,
        )
      }
    }
    let imported = 0
    for (const name of names) {
      if (STDERR_METRICS.includes(name)) {
        value(name) // still validated
        continue
      }
      if (SPREAD_METRICS.has(name)) {
        value(name)
        warnings.push(
          `${at('results', 'scores', index, 'metrics', name)}: "${name}" is a spread of sample scores, not a score; skipped`,
        )
        continue
      }
      const metric = labels.length > 1 ? `${labels[index]}/${name}` : name
      if (seen.has(metric)) {
        throw importError(
          fileName,
          at('results', 'scores', index, 'metrics', name),
          `repeats the metric "${metric}"`,
          name,
        )
      }
      seen.add(metric)
      const v = value(name)
      if (v === undefined) continue
      out.push({ benchmark: task, metric, value: v, stderr, direction: knownDirection(name), shots: null })
      imported++
    }
    if (imported === 0)
      warnings.push(`${at('results', 'scores', index)}: scorer "${labels[index]}" has no score metric`)
  })
  if (out.length === 0) {
    throw importError(
      fileName,
      at('results', 'scores'),
      `holds no score values, found ${describeValue(scores)}`,
      scores,
    )
  }

  return {
    format: 'inspect',
    model: typeof spec.model === 'string' && spec.model.trim() !== '' ? spec.model : null,
    date: readCreated(spec.created, warnings, at('eval', 'created')),
    results: out,
    warnings,
  }
}

/**
 * The name each scorer goes by: its `name`, with the reducer added when several entries
 * share a name (Inspect logs one entry per reducer with `epochs_reducer=[mean, max]`).
 */
function scorerLabels(scores: unknown[], fileName: string, at: (...parts: Array<string | number>) => string): string[] {
  const names = scores.map((score, index) => {
    if (!isObject(score)) {
      throw importError(fileName, at('results', 'scores', index), `must be an object, found ${jsonType(score)}`, score)
    }
    const name = typeof score.name === 'string' && score.name !== '' ? score.name : score.scorer
    if (typeof name !== 'string' || name === '') {
      throw importError(
        fileName,
        at('results', 'scores', index, 'name'),
        `must be the scorer name, found ${jsonType(name)}`,
        name,
      )
    }
    return name
  })
  return names.map((name, index) => {
    const reducer = (scores[index] as JsonObject).reducer
    const shared = names.filter((other) => other === name).length > 1
    return shared && typeof reducer === 'string' && reducer !== '' ? `${name} (${reducer})` : name
  })
}

function readCreated(raw: unknown, warnings: string[], location: string): string | null {
  if (raw === undefined || raw === null) return null
  const ms = typeof raw === 'string' ? Date.parse(raw) : NaN
  if (Number.isNaN(ms)) {
    warnings.push(`${location}: ${describeValue(raw)} is not a date, ignored`)
    return null
  }
  return new Date(ms).toISOString()
}
