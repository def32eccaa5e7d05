import { describe, expect, it } from 'vitest'
import { generationGanttConfig, timelinePhasesConfig } from '../../../../src-renderer/src/charts/ganttChart'
import { dayOf, isoOfDay, monthTick } from '../../../../src-renderer/src/charts/dates'
import { sampleReadModels } from '../readModels'

const { gen1, timeline } = await sampleReadModels()

describe('dates on a linear axis', () => {
  it('turns ISO dates into day numbers and back', () => {
    expect(dayOf('1970-01-02')).toBe(1)
    expect(isoOfDay(dayOf('2021-10-15'))).toBe('2021-10-15')
    expect(monthTick(dayOf('2021-04-30'))).toBe('2021-04')
  })
})

describe('generationGanttConfig', () => {
  it('has a row for pretrained → deployed, then one floating bar per phase', () => {
    const config = generationGanttConfig(gen1)
    expect(config.options!.indexAxis).toBe('y')
    expect(config.data.labels).toEqual(['Pretrained → deployed', ...gen1.phases.map((p) => p.name)])
    const data = config.data.datasets[0].data as unknown as [number, number][]
    expect(data[0]).toEqual([dayOf('2021-01-15'), dayOf('2021-10-15')])
    expect(data[1]).toEqual([dayOf('2021-01-15'), dayOf('2021-04-30')])
  })

  it('spans the axis over the dates, not from 1970', () => {
    const x = generationGanttConfig(gen1).options!.scales!.x as { min: number; max: number }
    expect(x.min).toBeGreaterThan(dayOf('2020-12-01'))
    expect(x.min).toBeLessThanOrEqual(dayOf('2021-01-15'))
    expect(x.max).toBeGreaterThanOrEqual(dayOf('2021-10-15'))
    expect(x.max).toBeLessThan(dayOf('2021-12-01'))
  })
})

describe('timelinePhasesConfig', () => {
  it('puts every generation on one time axis, one dataset per phase name', () => {
    const config = timelinePhasesConfig(timeline)
    expect(config.data.labels).toEqual(['Gen 1 (175B)', 'Gen 2 (175B, refreshed)'])
    const names = config.data.datasets.map((d) => d.label)
    expect(names[0]).toBe('Pretrained → deployed')
    expect(names).toEqual(expect.arrayContaining(['Data collection', 'SFT', 'Reward model', 'RL (PPO-ptx)', 'Review']))
    const sft = config.data.datasets.find((d) => d.label === 'SFT')!.data as unknown as ([number, number] | null)[]
    expect(sft[0]).toEqual([dayOf('2021-04-15'), dayOf('2021-05-31')])
    expect(sft[1]).toEqual([dayOf('2022-02-01'), dayOf('2022-02-20')])
    const dataCollection = config.data.datasets.find((d) => d.label === 'Data collection')!.data
    expect(dataCollection[1]).toBeNull() // Gen 2 reused the data
  })
})
