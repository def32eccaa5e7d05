/**
 * Summary of many benchmark regressions (e.g. every task of an imported run), for
 * a generation's overview.
 */
import type { Direction } from '../domain/types'
import { TaxInputError } from './errors'
import { regressionFigures, type BenchmarkRegressionInput, type RegressionFigures } from './regression'
import { requireArray, requireAtLeast, requireDirection, requireFinite, requireObject } from './validation'

export interface RegressionAggregateInput {
  baseline: number | null
  aligned: number | null
  baselineStderr: number | null
  alignedStderr: number | null
  direction: Direction
  /** The metric's name: a signed metric (MCC, *_diff) has no percentage. */
  metric?: string
  /** Weight in weightedMeanPct (≥ 0), default 1. */
  weight?: number
}

export interface RegressionAggregates {
  /** All items given. */
  count: number
  /** Items with both scores. */
  paired: number
  /** Items missing either score, left out of every other figure. */
  unpaired: number
  /**
   * Paired items without a percentage (a signed metric, or a baseline at or near 0):
   * counted as regressions or gains, but out of the mean, median and weighted mean.
   */
  zeroBaseline: number
  /** Over paired items with a non-zero baseline; null when there are none. */
  meanPct: number | null
  medianPct: number | null
  /** Σ w · pct / Σ w; null when there are no such items or their weights sum to 0. */
  weightedMeanPct: number | null
  /** Paired items where the aligned model is worse. */
  regressions: number
  /** Paired items where the aligned model is better. */
  gains: number
  /** Paired items whose change is significant (|z| ≥ 1.96). */
  significant: number
}

function median(sortedValues: number[]): number {
  const middle = Math.floor(sortedValues.length / 2)
  return sortedValues.length % 2 === 1 ? sortedValues[middle] : (sortedValues[middle - 1] + sortedValues[middle]) / 2
}

/**
 * The median of these values as `median([...values].sort((a, b) => a - b))` gives it, a
 * numeric typed-array sort being far faster on a million values. The two orders differ
 * only among zeros: the comparator's (stable) sort keeps −0 and 0 in the order given, the
 * typed sort puts −0 first; in both the zeros sit right after the negatives. So where a
 * zero is in the middle, the one the comparator would put there is looked up.
 */
function medianOf(values: number[]): number {
  const sorted = Float64Array.from(values).sort()
  const middle = Math.floor(sorted.length / 2)
  const at = (k: number) => (sorted[k] === 0 ? zeroAt(values, k) : sorted[k])
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2
}

/** The zero (−0 or 0) at index `k` of the comparator's sort of these values. */
function zeroAt(values: number[], k: number): number {
  let negatives = 0
  for (const v of values) if (v < 0) negatives++
  let nth = k - negatives
  for (const v of values) if (v === 0 && nth-- === 0) return v
  throw new Error('zeroAt: no zero at that index')
}

/** regressionFigures, with error paths naming the item (`baseline` → `items[3].baseline`). */
function regressionOfItem(input: BenchmarkRegressionInput, itemPath: string): RegressionFigures {
  try {
    return regressionFigures(input)
  } catch (error) {
    if (!(error instanceof TaxInputError)) throw error
    throw new TaxInputError(`${itemPath}.${error.message}`, `${itemPath}.${error.path}`, error.value)
  }
}

/**
 * The aggregates of figures already computed (null = one run only), each with weight 1:
 * what regressionAggregates gives for the same items, without computing them twice.
 */
export function aggregatesOfFigures(figures: ReadonlyArray<RegressionFigures | null>): RegressionAggregates {
  const acc = new FiguresAggregator()
  for (const f of figures) acc.add(f)
  return acc.result()
}

/**
 * aggregatesOfFigures one figure at a time (the same additions in the same order, so the
 * same doubles): what a million-row import feeds as it writes, keeping numbers, not rows.
 */
export class FiguresAggregator {
  private readonly pcts: number[] = []
  private count = 0
  private paired = 0
  private zeroBaseline = 0
  private regressions = 0
  private gains = 0
  private significant = 0
  private sum = 0

  add(f: Pick<RegressionFigures, 'isRegression' | 'isGain' | 'significant' | 'regressionPct'> | null): void {
    this.count += 1
    if (f === null) return
    this.paired += 1
    if (f.isRegression) this.regressions += 1
    if (f.isGain) this.gains += 1
    if (f.significant === true) this.significant += 1
    if (f.regressionPct === null) this.zeroBaseline += 1
    else {
      this.pcts.push(f.regressionPct)
      this.sum += f.regressionPct
    }
  }

  result(): RegressionAggregates {
    const pcts = this.pcts
    const mean = pcts.length === 0 ? null : this.sum / pcts.length
    return {
      count: this.count,
      paired: this.paired,
      unpaired: this.count - this.paired,
      zeroBaseline: this.zeroBaseline,
      meanPct: mean,
      medianPct: pcts.length === 0 ? null : medianOf(pcts),
      weightedMeanPct: mean,
      regressions: this.regressions,
      gains: this.gains,
      significant: this.significant,
    }
  }
}

/**
 * Counts and averages regression percentages over paired items. Items missing a
 * score are skipped from every figure except `count` and `unpaired`; items with
 * baseline 0 have no percentage, so they count as regressions or gains but stay
 * out of the mean, median and weighted mean.
 *
 * @throws TaxInputError on a bad score, standard error, direction or weight,
 *   with the path naming the item (e.g. `items[3].baselineStderr`)
 */
export function regressionAggregates(items: RegressionAggregateInput[]): RegressionAggregates {
  const list = requireArray(items, 'items')
  const pcts: number[] = []
  let weightedSum = 0
  let weightSum = 0
  let paired = 0
  let zeroBaseline = 0
  let regressions = 0
  let gains = 0
  let significant = 0
  list.forEach((item, i) => {
    const fields = requireObject(item, `items[${i}]`)
    const weight = fields.weight === undefined ? 1 : requireAtLeast(fields.weight, 0, `items[${i}].weight`)
    const isMissing = (value: unknown) => value === null || value === undefined
    if (isMissing(fields.baseline) || isMissing(fields.aligned)) {
      // Still check what is there, so a bad unmatched row is reported rather than hidden.
      requireDirection(fields.direction, `items[${i}].direction`)
      for (const side of ['baseline', 'aligned'] as const) {
        if (!isMissing(fields[side])) requireFinite(fields[side], `items[${i}].${side}`)
      }
      return
    }
    const result = regressionOfItem(fields as unknown as BenchmarkRegressionInput, `items[${i}]`)
    paired += 1
    if (result.isRegression) regressions += 1
    if (result.isGain) gains += 1
    if (result.significant === true) significant += 1
    if (result.regressionPct === null) {
      zeroBaseline += 1
      return
    }
    pcts.push(result.regressionPct)
    weightedSum += weight * result.regressionPct
    weightSum += weight
  })
  const sorted = [...pcts].sort((a, b) => a - b)
  return {
    count: list.length,
    paired,
    unpaired: list.length - paired,
    zeroBaseline,
    meanPct: pcts.length === 0 ? null : pcts.reduce((sum, pct) => sum + pct, 0) / pcts.length,
    medianPct: sorted.length === 0 ? null : median(sorted),
    weightedMeanPct: weightSum === 0 ? null : weightedSum / weightSum,
    regressions,
    gains,
    significant,
  }
}
