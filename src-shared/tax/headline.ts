/**
 * The headline of a generation's performance tax: which measurements count, once each.
 *
 * Evaluation suites are trees (lm-eval groups: mmlu → mmlu_stem → mmlu_anatomy) with
 * several metrics per task (acc, acc_norm) and several filters per metric. Every
 * measurement is kept and shown, but the headline mean counts:
 *
 * 1. each **top-level benchmark** once — a benchmark that is no other benchmark's
 *    subtask. A group counts by its own aggregate score; where the file gave none,
 *    by one figure computed from its subtasks (the mean of their scores, marked
 *    `computed`), never also by its subtasks;
 * 2. with **one metric** per benchmark: the user's choice, else the metric the table
 *    below names for it, else the first metric the file lists (the lowest row id).
 *
 * Relative figures follow `regressionFigures`: signed metrics and baselines at or near 0
 * have none, and stay out of the % mean while still counting as regressions or gains.
 */
import type { Direction } from '../domain/types'
import { aggregatesOfFigures, type RegressionAggregates } from './aggregates'
import { regressionFigures, type RegressionFigures } from './regression'

/**
 * Primary metric of well-known benchmarks (the Open LLM Leaderboard's choices where it
 * has one). Names are as stored: lm-eval's filter, when not "none", in parentheses.
 * A benchmark not named here is looked up without its trailing `_part`s
 * (arc_challenge → arc), then falls back to the file's first metric.
 */
export const PRIMARY_METRICS: Readonly<Record<string, string>> = {
  arc: 'acc_norm',
  arc_challenge: 'acc_norm',
  arc_easy: 'acc_norm',
  hellaswag: 'acc_norm',
  piqa: 'acc_norm',
  sciq: 'acc_norm',
  openbookqa: 'acc_norm',
  winogrande: 'acc',
  mmlu: 'acc',
  mmlu_pro: 'exact_match (custom-extract)',
  gsm8k: 'exact_match (strict-match)',
  gsm8k_cot: 'exact_match (strict-match)',
  truthfulqa_mc1: 'acc',
  truthfulqa_mc2: 'acc',
  truthfulqa: 'acc',
  lambada: 'acc',
  lambada_openai: 'acc',
  lambada_standard: 'acc',
  boolq: 'acc',
  cola: 'mcc',
  mnli: 'acc',
  mrpc: 'acc',
  qnli: 'acc',
  qqp: 'acc',
  rte: 'acc',
  sst2: 'acc',
  wnli: 'acc',
  glue: 'acc',
  wikitext: 'word_perplexity',
  ifeval: 'prompt_level_strict_acc',
  leaderboard_ifeval: 'prompt_level_strict_acc',
  leaderboard_bbh: 'acc_norm',
  leaderboard_gpqa: 'acc_norm',
  leaderboard_musr: 'acc_norm',
  leaderboard_math_hard: 'exact_match',
  leaderboard_mmlu_pro: 'acc',
  bbh: 'exact_match (get-answer)',
}

/** The table's primary metric for a benchmark, or null (see PRIMARY_METRICS). */
export function primaryMetricOf(benchmark: string): string | null {
  for (let name = benchmark; ;) {
    const metric = PRIMARY_METRICS[name]
    if (metric !== undefined) return metric
    const cut = name.lastIndexOf('_')
    if (cut <= 0) return null
    name = name.slice(0, cut)
  }
}

/** One stored measurement, as the headline needs it. */
export interface HeadlineCandidate {
  id: number
  benchmark: string
  metric: string
  /** Groups outermost first; empty for a top-level benchmark. */
  groupPath: readonly string[]
  direction: Direction
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
}

/** One benchmark of the headline. */
export interface HeadlineEntry {
  benchmark: string
  metric: string
  /** How the metric was chosen: the user's choice, the table, or the file's first metric. */
  metricChosenBy: 'user' | 'table' | 'first'
  /** The measurement counted; null when the figure is computed from subtasks. */
  measurementId: number | null
  /** True when the group had no aggregate score and its subtasks' mean stands in. */
  computed: boolean
  /** Subtasks (leaves) behind a computed figure; 0 for a stored one. */
  subtaskCount: number
  direction: Direction
  baseline: number | null
  aligned: number | null
  /** null while a side is missing. */
  figures: RegressionFigures | null
}

export interface Headline {
  entries: HeadlineEntry[]
  /** Ids of the measurements the headline counts. */
  measurementIds: Set<number>
  /** Aggregates over the entries (the headline mean is `meanPct`). */
  aggregates: RegressionAggregates
}

/** Parses a stored group path (a JSON array of names, or null). Anything else reads as top-level. */
export function parseGroupPath(stored: string | null | undefined): string[] {
  if (!stored) return []
  try {
    const parsed: unknown = JSON.parse(stored)
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

/** Parses a generation's stored headline choices (`{ benchmark: metric }`). */
export function parseHeadlineChoices(stored: string | null | undefined): Record<string, string> {
  if (!stored) return {}
  try {
    const parsed: unknown = JSON.parse(stored)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
    )
  } catch {
    return {}
  }
}

interface Figure {
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
  direction: Direction
  measurementId: number | null
  computed: boolean
  subtaskCount: number
}

/**
 * The headline set of a generation's measurements (given in file order: by id).
 * `choices` names the metric the user chose per benchmark.
 */
export function headlineSet(
  candidates: readonly HeadlineCandidate[],
  choices: Readonly<Record<string, string>> = {},
): Headline {
  const parent = new Map<string, string>()
  const children = new Map<string, string[]>()
  // Every name (benchmarks and groups) in order of first appearance, with its own rows.
  const rowsOf = new Map<string, HeadlineCandidate[]>()
  const note = (name: string) => {
    if (!rowsOf.has(name)) rowsOf.set(name, [])
  }
  const link = (child: string, group: string) => {
    if (child === group || parent.has(child)) return
    // A link that would close a loop is ignored: the tree stays a tree.
    for (let g: string | undefined = group; g !== undefined; g = parent.get(g)) if (g === child) return
    parent.set(child, group)
    const list = children.get(group)
    if (list) list.push(child)
    else children.set(group, [child])
  }
  for (const row of candidates) {
    const path = row.groupPath
    if (path.length) {
      path.forEach(note)
      for (let i = 1; i < path.length; i++) link(path[i], path[i - 1])
      link(row.benchmark, path[path.length - 1])
    }
    const list = rowsOf.get(row.benchmark)
    if (list) list.push(row)
    else rowsOf.set(row.benchmark, [row])
  }

  /** Metrics a benchmark can be scored by: its own rows', else its subtasks' (in order). */
  const metricsOf = (name: string): string[] => {
    const own = rowsOf.get(name)
    if (own?.length === 1) return [own[0].metric]
    if (own?.length) return [...new Set(own.map((r) => r.metric))]
    const all: string[] = []
    for (const child of children.get(name) ?? []) for (const m of metricsOf(child)) if (!all.includes(m)) all.push(m)
    return all
  }

  const figureOf = (name: string, metric: string): Figure | null => {
    const row = rowsOf.get(name)?.find((r) => r.metric === metric)
    if (row) {
      return {
        baseline: row.baseline,
        aligned: row.aligned,
        baselineStderr: row.baselineStderr,
        alignedStderr: row.alignedStderr,
        direction: row.direction,
        measurementId: row.id,
        computed: false,
        subtaskCount: 0,
      }
    }
    const parts = (children.get(name) ?? [])
      .map((child) => figureOf(child, metric))
      .filter((f): f is Figure => f !== null && f.baseline !== null && f.aligned !== null)
    if (parts.length === 0) return null
    const mean = (side: 'baseline' | 'aligned') => parts.reduce((sum, f) => sum + f[side]!, 0) / parts.length
    return {
      baseline: mean('baseline'),
      aligned: mean('aligned'),
      baselineStderr: null,
      alignedStderr: null,
      direction: parts[0].direction,
      measurementId: null,
      computed: true,
      subtaskCount: parts.reduce((n, f) => n + (f.computed ? f.subtaskCount : 1), 0),
    }
  }

  const entries: HeadlineEntry[] = []
  for (const name of rowsOf.keys()) {
    if (parent.has(name)) continue
    const available = metricsOf(name)
    if (available.length === 0) continue
    const chosen = choices[name]
    const primary = primaryMetricOf(name)
    const [metric, metricChosenBy] =
      chosen !== undefined && available.includes(chosen)
        ? [chosen, 'user' as const]
        : primary !== null && available.includes(primary)
          ? [primary, 'table' as const]
          : [available[0], 'first' as const]
    const f = figureOf(name, metric)
    if (!f) {
      // A computed group none of whose subtasks has both runs yet.
      const firstRow = rowsOf.get(name)?.[0]
      entries.push({
        benchmark: name,
        metric,
        metricChosenBy,
        measurementId: null,
        computed: true,
        subtaskCount: 0,
        direction: firstRow?.direction ?? 'higher',
        baseline: null,
        aligned: null,
        figures: null,
      })
      continue
    }
    const paired = f.baseline !== null && f.aligned !== null
    entries.push({
      benchmark: name,
      metric,
      metricChosenBy,
      measurementId: f.measurementId,
      computed: f.computed,
      subtaskCount: f.subtaskCount,
      direction: f.direction,
      baseline: f.baseline,
      aligned: f.aligned,
      figures: paired
        ? regressionFigures({
            baseline: f.baseline!,
            aligned: f.aligned!,
            baselineStderr: f.baselineStderr,
            alignedStderr: f.alignedStderr,
            direction: f.direction,
            metric,
          })
        : null,
    })
  }
  const measurementIds = new Set<number>()
  for (const e of entries) if (e.measurementId !== null) measurementIds.add(e.measurementId)
  return { entries, measurementIds, aggregates: aggregatesOfFigures(entries.map((e) => e.figures)) }
}
