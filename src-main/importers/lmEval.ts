/**
 * EleutherAI lm-evaluation-harness results files (`results_<timestamp>.json`).
 *
 * Two shapes exist:
 * - v0.4+: `results.<task>` holds `"<metric>,<filter>"` keys with `"<metric>_stderr,<filter>"`
 *   siblings (the stderr may be the string "N/A"), plus `alias`; top-level `n-shot`,
 *   `higher_is_better`, `groups`, `group_subtasks`, `config`, `model_name`, `date`.
 * - legacy (v0.3): `results.<task>` holds `acc`, `acc_stderr`…; `versions` is ignored;
 *   `config.num_fewshot`, when present, gives the shots of every task.
 *
 * Metric names: the filter is kept when it is not "none" — `exact_match,flexible-extract`
 * becomes `exact_match (flexible-extract)`, `acc,none` becomes `acc` — so a baseline and
 * an aligned run of the same task line up by name.
 */
import type { Direction } from '../../src-shared/domain/types'
import {
  isObject,
  jsonPath,
  jsonType,
  nonFiniteValue,
  parseJsonText,
  type JsonObject,
  type NonFiniteOptions,
} from './json'
import { knownDirection } from './metricDirections'
import { decodeUtf8, describeValue, importError, stripBom, type ParsedResult, type ParsedRun } from './types'

/** Keys of a task entry that are bookkeeping, not scores, even when numeric. */
const NOT_METRICS = new Set(['alias', 'name', 'sample_len', 'sample_count', 'samples', 'task', 'group', ''])

const STDERR_SUFFIX = '_stderr'

export function parseLmEvalResults(
  json: string | Uint8Array,
  fileName: string,
  options: NonFiniteOptions = {},
): ParsedRun {
  const text = typeof json === 'string' ? stripBom(json) : stripBom(decodeUtf8(json, fileName))
  if (text.trim() === '') throw importError(fileName, 'file', 'is empty (no data)', '')
  const doc = parseJsonText(text, fileName)
  if (!isObject(doc)) {
    throw importError(fileName, 'top level', `must be a JSON object, found ${jsonType(doc)}`, doc)
  }
  if (!('results' in doc)) {
    throw importError(fileName, 'results', 'is missing: this is not an lm-evaluation-harness results file', undefined)
  }
  const results = doc.results
  if (!isObject(results)) {
    throw importError(fileName, 'results', `must be an object of tasks, found ${jsonType(results)}`, results)
  }

  const warnings: string[] = []
  const shots = readShots(doc, fileName)
  const higherIsBetter = readHigherIsBetter(doc, fileName)
  if (doc.groups !== undefined && doc.groups !== null && !isObject(doc.groups)) {
    throw importError(fileName, 'groups', `must be an object of groups, found ${jsonType(doc.groups)}`, doc.groups)
  }
  const parents = readParents(doc, results, fileName)
  const groupNames = new Set<string>([
    ...(isObject(doc.group_subtasks) ? Object.keys(doc.group_subtasks) : []),
    ...(isObject(doc.groups) ? Object.keys(doc.groups) : []),
    ...parents.values(),
  ])
  const pathOf = groupPaths(parents, fileName)

  const out: ParsedResult[] = []
  const context: TaskContext = {
    fileName,
    shots,
    higherIsBetter,
    groupNames,
    pathOf,
    warnings,
    out,
    strict: options.strict === true,
  }
  const scored = new Set(Object.keys(results).filter((task) => readTask(context, task, results[task], 'results')))
  // Older v0.4 files list group aggregates under `groups`; newer ones repeat them in results.
  if (isObject(doc.groups)) {
    for (const group of Object.keys(doc.groups)) {
      // Older files leave the group's row in results without numbers: the aggregate is here.
      if (!scored.has(group)) readTask(context, group, doc.groups[group], 'groups')
    }
  }
  if (out.length === 0) {
    throw importError(fileName, 'results', `holds no metric values, found ${describeValue(results)}`, results)
  }

  return {
    format: 'lm-eval',
    model: readModel(doc),
    date: readDate(doc, warnings),
    results: out,
    warnings,
  }
}

interface TaskContext {
  fileName: string
  shots: (task: string) => number | null
  higherIsBetter: Map<string, Map<string, boolean>>
  groupNames: Set<string>
  pathOf: (task: string) => string[]
  warnings: string[]
  out: ParsedResult[]
  strict: boolean
}

/** Reads one task's metrics; false for a group row without numbers. */
function readTask(ctx: TaskContext, task: string, entry: unknown, section: string): boolean {
  const { fileName } = ctx
  if (!isObject(entry)) {
    throw importError(
      fileName,
      jsonPath(section, task),
      `must be an object of metrics, found ${jsonType(entry)}`,
      entry,
    )
  }
  // First pass: sort keys into values and stderrs, both keyed by "metric,filter".
  const values = new Map<string, { metric: string; filter: string | null; value: number }>()
  const stderrs = new Map<string, { key: string; value: unknown }>()
  const skipped = new Set<string>()
  for (const key of Object.keys(entry)) {
    const raw = entry[key]
    const comma = key.indexOf(',')
    const metric = comma === -1 ? key : key.slice(0, comma)
    const filter = comma === -1 ? null : key.slice(comma + 1)
    const pairKey = (name: string) => (filter === null ? name : `${name},${filter}`)
    if (metric.endsWith(STDERR_SUFFIX)) {
      stderrs.set(pairKey(metric.slice(0, -STDERR_SUFFIX.length)), { key, value: raw })
      continue
    }
    if (NOT_METRICS.has(metric.trim())) continue
    const location = jsonPath(section, task, key)
    const nonFinite = nonFiniteValue(raw)
    if (nonFinite !== undefined) {
      if (ctx.strict) throw importError(fileName, location, `${nonFinite} is not a finite number`, nonFinite)
      ctx.warnings.push(
        `${location}: ${task} · ${metricName(metric, filter)} is ${nonFinite}, not a finite number: skipped (strict mode refuses the file)`,
      )
      skipped.add(pairKey(metric))
      continue
    }
    if (typeof raw !== 'number') {
      // "metric,filter" keys are scores by construction, and so is a bare key with a
      // standard error beside it or a known metric name (legacy "acc"); other bare keys
      // that are not numbers are descriptive (alias, " ", …) and skipped.
      const isScore = comma !== -1 || `${key}${STDERR_SUFFIX}` in entry || knownDirection(metric) !== null
      if (isScore) throw importError(fileName, location, `must be a number, found ${jsonType(raw)}`, raw)
      continue
    }
    values.set(pairKey(metric), { metric, filter, value: raw })
  }

  for (const [pair, stderr] of stderrs) {
    if (!values.has(pair) && !skipped.has(pair)) {
      ctx.warnings.push(`${jsonPath(section, task, stderr.key)}: a standard error without its metric, skipped`)
    }
  }
  if (values.size === 0) {
    // A group without an aggregate score (older harness versions write `{" ": " ",
    // "alias": …}`): it has no row, but its subtasks carry it in their group path.
    if (ctx.groupNames.has(task) && skipped.size === 0) return false
    throw importError(fileName, jsonPath(section, task), `has no metric values, found ${describeValue(entry)}`, entry)
  }

  const shots = ctx.shots(task)
  const taskDirections = ctx.higherIsBetter.get(task)
  for (const [pair, { metric, filter, value }] of values) {
    const stderr = stderrs.get(pair)
    const name = metricName(metric, filter)
    const declared = taskDirections?.get(metric)
    const direction: Direction | null = declared === undefined ? knownDirection(metric) : declared ? 'higher' : 'lower'
    ctx.out.push({
      benchmark: task,
      metric: name,
      value,
      stderr: stderr ? readStderr(ctx, jsonPath(section, task, stderr.key), stderr.value) : null,
      direction,
      shots,
      ...groupPathOf(ctx.pathOf(task)),
    })
  }
  return true
}

const groupPathOf = (path: string[]) => (path.length ? { groupPath: path } : {})

/**
 * Each task's parent group. v0.4.3+ files list each group's direct subtasks in
 * `group_subtasks` (nested groups appear as subtasks of their parent). Older v0.4 files
 * have no such block, but order `results` as a tree and indent each alias by its depth
 * (`"mmlu"`, `" - stem"`, `"  - anatomy"`): the parent is the nearest shallower entry
 * before it. Legacy (v0.3) files have no groups.
 */
function readParents(doc: JsonObject, results: JsonObject, fileName: string): Map<string, string> {
  const parents = new Map<string, string>()
  const listed = doc.group_subtasks
  if (listed !== undefined && listed !== null) {
    if (!isObject(listed)) {
      throw importError(fileName, 'group_subtasks', `must be an object of groups, found ${jsonType(listed)}`, listed)
    }
    for (const group of Object.keys(listed)) {
      const subtasks = listed[group]
      if (!Array.isArray(subtasks)) {
        throw importError(
          fileName,
          jsonPath('group_subtasks', group),
          `must be a list of task names, found ${jsonType(subtasks)}`,
          subtasks,
        )
      }
      subtasks.forEach((subtask, i) => {
        if (typeof subtask !== 'string') {
          throw importError(
            fileName,
            `${jsonPath('group_subtasks', group)}[${i}]`,
            `must be a task name, found ${jsonType(subtask)}`,
            subtask,
          )
        }
        // A task listed under two groups keeps the first: one parent per row.
        if (subtask !== group && !parents.has(subtask)) parents.set(subtask, group)
      })
    }
    return parents
  }
  const stack: Array<{ task: string; depth: number }> = []
  for (const task of Object.keys(results)) {
    const entry = results[task]
    const alias = isObject(entry) ? entry.alias : undefined
    const indent = typeof alias === 'string' ? /^( *)- /.exec(alias) : null
    const depth = indent ? indent[1].length : 0
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop()
    if (depth > 0 && stack.length) parents.set(task, stack[stack.length - 1].task)
    stack.push({ task, depth })
  }
  return parents
}

/** The groups of a task, outermost first, from the parent map; a cycle is refused. */
function groupPaths(parents: Map<string, string>, fileName: string): (task: string) => string[] {
  return (task) => {
    const path: string[] = []
    const seen = new Set([task])
    for (let group = parents.get(task); group !== undefined; group = parents.get(group)) {
      if (seen.has(group)) {
        throw importError(
          fileName,
          'group_subtasks',
          `groups contain each other in a loop (${[...seen, group].join(' → ')})`,
          group,
        )
      }
      seen.add(group)
      path.unshift(group)
    }
    return path
  }
}

/** `acc,none` → acc; `exact_match,flexible-extract` → exact_match (flexible-extract). */
function metricName(metric: string, filter: string | null): string {
  return filter === null || filter === 'none' ? metric : `${metric} (${filter})`
}

function readStderr(ctx: TaskContext, location: string, raw: unknown): number | null {
  const { fileName } = ctx
  // lm-eval writes "N/A" where it could not compute one (groups, some metrics).
  if (raw === 'N/A' || raw === null) return null
  const nonFinite = nonFiniteValue(raw)
  if (nonFinite !== undefined) {
    if (ctx.strict) throw importError(fileName, location, `${nonFinite} is not a finite standard error`, nonFinite)
    ctx.warnings.push(
      `${location}: the standard error is ${nonFinite}, not a finite number: left out (strict mode refuses the file)`,
    )
    return null
  }
  if (typeof raw !== 'number') {
    throw importError(fileName, location, `must be a number or "N/A", found ${jsonType(raw)}`, raw)
  }
  if (raw < 0) throw importError(fileName, location, `${raw} is negative: a standard error cannot be`, raw)
  return raw
}

/** Shots per task from `n-shot` (v0.4+), else one `config.num_fewshot` for all (legacy). */
function readShots(doc: JsonObject, fileName: string): (task: string) => number | null {
  const checkShots = (location: string, raw: unknown): number | null => {
    if (raw === null) return null
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw
    throw importError(fileName, location, `${describeValue(raw)} is not a number of shots (an integer ≥ 0)`, raw)
  }
  const perTask = new Map<string, number | null>()
  const nShot = doc['n-shot']
  if (nShot !== undefined && nShot !== null) {
    if (!isObject(nShot)) throw importError(fileName, 'n-shot', `must be an object, found ${jsonType(nShot)}`, nShot)
    for (const task of Object.keys(nShot)) perTask.set(task, checkShots(jsonPath('n-shot', task), nShot[task]))
  }
  let all: number | null = null
  if (isObject(doc.config) && doc.config.num_fewshot !== undefined) {
    all = checkShots('config.num_fewshot', doc.config.num_fewshot)
  }
  return (task) => perTask.get(task) ?? all
}

function readHigherIsBetter(doc: JsonObject, fileName: string): Map<string, Map<string, boolean>> {
  const byTask = new Map<string, Map<string, boolean>>()
  const hib = doc.higher_is_better
  if (hib === undefined || hib === null) return byTask
  if (!isObject(hib)) throw importError(fileName, 'higher_is_better', `must be an object, found ${jsonType(hib)}`, hib)
  for (const task of Object.keys(hib)) {
    const metrics = hib[task]
    if (metrics === null) continue
    if (!isObject(metrics)) {
      throw importError(
        fileName,
        jsonPath('higher_is_better', task),
        `must be an object, found ${jsonType(metrics)}`,
        metrics,
      )
    }
    const directions = new Map<string, boolean>()
    for (const metric of Object.keys(metrics)) {
      const flag = metrics[metric]
      if (flag === null) continue // unknown: fall back to the table
      if (typeof flag !== 'boolean') {
        throw importError(
          fileName,
          jsonPath('higher_is_better', task, metric),
          `must be true or false, found ${jsonType(flag)}`,
          flag,
        )
      }
      directions.set(metric, flag)
    }
    byTask.set(task, directions)
  }
  return byTask
}

/**
 * The model: `model_name` (v0.4.3+), else the `pretrained=`/`model=` entry of
 * `config.model_args` (a "k=v,k=v" string or an object), else `config.model`
 * (which is only the backend, e.g. "hf", but better than nothing).
 */
function readModel(doc: JsonObject): string | null {
  if (typeof doc.model_name === 'string' && doc.model_name.trim() !== '') return doc.model_name.trim()
  const config = isObject(doc.config) ? doc.config : {}
  const args = config.model_args
  const wantedKeys = ['pretrained', 'model', 'path', 'engine']
  if (typeof args === 'string') {
    const pairs = new Map<string, string>()
    for (const part of args.split(',')) {
      const eq = part.indexOf('=')
      if (eq > 0) pairs.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
    }
    for (const key of wantedKeys) if (pairs.get(key)) return pairs.get(key)!
  } else if (isObject(args)) {
    for (const key of wantedKeys) {
      const value = args[key]
      if (typeof value === 'string' && value.trim() !== '') return value.trim()
    }
  }
  if (typeof config.model === 'string' && config.model.trim() !== '') return config.model.trim()
  return null
}

/** `date` is unix seconds (a float) in lm-eval; a numeric or ISO string is accepted too. */
function readDate(doc: JsonObject, warnings: string[]): string | null {
  const raw = doc.date
  if (raw === undefined || raw === null) return null
  let ms = NaN
  if (typeof raw === 'number') ms = raw * 1000
  else if (typeof raw === 'string' && raw.trim() !== '') {
    const seconds = Number(raw)
    ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw)
  }
  const date = new Date(ms)
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) {
    warnings.push(`date: ${describeValue(raw)} is not a date, ignored`)
    return null
  }
  return date.toISOString()
}
