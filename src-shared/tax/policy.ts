/**
 * Inference-compute tax from a policy: "run best-of-k (or k× compute) on a
 * fraction p of tasks". The tax is the extra compute over running every task
 * once, as a percentage of the unaligned model's inference compute.
 */
import type { PolicyRow } from '../domain/types'
import { TaxInputError } from './errors'
import { formatNumber, formatPct } from './format'
import { describeValue, requireArray, requireAtLeast, requireBetween, requireObject } from './validation'

/** Float slack on Σp ≤ 1, so that e.g. 0.2 + 0.4 + 0.3 + 0.1 (= 1.0000000000000002) is accepted. */
const FRACTION_SUM_SLACK = 1e-9

/** One share of tasks and its cost per task, relative to running the task once. */
export interface PolicyTerm {
  fraction: number
  cost: number
}

export interface PolicyTax {
  /** Inference compute relative to the unaligned model: 1.3 means 30% more. */
  multiplier: number
  /** (multiplier − 1) · 100. */
  taxPct: number
  explanation: string
  /**
   * terms[0] is the untouched remainder of tasks (fraction 1 − Σp, cost 1, possibly
   * fraction 0); terms[i + 1] belongs to rows[i].
   */
  terms: PolicyTerm[]
}

/**
 * Cost of one task under a row, relative to generating one sample: k samples plus
 * the reward model scoring each (r per sample). k = 1 means no selection, so
 * nothing is scored.
 */
function rowCost(k: number, rmCost: number): number {
  return k > 1 ? k * (1 + rmCost) : 1
}

interface CheckedPolicy {
  rows: PolicyRow[]
  rmCost: number
  fractionSum: number
}

function checkPolicy(rows: unknown, rmCost: unknown): CheckedPolicy {
  const list = requireArray(rows, 'rows')
  const checkedRmCost = requireAtLeast(rmCost, 0, 'rmCost')
  const checkedRows = list.map((row, i) => {
    const fields = requireObject(row, `rows[${i}]`)
    return {
      fraction: requireBetween(fields.fraction, 0, 1, `rows[${i}].fraction`),
      multiplier: requireAtLeast(fields.multiplier, 1, `rows[${i}].multiplier`),
    }
  })
  const fractionSum = checkedRows.reduce((sum, row) => sum + row.fraction, 0)
  if (fractionSum > 1 + FRACTION_SUM_SLACK) {
    throw new TaxInputError(
      `rows fractions must sum to at most 1, got ${describeValue(fractionSum)} (${checkedRows
        .map((row) => formatNumber(row.fraction, 6))
        .join(' + ')})`,
      'rows',
      rows,
    )
  }
  return { rows: checkedRows, rmCost: checkedRmCost, fractionSum }
}

/**
 * multiplier = (1 − Σp) + Σ p · cost, with cost = k · (1 + r) for k > 1 and 1 for k = 1.
 *
 * Computed as 1 + Σ p · (cost − 1), the same quantity, so that float rounding can
 * never push it below 1 and adding a row can never lower it.
 *
 * @param rows fractions p in [0, 1] summing to ≤ 1, multipliers k ≥ 1
 * @param rmCost reward-model scoring cost per sample relative to generating it (≥ 0)
 * @throws TaxInputError naming the bad row and value
 */
export function inferenceTaxFromPolicy(rows: PolicyRow[], rmCost = 0): PolicyTax {
  const policy = checkPolicy(rows, rmCost)
  const remainder = Math.max(0, 1 - policy.fractionSum)
  const rowTerms = policy.rows.map((row) => ({
    fraction: row.fraction,
    cost: rowCost(row.multiplier, policy.rmCost),
  }))
  const terms: PolicyTerm[] = [{ fraction: remainder, cost: 1 }, ...rowTerms]
  const multiplier = 1 + rowTerms.reduce((sum, term) => sum + term.fraction * (term.cost - 1), 0)
  // Summed in percent directly, (100·p)·(cost − 1), so that round cases come out exact
  // (best-of-4 on 10% is 10 × 3 = 30, not (1.3 − 1) × 100 = 30.000000000000004).
  const taxPct = rowTerms.reduce((sum, term) => sum + term.fraction * 100 * (term.cost - 1), 0)

  const shownTerms = terms.filter((term) => term.fraction > 0)
  const arithmetic = `${shownTerms
    .map((term) => `${formatNumber(term.fraction)} × ${formatNumber(term.cost)}`)
    .join(' + ')} = ${formatNumber(multiplier)} → ${formatPct(taxPct)} more inference compute`

  const notes: string[] = []
  if (policy.rmCost > 0 && policy.rows.some((row) => row.multiplier > 1)) {
    notes.push(
      `Each task run best-of-k costs k × (1 + ${formatNumber(policy.rmCost)}), counting the reward model scoring every sample.`,
    )
  }
  const mistake = describeMistake(policy)
  if (mistake !== null) notes.push(mistake)
  const explanation = notes.length === 0 ? arithmetic : `${arithmetic}. ${notes.join(' ')}`
  return { multiplier, taxPct, explanation, terms }
}

function describeMistake(policy: CheckedPolicy): string | null {
  const multiplied = policy.rows.filter((row) => row.multiplier > 1 && row.fraction > 0)
  const isPartial = multiplied.some((row) => row.fraction < 1)
  if (!isPartial) return null
  const costs = multiplied.map((row) => ({ pct: row.fraction * 100, cost: rowCost(row.multiplier, policy.rmCost) }))
  const wholeCost = costs.map(({ pct, cost }) => `${formatNumber(cost)} × ${formatPct(pct)}`).join(' + ')
  const extraCost = costs.map(({ pct, cost }) => `(${formatNumber(cost)} − 1) × ${formatPct(pct)}`).join(' + ')
  const wholePct = costs.reduce((sum, { pct, cost }) => sum + pct * cost, 0)
  const extraPct = costs.reduce((sum, { pct, cost }) => sum + pct * (cost - 1), 0)
  return (
    `Not ${wholeCost} = ${formatPct(wholePct)}: that counts the whole cost of those tasks, not the extra; ` +
    `the extra is ${extraCost} = ${formatPct(extraPct)}.`
  )
}

/**
 * The sentence warning against the common mistake of counting the whole cost of
 * the multiplied tasks as the tax ("4 × 10% = 40%" instead of the extra 30%), or
 * null when no row runs k > 1 on part of the tasks (0 < p < 1), where the mistake
 * cannot arise. inferenceTaxFromPolicy already appends it to its explanation.
 */
export function explainCommonPolicyMistake(rows: PolicyRow[], rmCost = 0): string | null {
  return describeMistake(checkPolicy(rows, rmCost))
}
