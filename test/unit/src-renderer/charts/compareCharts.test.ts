import { describe, expect, it } from 'vitest'
import {
  compareBenchmarksConfig,
  compareMetricConfig,
  MAX_COMPARED_BENCHMARKS,
} from '../../../../src-renderer/src/charts/compareCharts'
import type { CompareView } from '../../../../src-shared/api/views'
import { sampleReadModels } from '../readModels'

const { compare } = await sampleReadModels()

describe('compare charts', () => {
  it('plots one figure across the generations', () => {
    expect(compareMetricConfig(compare, 'ttd').data.datasets[0].data).toEqual([9, 3])
    expect(compareMetricConfig(compare, 'inference').data.datasets[0].data).toEqual([
      compare.generations[0].inferenceTaxPct,
      compare.generations[1].inferenceTaxPct,
    ])
    expect(compareMetricConfig(compare, 'development').data.labels).toEqual(['Gen 1 (175B)', 'Gen 2 (175B, refreshed)'])
  })

  it('groups benchmarks with one dataset per generation, bounded', () => {
    const config = compareBenchmarksConfig(compare)
    expect(config.data.datasets.map((d) => d.label)).toEqual(['Gen 1 (175B)', 'Gen 2 (175B, refreshed)'])
    expect(config.data.labels).toEqual(compare.benchmarks.map((b) => b.key))
    const many: CompareView = {
      ...compare,
      benchmarks: Array.from({ length: 100 }, (_, i) => ({
        key: `b${i} · acc`,
        benchmark: `b${i}`,
        metric: 'acc',
        values: [i, -i],
      })),
    }
    expect(compareBenchmarksConfig(many).data.labels).toHaveLength(MAX_COMPARED_BENCHMARKS)
  })
})
