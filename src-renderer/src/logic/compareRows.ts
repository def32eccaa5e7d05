/**
 * The Compare table: one row per figure of the read model (CompareView), one
 * cell per generation, and the difference of each cell from the first column.
 * Values come from the read model; this only lays them out and subtracts for
 * the delta column. Pure, tested in Node.
 */
import type { CompareView, GenerationSummary } from '../../../src-shared/api/views'
import { COST_CATEGORIES } from '../../../src-shared/domain/types'
import { formatMonths, formatNumber, formatPct, formatUsd } from '../../../src-shared/tax/format'
import { CATEGORY_LABELS, regressionText, shrinkText, signedText, type Tone } from './display'

export type Unit = 'months' | 'usd' | 'pct' | 'points' | 'number' | 'text'

export interface CompareCell {
  text: string
  value: number | null
  /** Difference from the first generation's value ("+2.5 pts"); null in the first column or when unknown. */
  delta: string | null
  tone: Tone
}

export interface CompareRow {
  key: string
  group: 'Generation' | 'Performance tax' | 'Development tax' | 'Time to deployment' | 'Money'
  label: string
  cells: CompareCell[]
  /** Whether the generations differ on this row ("differences only" keeps these). */
  differs: boolean
}

interface RowSpec {
  key: string
  group: CompareRow['group']
  label: string
  unit: Unit
  /** A higher value is worse (a tax): deltas above 0 are shown as bad. */
  higherIsWorse?: boolean
  value: (s: GenerationSummary) => number | null
  text?: (s: GenerationSummary) => string
}

function show(value: number | null, unit: Unit): string {
  if (value === null) return '—'
  switch (unit) {
    case 'months':
      return formatMonths(value)
    case 'usd':
      return formatUsd(value)
    case 'pct':
      return formatPct(value)
    case 'points':
      return formatPct(value, 2)
    default:
      return formatNumber(value, 3)
  }
}

const SPECS: RowSpec[] = [
  {
    key: 'ordinal',
    group: 'Generation',
    label: 'Generation number',
    unit: 'number',
    value: (s) => s.generation.ordinal,
  },
  {
    key: 'pretrainedOn',
    group: 'Generation',
    label: 'Pretrained',
    unit: 'text',
    value: () => null,
    text: (s) => s.generation.pretrainedOn,
  },
  {
    key: 'deployedOn',
    group: 'Generation',
    label: 'Deployed',
    unit: 'text',
    value: () => null,
    text: (s) => s.generation.deployedOn ?? 'not yet',
  },
  {
    key: 'technique',
    group: 'Generation',
    label: 'Technique',
    unit: 'text',
    value: () => null,
    text: (s) => s.generation.technique ?? '—',
  },
  {
    key: 'techniqueChange',
    group: 'Generation',
    label: 'Technique change',
    unit: 'text',
    value: () => null,
    text: (s) => (s.generation.techniqueChange ? 'yes: restarts the trend' : 'no'),
  },
  {
    key: 'paramsB',
    group: 'Generation',
    label: 'Parameters (billions)',
    unit: 'number',
    value: (s) => s.generation.paramsB,
  },
  {
    key: 'pretrainCostUsd',
    group: 'Generation',
    label: 'Pretraining cost',
    unit: 'usd',
    value: (s) => s.generation.pretrainCostUsd,
  },
  {
    key: 'pretrainComputePfd',
    group: 'Generation',
    label: 'Pretraining compute (pf-days)',
    unit: 'number',
    value: (s) => s.generation.pretrainComputePfd,
  },

  {
    key: 'inferenceTaxPct',
    group: 'Performance tax',
    label: 'Inference-compute tax',
    unit: 'pct',
    higherIsWorse: true,
    value: (s) => s.inferenceTaxPct,
  },
  {
    key: 'meanPct',
    group: 'Performance tax',
    label: 'Mean benchmark regression',
    unit: 'points',
    higherIsWorse: true,
    value: (s) => s.regressions.meanPct,
    text: (s) => regressionText(s.regressions.meanPct),
  },
  {
    key: 'medianPct',
    group: 'Performance tax',
    label: 'Median benchmark regression',
    unit: 'points',
    higherIsWorse: true,
    value: (s) => s.regressions.medianPct,
    text: (s) => regressionText(s.regressions.medianPct),
  },
  {
    key: 'paired',
    group: 'Performance tax',
    label: 'Benchmarks with both runs',
    unit: 'number',
    value: (s) => s.regressions.paired,
  },
  {
    key: 'regressions',
    group: 'Performance tax',
    label: 'Regressions',
    unit: 'number',
    higherIsWorse: true,
    value: (s) => s.regressions.regressions,
  },
  { key: 'gains', group: 'Performance tax', label: 'Gains', unit: 'number', value: (s) => s.regressions.gains },
  {
    key: 'significant',
    group: 'Performance tax',
    label: 'Significant changes',
    unit: 'number',
    value: (s) => s.regressions.significant,
  },

  {
    key: 'devTotal',
    group: 'Development tax',
    label: 'Development tax',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.development.totalUsd,
  },
  {
    key: 'devRange',
    group: 'Development tax',
    label: 'Range',
    unit: 'text',
    value: () => null,
    text: (s) => `${formatUsd(s.development.lowUsd)}–${formatUsd(s.development.highUsd)}`,
  },
  {
    key: 'devPctCost',
    group: 'Development tax',
    label: '% of pretraining cost',
    unit: 'pct',
    higherIsWorse: true,
    value: (s) => s.development.pctOfPretrainingCost,
  },
  {
    key: 'devPctCompute',
    group: 'Development tax',
    label: '% of pretraining compute',
    unit: 'pct',
    higherIsWorse: true,
    value: (s) => s.development.pctOfPretrainingCompute,
  },
  {
    key: 'devFixed',
    group: 'Development tax',
    label: 'Fixed',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.development.fixedUsd,
  },
  {
    key: 'devScaling',
    group: 'Development tax',
    label: 'Scales with the model',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.development.scalingUsd,
  },
  ...COST_CATEGORIES.map((category): RowSpec => ({
    key: `dev:${category}`,
    group: 'Development tax',
    label: CATEGORY_LABELS[category],
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.development.byCategory[category],
  })),

  {
    key: 'ttd',
    group: 'Time to deployment',
    label: 'Time to deployment',
    unit: 'months',
    higherIsWorse: true,
    value: (s) => s.ttdMonths,
  },
  {
    key: 'shrink',
    group: 'Time to deployment',
    label: 'Against the previous generation',
    unit: 'text',
    value: () => null,
    text: (s) => shrinkText(s.shrink),
  },

  {
    key: 'moneyTotal',
    group: 'Money',
    label: 'All three taxes',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.money?.totalUsd ?? null,
  },
  {
    key: 'moneyPerf',
    group: 'Money',
    label: 'Performance tax',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.money?.performanceUsd ?? null,
  },
  {
    key: 'moneyDeploy',
    group: 'Money',
    label: 'Time-to-deployment tax',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.money?.deploymentUsd ?? null,
  },
  {
    key: 'moneyDev',
    group: 'Money',
    label: 'Development tax',
    unit: 'usd',
    higherIsWorse: true,
    value: (s) => s.money?.developmentUsd ?? null,
  },
]

function cellsFor(values: (number | null)[], texts: string[], unit: Unit, higherIsWorse: boolean): CompareCell[] {
  const base = values[0]
  return values.map((value, i) => {
    let delta: string | null = null
    let tone: Tone = 'neutral'
    if (i > 0 && unit !== 'text' && value !== null && base !== null) {
      const d = value - base
      delta = signedText(d, unit)
      if (higherIsWorse && d !== 0) tone = d > 0 ? 'bad' : 'good'
    }
    return { text: texts[i], value, delta, tone }
  })
}

export function compareRows(view: CompareView): CompareRow[] {
  return SPECS.map((spec) => {
    const values = view.generations.map(spec.value)
    const texts = view.generations.map((s, i) => (spec.text ? spec.text(s) : show(values[i], spec.unit)))
    return {
      key: spec.key,
      group: spec.group,
      label: spec.label,
      cells: cellsFor(values, texts, spec.unit, spec.higherIsWorse ?? false),
      differs: new Set(texts).size > 1,
    }
  })
}

export interface BenchmarkCompareRow {
  key: string
  label: string
  cells: CompareCell[]
  differs: boolean
}

/** Regression % per benchmark · metric, per generation, with the change from the first generation. */
export function benchmarkCompareRows(view: CompareView): BenchmarkCompareRow[] {
  return view.benchmarks.map((b) => {
    const texts = b.values.map(regressionText)
    const cells = cellsFor(b.values, texts, 'points', true).map((cell) => ({
      ...cell,
      tone:
        cell.delta === null
          ? cell.value === null
            ? 'neutral'
            : cell.value < 0
              ? 'good'
              : cell.value > 0
                ? 'bad'
                : 'neutral'
          : cell.tone,
    })) as CompareCell[]
    return { key: b.key, label: b.key, cells, differs: new Set(texts).size > 1 }
  })
}

/** "Differences only": keeps rows where the generations differ. */
export function onlyDifferences<R extends { differs: boolean }>(rows: R[], differencesOnly: boolean): R[] {
  return differencesOnly ? rows.filter((r) => r.differs) : rows
}
