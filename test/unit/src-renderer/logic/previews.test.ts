import { describe, expect, it } from 'vitest'
import { previewCurve, previewPolicy, previewRegression } from '../../../../src-renderer/src/logic/previews'

describe('live previews from the tax engine', () => {
  it('computes best-of-4 on 10% of tasks as 30%, explaining the 40% mistake', () => {
    const preview = previewPolicy([{ fraction: '0.1', multiplier: '4' }], '0')
    expect(preview.ok).toBe(true)
    if (!preview.ok) return
    expect(preview.taxPct).toBeCloseTo(30, 10)
    expect(preview.multiplier).toBeCloseTo(1.3, 10)
    expect(preview.explanation).toContain('0.9 × 1 + 0.1 × 4 = 1.3')
    expect(preview.explanation).toContain('Not 4 × 10% = 40%')
  })

  it('says why a policy cannot be computed yet', () => {
    expect(previewPolicy([{ fraction: '', multiplier: '4' }], '0')).toEqual({
      ok: false,
      reason: 'fill in every row to see the tax',
    })
    const tooMuch = previewPolicy(
      [
        { fraction: '0.7', multiplier: '2' },
        { fraction: '0.6', multiplier: '2' },
      ],
      '0',
    )
    expect(tooMuch.ok).toBe(false)
    if (!tooMuch.ok) expect(tooMuch.reason).toMatch(/sum to at most 1/)
    expect(previewPolicy([], '0').ok).toBe(false)
  })

  it('previews a regression and a gain', () => {
    const tax = previewRegression({
      baseline: '0.7',
      aligned: '0.65',
      baselineStderr: '0.01',
      alignedStderr: '0.01',
      direction: 'higher',
    })
    expect(tax).toMatchObject({ ok: true, isGain: false, significant: true })
    if (tax.ok) expect(tax.regressionPct).toBeCloseTo(7.142857, 5)
    const gain = previewRegression({
      baseline: '0.4',
      aligned: '0.46',
      baselineStderr: '',
      alignedStderr: '',
      direction: 'higher',
    })
    expect(gain).toMatchObject({ ok: true, isGain: true, significant: null })
    const lower = previewRegression({
      baseline: '10',
      aligned: '12',
      baselineStderr: '',
      alignedStderr: '',
      direction: 'lower',
    })
    if (lower.ok) expect(lower.regressionPct).toBeCloseTo(20, 10)
    expect(
      previewRegression({ baseline: '', aligned: '1', baselineStderr: '', alignedStderr: '', direction: 'higher' }).ok,
    ).toBe(false)
  })

  it('previews a curve, reached or not', () => {
    const points = [
      { multiplier: '1', score: '0.684' },
      { multiplier: '2', score: '0.701' },
      { multiplier: '4', score: '0.716' },
    ]
    const reached = previewCurve(points, '0.712', 'higher')
    expect(reached).toMatchObject({ ok: true, reached: true })
    if (reached.ok) expect(reached.taxPct!).toBeGreaterThan(100)
    const never = previewCurve(points, '0.9', 'higher')
    expect(never).toMatchObject({ ok: true, reached: false, taxPct: null })
    expect(previewCurve([{ multiplier: '0.5', score: '1' }], '1', 'higher').ok).toBe(false)
  })
})
