/**
 * Development tax: what aligning a generation cost, from its ledger of cost
 * items, compared with what pretraining the base model cost.
 */
import { COST_CATEGORIES, type CostCategory, type CostItem } from '../domain/types'
import { TaxInputError } from './errors'
import { formatNumber, formatPct, formatUsd } from './format'
import {
  describeValue,
  optionalAtLeast,
  requireArray,
  requireAtLeast,
  requireBoolean,
  requireObject,
} from './validation'

/** A cost item as the tax needs it; the range, quantity and unit may be left out. */
export type DevelopmentCostInput = Pick<CostItem, 'category' | 'amountUsd' | 'scalesWithModel'> &
  Partial<Pick<CostItem, 'lowUsd' | 'highUsd' | 'quantity' | 'unit'>>

export interface PretrainingCost {
  costUsd: number | null
  computePfd: number | null
}

export interface DevelopmentTax {
  totalUsd: number
  /** Sums of the items' low and high estimates (each defaults to the item's amount). */
  lowUsd: number
  highUsd: number
  byCategory: Record<CostCategory, number>
  /** Items that do not grow with model size (e.g. building an RLHF codebase). */
  fixedUsd: number
  scalingUsd: number
  /** Compute spent on alignment, from items recorded in petaflop/s-days; 0 when there are none. */
  computePfd: number
  /** null when the pretraining cost is unknown or 0. */
  pctOfPretrainingCost: number | null
  /** null when the pretraining compute is unknown or 0, or no item is recorded in pf-days. */
  pctOfPretrainingCompute: number | null
  explanation: string
}

const PETAFLOP_DAY_UNITS = new Set([
  'pfdays',
  'pfday',
  'pfd',
  'petaflop/sdays',
  'petaflop/sday',
  'petaflopsdays',
  'petaflopsday',
])

/**
 * Whether a free-text unit means petaflop/s-days. Case, spaces, hyphens and
 * underscores are ignored, so 'pf-days', 'PF-Day', 'pfd', 'petaflop/s-days' and
 * 'petaflop/s day' all match.
 */
export function isPetaflopDaysUnit(unit: string | null | undefined): boolean {
  if (typeof unit !== 'string') return false
  return PETAFLOP_DAY_UNITS.has(unit.toLowerCase().replace(/[\s\-_]/g, ''))
}

function checkItem(item: unknown, i: number): Required<DevelopmentCostInput> {
  const path = `items[${i}]`
  const fields = requireObject(item, path)
  if (!(COST_CATEGORIES as readonly unknown[]).includes(fields.category)) {
    throw new TaxInputError(
      `${path}.category must be one of ${COST_CATEGORIES.join(', ')}, got ${describeValue(fields.category)}`,
      `${path}.category`,
      fields.category,
    )
  }
  const amountUsd = requireAtLeast(fields.amountUsd, 0, `${path}.amountUsd`)
  const lowUsd = optionalAtLeast(fields.lowUsd, 0, `${path}.lowUsd`)
  const highUsd = optionalAtLeast(fields.highUsd, 0, `${path}.highUsd`)
  // A range must contain its own estimate, or the totals' range would not contain the total.
  if (lowUsd !== null && lowUsd > amountUsd) {
    throw new TaxInputError(
      `${path}.lowUsd must be at most amountUsd (${describeValue(amountUsd)}), got ${describeValue(lowUsd)}`,
      `${path}.lowUsd`,
      lowUsd,
    )
  }
  if (highUsd !== null && highUsd < amountUsd) {
    throw new TaxInputError(
      `${path}.highUsd must be at least amountUsd (${describeValue(amountUsd)}), got ${describeValue(highUsd)}`,
      `${path}.highUsd`,
      highUsd,
    )
  }
  const quantity = optionalAtLeast(fields.quantity, 0, `${path}.quantity`)
  const unit = fields.unit ?? null
  if (unit !== null && typeof unit !== 'string') {
    throw new TaxInputError(`${path}.unit must be text or empty, got ${describeValue(unit)}`, `${path}.unit`, unit)
  }
  return {
    category: fields.category as CostCategory,
    amountUsd,
    lowUsd,
    highUsd,
    quantity,
    unit,
    scalesWithModel: requireBoolean(fields.scalesWithModel, `${path}.scalesWithModel`),
  }
}

/**
 * Sums the ledger: total with its low–high range, by category, fixed vs
 * scales-with-model, alignment compute in pf-days, and both as a percentage of
 * the base model's pretraining cost and compute.
 *
 * @throws TaxInputError on a negative or non-finite amount, a range not containing
 *   its amount, an unknown category, or a negative pretraining figure
 */
export function developmentTax(items: DevelopmentCostInput[], pretraining: PretrainingCost): DevelopmentTax {
  const checked = requireArray(items, 'items').map(checkItem)
  const pretrainingFields = requireObject(pretraining, 'pretraining')
  const pretrainCostUsd = optionalAtLeast(pretrainingFields.costUsd, 0, 'pretraining.costUsd')
  const pretrainComputePfd = optionalAtLeast(pretrainingFields.computePfd, 0, 'pretraining.computePfd')

  const byCategory = Object.fromEntries(COST_CATEGORIES.map((category) => [category, 0])) as Record<
    CostCategory,
    number
  >
  let totalUsd = 0
  let lowUsd = 0
  let highUsd = 0
  let fixedUsd = 0
  let scalingUsd = 0
  let computePfd = 0
  let computeItems = 0
  for (const item of checked) {
    totalUsd += item.amountUsd
    lowUsd += item.lowUsd ?? item.amountUsd
    highUsd += item.highUsd ?? item.amountUsd
    byCategory[item.category] += item.amountUsd
    if (item.scalesWithModel) scalingUsd += item.amountUsd
    else fixedUsd += item.amountUsd
    if (item.quantity !== null && isPetaflopDaysUnit(item.unit)) {
      computePfd += item.quantity
      computeItems += 1
    }
  }
  const pctOfPretrainingCost = pretrainCostUsd ? (totalUsd / pretrainCostUsd) * 100 : null
  const pctOfPretrainingCompute =
    pretrainComputePfd && computeItems > 0 ? (computePfd / pretrainComputePfd) * 100 : null

  const range = lowUsd === highUsd ? '' : ` (range ${formatUsd(lowUsd)}–${formatUsd(highUsd)})`
  const sentences = [
    `${checked.length} cost item${checked.length === 1 ? '' : 's'} total ${formatUsd(totalUsd)}${range}: ` +
      `${formatUsd(fixedUsd)} fixed, ${formatUsd(scalingUsd)} scaling with the model.`,
  ]
  if (pctOfPretrainingCost !== null && pretrainCostUsd !== null) {
    sentences.push(
      `${formatUsd(totalUsd)} / ${formatUsd(pretrainCostUsd)} × 100 = ${formatPct(pctOfPretrainingCost, 2)} of the pretraining cost.`,
    )
  } else {
    sentences.push('Pretraining cost unknown or 0: no percentage of it.')
  }
  if (pctOfPretrainingCompute !== null && pretrainComputePfd !== null) {
    sentences.push(
      `${formatNumber(computePfd)} / ${formatNumber(pretrainComputePfd)} pf-days × 100 = ${formatPct(pctOfPretrainingCompute, 2)} of the pretraining compute.`,
    )
  } else if (computeItems === 0) {
    sentences.push('No item is recorded in pf-days: no percentage of pretraining compute.')
  } else {
    sentences.push(`${formatNumber(computePfd)} pf-days of alignment compute; pretraining compute unknown or 0.`)
  }
  return {
    totalUsd,
    lowUsd,
    highUsd,
    byCategory,
    fixedUsd,
    scalingUsd,
    computePfd,
    pctOfPretrainingCost,
    pctOfPretrainingCompute,
    explanation: sentences.join(' '),
  }
}
