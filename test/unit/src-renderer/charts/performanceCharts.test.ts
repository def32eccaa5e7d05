import { describe, expect, it } from 'vitest'
import { MAX_REGRESSION_BARS, regressionChartConfig } from '../../../../src-renderer/src/charts/regressionChart'
import { curveChartConfig } from '../../../../src-renderer/src/charts/curveChart'
import { costChartConfig } from '../../../../src-renderer/src/charts/costChart'
import { moneyChartConfig } from '../../../../src-renderer/src/charts/moneyChart'
import { LIGHT } from '../../../../src-renderer/src/charts/palette'
import type { RegressionRow } from '../../../../src-shared/api/views'
import { sampleReadModels } from '../readModels'

const { gen1, gen2 } = await sampleReadModels()

describe('regressionChartConfig', () => {
  it('sorts by the size of the change and colours gains apart from taxes', () => {
    const config = regressionChartConfig(gen1.largestChanges, LIGHT)
    expect(config.data.labels![0]).toBe('truthfulqa_mc · mc2')
    const values = config.data.datasets[0].data as number[]
    expect(values[0]).toBeLessThan(0)
    const colours = config.data.datasets[0].backgroundColor as string[]
    expect(colours[0]).toBe(LIGHT.gain)
    expect(colours.slice(1).every((c) => c === LIGHT.tax)).toBe(true)
  })

  it('is bounded, and leaves out unpaired measurements', () => {
    const row = gen1.largestChanges[0]
    const many: RegressionRow[] = Array.from({ length: 500 }, (_, i) => ({ ...row, regressionPct: i - 250 }))
    many.push({ ...row, regressionPct: null })
    const config = regressionChartConfig(many)
    expect(config.data.datasets[0].data).toHaveLength(MAX_REGRESSION_BARS)
    expect((config.data.datasets[0].data as number[])[0]).toBe(-250)
  })
})

describe('curveChartConfig', () => {
  const curve = gen1.curves[0]
  const config = curveChartConfig(curve, LIGHT)

  it('plots score against log compute, with the baseline line and the interpolated point', () => {
    expect((config.options!.scales!.x as { type: string }).type).toBe('logarithmic')
    const [measured, envelope, baseline, interpolated] = config.data.datasets
    expect(measured.data).toHaveLength(4)
    expect(envelope.data).toHaveLength(curve.envelope.length)
    expect(baseline.label).toContain('0.712')
    expect((baseline.data as { y: number }[]).every((p) => p.y === 0.712)).toBe(true)
    expect(interpolated.data).toEqual([{ x: curve.interpolated!.multiplier, y: 0.712 }])
  })

  it('labels the powers of two on the compute axis', () => {
    const callback = (config.options!.scales!.x as { ticks: { callback: (v: number) => string } }).ticks.callback
    expect(callback(4)).toBe('4×')
    expect(callback(3)).toBe('')
  })

  it('has no interpolated point when the baseline is never reached', () => {
    const notReached = { ...curve, interpolated: null, reached: false, taxPct: null, multiplier: null }
    expect(curveChartConfig(notReached).data.datasets).toHaveLength(3)
  })
})

describe('costChartConfig', () => {
  it('stacks fixed and scaling costs by category', () => {
    const config = costChartConfig(gen2.costs)
    expect(config.data.labels).toEqual(['Fixed', 'Scales with the model'])
    expect((config.options!.scales!.x as { stacked: boolean }).stacked).toBe(true)
    const compute = config.data.datasets.find((d) => d.label === 'Compute')!
    expect(compute.data).toEqual([0, 12_000])
    const labelers = config.data.datasets.find((d) => d.label === 'Human feedback')!
    expect(labelers.data).toEqual([90_000, 0])
    expect(config.data.datasets.find((d) => d.label === 'Infrastructure')).toBeUndefined()
  })
})

describe('moneyChartConfig', () => {
  it('stacks the three taxes in money, leaving out the unknown ones', () => {
    const money = gen2.summary.money!
    const config = moneyChartConfig(money)
    expect(config.data.datasets.map((d) => d.data[0])).toEqual([
      money.performanceUsd,
      money.deploymentUsd,
      money.developmentUsd,
    ])
    const partial = moneyChartConfig({ ...money, performanceUsd: null })
    expect(partial.data.datasets.map((d) => d.label)).toEqual(['Time-to-deployment tax', 'Development tax'])
  })
})
