import { describe, expect, it } from 'vitest'
import { regressionText, regressionTone, shrinkText, signedText } from '../../../../src-renderer/src/logic/display'

describe('display wording', () => {
  it('shows gains as negative taxes, marked', () => {
    expect(regressionText(7.1428)).toBe('+7.14%')
    expect(regressionText(-15)).toBe('-15% (gain)')
    expect(regressionText(0)).toBe('0%')
    expect(regressionText(null)).toBe('—')
    expect(regressionTone(-1)).toBe('good')
    expect(regressionTone(1)).toBe('bad')
  })

  it('words a shrink as a ratio and a change', () => {
    expect(shrinkText({ ratio: 3, pctChange: -66.667 })).toBe('3× faster (-66.7%)')
    expect(shrinkText({ ratio: 0.5, pctChange: 100 })).toBe('2× slower (+100%)')
    expect(shrinkText(null)).toBe('—')
  })

  it('signs differences', () => {
    expect(signedText(-6, 'months')).toBe('−6.0 months')
    expect(signedText(12000, 'usd')).toBe('+$12,000')
    // A change of a percentage is in percentage points, as in the reports (one catalog).
    expect(signedText(-25, 'pct')).toBe('−25 pp')
    expect(signedText(0.31, 'points')).toBe('+0.31 pts')
    expect(signedText(0, 'number')).toBe('±0')
  })
})
