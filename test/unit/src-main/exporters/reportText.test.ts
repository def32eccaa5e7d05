import { describe, expect, it } from 'vitest'
import type { GenerationReport, MeasurementReport } from '../../../../src-shared/report/model'
import {
  MEASUREMENT_TABLE_LIMIT,
  REGRESSION_CHART_LIMIT,
  comparedChange,
  comparedValue,
  measurementsToShow,
  policyRowText,
  pointsChange,
  regressionBars,
  slug,
} from '../../../../src-main/exporters/reportText'

function row(id: number, regressionPct: number | null): MeasurementReport {
  return {
    measurement: {
      id,
      generationId: 1,
      benchmark: `b${id}`,
      metric: 'acc',
      direction: 'higher',
      shots: null,
      baseline: 1,
      aligned: 1,
      baselineStderr: null,
      alignedStderr: null,
      groupPath: null,
      source: 'manual',
      importId: null,
      createdAt: '2024-01-01T00:00:00.000Z',
    },
    regressionPct,
    noRelativeReason: null,
    inHeadline: true,
    delta: regressionPct == null ? null : -regressionPct / 100,
    z: null,
    significant: null,
    isGain: (regressionPct ?? 0) < 0,
    explanation: '',
    importFile: null,
  }
}

describe('slug', () => {
  it.each([
    ['RLHF pipeline (sample)', 'rlhf-pipeline-sample'],
    ['<script>alert(1)</script>', 'script-alert-1-script'],
    ['Équipe « alignement »', 'equipe-alignement'],
    ['../../etc/passwd', 'etc-passwd'],
    ['日本語', ''],
    ['a'.repeat(60), 'a'.repeat(40)],
  ])('%j → %j', (name, expected) => {
    expect(slug(name)).toBe(expected)
  })
})

describe('comparisons', () => {
  it('shows changes with a sign, percentages in points', () => {
    expect(comparedChange({ label: 't', unit: 'months', from: 9, to: 3 })).toBe('-6.0 months')
    expect(comparedChange({ label: 'd', unit: 'usd', from: 282_000, to: 1_226_500 })).toBe('+$944,500')
    expect(comparedChange({ label: 'p', unit: 'pct', from: 30, to: 5 })).toBe('-25 pp')
    expect(comparedChange({ label: 'c', unit: 'count', from: 1, to: 3 })).toBe('+2')
    expect(comparedChange({ label: 'x', unit: 'pct', from: null, to: 5 })).toBe('—')
    expect(comparedValue('pct', 1.7829)).toBe('1.78%')
    expect(comparedValue('months', null)).toBe('—')
    expect(pointsChange(3.93, 0.97)).toBe('-2.96 pp')
  })
})

describe('policyRowText', () => {
  it('says what a row runs', () => {
    expect(policyRowText({ fraction: 0.1, multiplier: 4 })).toBe('best-of-4 (4× compute) on 10% of tasks')
    expect(policyRowText({ fraction: 0.5, multiplier: 1 })).toBe('k = 1 on 50% of tasks')
  })
})

/** The performance part of a generation's report, as the model builder leaves it. */
function generationWith(shown: MeasurementReport[], measurementCount: number, zeroBaseline = 0): GenerationReport {
  const paired = shown.filter((r) => r.delta != null).length
  return {
    performance: {
      measurementCount,
      shownMeasurements: shown,
      aggregates: { count: measurementCount, paired, zeroBaseline },
    },
  } as unknown as GenerationReport
}

describe('measurementsToShow', () => {
  it('shows every row of a normal generation in its order', () => {
    const rows = [row(1, 2), row(2, -5), row(3, null)]
    expect(measurementsToShow(generationWith(rows, 3))).toEqual({ rows, omitted: 0 })
  })

  it('says how many rows the largest changes leave to the CSV', () => {
    const rows = Array.from({ length: MEASUREMENT_TABLE_LIMIT }, (_, i) => row(i, 100 - i / 10))
    const shown = measurementsToShow(generationWith(rows, 1_000_000))
    expect(shown.rows).toBe(rows)
    expect(shown.omitted).toBe(1_000_000 - MEASUREMENT_TABLE_LIMIT)
  })
})

describe('regressionBars', () => {
  it('draws the largest changes, largest tax on top, out of every measurement with a regression %', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i, i % 2 ? i : -i))
    const { bars, of } = regressionBars(generationWith([...rows, row(99, null)], 500, 3))
    expect(bars).toHaveLength(REGRESSION_CHART_LIMIT)
    expect(bars[0]).toMatchObject({ label: 'b39 · acc', pct: 39 })
    expect(bars.at(-1)).toMatchObject({ label: 'b38 · acc', pct: -38 })
    expect(Math.min(...bars.map((b) => Math.abs(b.pct)))).toBe(10)
    expect(of).toBe(40 - 3) // paired (40) less the 3 whose baseline is 0
  })
})
