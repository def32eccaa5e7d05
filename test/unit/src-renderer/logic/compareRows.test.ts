import { describe, expect, it } from 'vitest'
import { benchmarkCompareRows, compareRows, onlyDifferences } from '../../../../src-renderer/src/logic/compareRows'
import { sampleReadModels } from '../readModels'

const { compare } = await sampleReadModels()
const rows = compareRows(compare)
const row = (key: string) => rows.find((r) => r.key === key)!

describe('compareRows', () => {
  it('lays out every tax with the change from the first generation', () => {
    expect(row('ttd').cells.map((c) => c.text)).toEqual(['9.0 months', '3.0 months'])
    expect(row('ttd').cells[1]).toMatchObject({ delta: '−6.0 months', tone: 'good' })
    expect(row('ttd').cells[0].delta).toBeNull()
    expect(row('inferenceTaxPct').cells.map((c) => c.text)).toEqual(['30%', '5%'])
    expect(row('inferenceTaxPct').cells[1].delta).toBe('−25 pp')
    expect(row('devTotal').cells[1].delta).toBe('−$944,500')
    expect(row('shrink').cells.map((c) => c.text)).toEqual(['—', '3× faster (-66.7%)'])
  })

  it('marks a larger tax as bad and a larger non-tax figure as neutral', () => {
    expect(row('devScaling').cells[1]).toMatchObject({ delta: '+$12,000', tone: 'bad' })
    expect(row('pretrainComputePfd').cells[1]).toMatchObject({ delta: '+260', tone: 'neutral' })
  })

  it('keeps only the rows that differ when asked', () => {
    expect(row('paramsB').differs).toBe(false)
    expect(row('ttd').differs).toBe(true)
    const differing = onlyDifferences(rows, true)
    expect(differing.some((r) => r.key === 'paramsB')).toBe(false)
    expect(differing.some((r) => r.key === 'ttd')).toBe(true)
    expect(onlyDifferences(rows, false)).toHaveLength(rows.length)
  })

  it('compares benchmarks, gains in their own tone', () => {
    const benchmarks = benchmarkCompareRows(compare)
    const truthful = benchmarks.find((b) => b.key === 'truthfulqa_mc · mc2')!
    expect(truthful.cells[0].text).toMatch(/\(gain\)$/)
    expect(truthful.cells[0].tone).toBe('good')
    const drop = benchmarks.find((b) => b.key === 'drop · f1')!
    expect(drop.cells[1]).toMatchObject({ text: '—', delta: null })
    expect(drop.differs).toBe(true)
  })
})
