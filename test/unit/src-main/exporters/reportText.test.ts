import { describe, expect, it } from 'vitest'
import type { MeasurementReport } from '../../../../src-shared/report/model'
import {
  MEASUREMENT_TABLE_LIMIT,
  comparedChange,
  comparedValue,
  measurementsToShow,
  policyRowText,
  pointsChange,
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
      source: 'manual',
      importId: null,
      createdAt: '2024-01-01T00:00:00.000Z',
    },
    regressionPct,
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

describe('measurementsToShow', () => {
  it('shows every row of a normal generation in its order', () => {
    const rows = [row(1, 2), row(2, -5), row(3, null)]
    expect(measurementsToShow(rows)).toEqual({ rows, omitted: 0 })
  })

  it('shows the largest changes, either sign, when there are too many rows', () => {
    const rows = Array.from({ length: MEASUREMENT_TABLE_LIMIT + 50 }, (_, i) => row(i, i % 2 ? i / 10 : -i / 10))
    const shown = measurementsToShow(rows)
    expect(shown.omitted).toBe(50)
    expect(shown.rows).toHaveLength(MEASUREMENT_TABLE_LIMIT)
    const smallestShown = Math.min(...shown.rows.map((r) => Math.abs(r.regressionPct!)))
    const hidden = rows.filter((r) => !shown.rows.includes(r))
    expect(Math.max(...hidden.map((r) => Math.abs(r.regressionPct!)))).toBeLessThanOrEqual(smallestShown)
    expect(shown.rows.some((r) => r.regressionPct! < 0)).toBe(true)
  })
})
