/**
 * The three taxes in dollars, so they can be added up and compared: the
 * performance tax as a share of the inference bill, the time-to-deployment tax
 * as the cost of delay, and the development tax as its ledger.
 */
import { formatMonths, formatPct, formatUsd } from './format'
import { optionalAtLeast, requireAtLeast, requireObject } from './validation'

export interface TaxesToPrice {
  /** Inference-compute tax in percent (≥ 0); null when not measured. */
  inferenceTaxPct: number | null
  /** Time to deployment in months; null when not deployed yet. */
  ttdMonths: number | null
  /** Development tax from the ledger. */
  developmentUsd: number
}

export interface MoneyAssumptions {
  inferenceSpendUsdPerMonth: number | null
  horizonMonths: number | null
  delayCostUsdPerMonth: number | null
}

export interface TaxesInMoney {
  /** tax% / 100 × spend per month × horizon; null when any of them is unknown. */
  performanceUsd: number | null
  /** months × cost of delay per month; null when either is unknown. */
  deploymentUsd: number | null
  developmentUsd: number
  /** Sum of the parts that are known. */
  totalUsd: number
  /** Each part as a fraction of the total; null when that part is unknown or the total is 0. */
  shares: { performance: number | null; deployment: number | null; development: number | null }
  explanation: string
}

function share(part: number | null, total: number): number | null {
  return part === null || total === 0 ? null : part / total
}

function shareText(label: string, fraction: number | null): string | null {
  return fraction === null ? null : `${label} ${formatPct(fraction * 100)}`
}

/**
 * @throws TaxInputError on a negative or non-finite tax, duration, amount or assumption
 */
export function taxesInMoney(taxes: TaxesToPrice, assumptions: MoneyAssumptions): TaxesInMoney {
  const taxFields = requireObject(taxes, 'taxes')
  const assumptionFields = requireObject(assumptions, 'assumptions')
  const inferenceTaxPct = optionalAtLeast(taxFields.inferenceTaxPct, 0, 'taxes.inferenceTaxPct')
  const ttdMonths = optionalAtLeast(taxFields.ttdMonths, 0, 'taxes.ttdMonths')
  const developmentUsd = requireAtLeast(taxFields.developmentUsd, 0, 'taxes.developmentUsd')
  const spend = optionalAtLeast(assumptionFields.inferenceSpendUsdPerMonth, 0, 'assumptions.inferenceSpendUsdPerMonth')
  const horizon = optionalAtLeast(assumptionFields.horizonMonths, 0, 'assumptions.horizonMonths')
  const delayCost = optionalAtLeast(assumptionFields.delayCostUsdPerMonth, 0, 'assumptions.delayCostUsdPerMonth')

  const sentences: string[] = []
  let performanceUsd: number | null = null
  if (inferenceTaxPct !== null && spend !== null && horizon !== null) {
    performanceUsd = (inferenceTaxPct / 100) * spend * horizon
    sentences.push(
      `Performance: ${formatPct(inferenceTaxPct)} × ${formatUsd(spend)}/month × ${formatMonths(horizon)} = ${formatUsd(performanceUsd)}.`,
    )
  } else {
    const missing = [
      inferenceTaxPct === null ? 'the inference-compute tax' : null,
      spend === null ? 'the inference spend per month' : null,
      horizon === null ? 'the horizon' : null,
    ].filter((text) => text !== null)
    sentences.push(`Performance: unknown (needs ${missing.join(' and ')}).`)
  }

  let deploymentUsd: number | null = null
  if (ttdMonths !== null && delayCost !== null) {
    deploymentUsd = ttdMonths * delayCost
    sentences.push(
      `Deployment: ${formatMonths(ttdMonths)} × ${formatUsd(delayCost)}/month = ${formatUsd(deploymentUsd)}.`,
    )
  } else {
    const missing = [
      ttdMonths === null ? 'the time to deployment' : null,
      delayCost === null ? 'the cost of delay per month' : null,
    ].filter((text) => text !== null)
    sentences.push(`Deployment: unknown (needs ${missing.join(' and ')}).`)
  }
  sentences.push(`Development: ${formatUsd(developmentUsd)} from the ledger.`)

  const totalUsd = (performanceUsd ?? 0) + (deploymentUsd ?? 0) + developmentUsd
  const shares = {
    performance: share(performanceUsd, totalUsd),
    deployment: share(deploymentUsd, totalUsd),
    development: share(developmentUsd, totalUsd),
  }
  const shareList = [
    shareText('performance', shares.performance),
    shareText('deployment', shares.deployment),
    shareText('development', shares.development),
  ].filter((text) => text !== null)
  const partial = performanceUsd === null || deploymentUsd === null ? ' of the known parts' : ''
  sentences.push(`Total${partial}: ${formatUsd(totalUsd)}${shareList.length > 0 ? ` (${shareList.join(', ')})` : ''}.`)
  return { performanceUsd, deploymentUsd, developmentUsd, totalUsd, shares, explanation: sentences.join(' ') }
}
