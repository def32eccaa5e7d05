import { describe, expect, it } from 'vitest'
import { MAX_TIMELINE_BARS, timelineBars, timelineChartConfig } from '../../../../src-renderer/src/charts/timelineChart'
import { DARK, LIGHT } from '../../../../src-renderer/src/charts/palette'
import type { TimelineView } from '../../../../src-shared/api/views'
import { sampleReadModels } from '../readModels'

const { timeline } = await sampleReadModels()

describe('timelineChartConfig', () => {
  it('draws one bar per generation, the technique change in its own dataset, and the forecast band', () => {
    const config = timelineChartConfig(timeline, LIGHT)
    const [normal, change, band, point] = config.data.datasets
    expect(config.data.labels).toHaveLength(3) // two generations and the forecast
    expect(normal.data).toEqual([null, 3, null])
    expect(change.data).toEqual([9, null, null])
    expect(change.label).toMatch(/Technique change/)
    const forecast = timeline.projects[0].forecast!
    expect(band.data).toEqual([null, null, [forecast.low, forecast.high]])
    expect(point.data).toEqual([null, null, forecast.months])
  })

  it('writes the shrink under the label of the generation that shrank', () => {
    const labels = timelineChartConfig(timeline).data.labels as string[][]
    expect(labels[0]).toEqual(['Gen 1 (175B)', 'technique change'])
    expect(labels[1]).toEqual(['Gen 2 (175B, refreshed)', '3× faster (-66.7%)'])
    expect(labels[2][0]).toBe('Next generation')
  })

  it('follows the theme', () => {
    const light = timelineChartConfig(timeline, LIGHT)
    const dark = timelineChartConfig(timeline, DARK)
    expect(light.data.datasets[0].backgroundColor).toBe(LIGHT.accent)
    expect(dark.data.datasets[0].backgroundColor).toBe(DARK.accent)
    expect((dark.options!.scales!.y as { ticks: { color: string } }).ticks.color).toBe(DARK.muted)
  })

  it('keeps at most MAX_TIMELINE_BARS bars, the latest ones', () => {
    const template = timeline.projects[0]
    const generations = Array.from({ length: 300 }, (_, i) => ({
      ...template.generations[1],
      generation: { ...template.generations[1].generation, id: i + 1, name: `G${i + 1}` },
    }))
    const many: TimelineView = { warnings: [], projects: [{ ...template, generations, forecast: null }] }
    const bars = timelineBars(many)
    expect(bars).toHaveLength(MAX_TIMELINE_BARS)
    expect(bars.at(-1)!.label[0]).toBe('G300')
  })

  it('prefixes the project name when several projects are shown', () => {
    const two: TimelineView = {
      warnings: [],
      projects: [
        timeline.projects[0],
        { ...timeline.projects[0], project: { ...timeline.projects[0].project, name: 'Other' } },
      ],
    }
    expect(timelineBars(two)[0].label[0]).toBe('RLHF pipeline (sample) · Gen 1 (175B)')
  })
})
