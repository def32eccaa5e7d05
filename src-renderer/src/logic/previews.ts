/**
 * Live previews of what a form will record, computed by the tax engine as the user
 * types (or why it cannot be computed yet). Pure, tested in Node.
 */
import {
  benchmarkRegression,
  inferenceTaxFromCurve,
  inferenceTaxFromPolicy,
  TaxInputError,
} from '../../../src-shared/tax'
import { optionalNumber } from '../forms/validate'

export interface PolicyRowText {
  fraction: string
  multiplier: string
}

export type PolicyPreview =
  { ok: true; taxPct: number; multiplier: number; explanation: string } | { ok: false; reason: string }

/** Rows as typed (fraction of tasks in [0, 1], multiplier k) → numbers; empty boxes stay undefined. */
export function policyRowsFromText(
  rows: PolicyRowText[],
): { fraction: number | undefined; multiplier: number | undefined }[] {
  return rows.map((r) => {
    const p = optionalNumber(r.fraction)
    const k = optionalNumber(r.multiplier)
    return { fraction: p === null ? undefined : p, multiplier: k === null ? undefined : k }
  })
}

export function previewPolicy(rows: PolicyRowText[], rmCostText: string): PolicyPreview {
  const parsed = policyRowsFromText(rows)
  if (parsed.length === 0) return { ok: false, reason: 'add a row: a share of tasks and its compute multiplier' }
  if (parsed.some((r) => r.fraction === undefined || r.multiplier === undefined)) {
    return { ok: false, reason: 'fill in every row to see the tax' }
  }
  const rmCost = optionalNumber(rmCostText) ?? 0
  try {
    const tax = inferenceTaxFromPolicy(parsed as { fraction: number; multiplier: number }[], rmCost)
    return { ok: true, taxPct: tax.taxPct, multiplier: tax.multiplier, explanation: tax.explanation }
  } catch (err) {
    if (err instanceof TaxInputError) return { ok: false, reason: err.message }
    throw err
  }
}

export interface RegressionText {
  baseline: string
  aligned: string
  baselineStderr: string
  alignedStderr: string
  direction: 'higher' | 'lower'
}

export type RegressionPreview =
  | { ok: true; regressionPct: number | null; isGain: boolean; significant: boolean | null; explanation: string }
  | { ok: false; reason: string }

/** The live regression of a measurement being typed, from the tax engine (benchmarkRegression). */
export function previewRegression(values: RegressionText): RegressionPreview {
  const baseline = optionalNumber(values.baseline)
  const aligned = optionalNumber(values.aligned)
  if (baseline === null || aligned === null) return { ok: false, reason: 'enter both scores to see the regression' }
  try {
    const r = benchmarkRegression({
      baseline,
      aligned,
      baselineStderr: optionalNumber(values.baselineStderr),
      alignedStderr: optionalNumber(values.alignedStderr),
      direction: values.direction,
    })
    return {
      ok: true,
      regressionPct: r.regressionPct,
      isGain: r.isGain,
      significant: r.significant,
      explanation: r.explanation,
    }
  } catch (err) {
    if (err instanceof TaxInputError) return { ok: false, reason: err.message }
    throw err
  }
}

export interface CurvePointText {
  multiplier: string
  score: string
}

export type CurvePreview =
  { ok: true; reached: boolean; taxPct: number | null; explanation: string } | { ok: false; reason: string }

/** The live tax of a compute curve being typed, from the tax engine (inferenceTaxFromCurve). */
export function previewCurve(
  points: CurvePointText[],
  baselineText: string,
  direction: 'higher' | 'lower',
): CurvePreview {
  const baseline = optionalNumber(baselineText)
  const parsed = points.map((p) => ({ multiplier: optionalNumber(p.multiplier), score: optionalNumber(p.score) }))
  if (baseline === null) return { ok: false, reason: 'enter the baseline score Z' }
  if (parsed.length === 0 || parsed.some((p) => p.multiplier === null || p.score === null)) {
    return { ok: false, reason: 'fill in every point (k and score) to see the tax' }
  }
  try {
    const tax = inferenceTaxFromCurve(parsed as { multiplier: number; score: number }[], baseline, direction)
    return { ok: true, reached: tax.reached, taxPct: tax.taxPct, explanation: tax.explanation }
  } catch (err) {
    if (err instanceof TaxInputError) return { ok: false, reason: err.message }
    throw err
  }
}
