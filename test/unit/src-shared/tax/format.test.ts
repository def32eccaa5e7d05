import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TaxInputError } from '../../../../src-shared/tax/errors'
import { formatMonths, formatNumber, formatPct, formatUsd } from '../../../../src-shared/tax/format'

describe('formatNumber', () => {
  it.each([
    [0.1 + 0.2, '0.3'],
    [64.9, '64.9'],
    [2, '2'],
    [1.3, '1.3'],
    [1 / 3, '0.333'],
    [2 / 3, '0.667'],
    [-0.25, '-0.25'],
    [-0, '0'],
    [3640, '3640'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
  ])('formats %s as %s', (x, text) => {
    expect(formatNumber(x)).toBe(text)
  })

  it('honours maxDecimals', () => {
    expect(formatNumber(1 / 3, 5)).toBe('0.33333')
    expect(formatNumber(2.5, 0)).toBe('3')
  })

  it('keeps a tiny non-zero value visible instead of showing 0', () => {
    expect(formatNumber(0.0001234)).not.toBe('0')
    expect(Number(formatNumber(0.0001234))).toBeCloseTo(0.000123, 6)
  })

  it('rejects an invalid maxDecimals', () => {
    expect(() => formatNumber(1, -1)).toThrow(TaxInputError)
    expect(() => formatNumber(1, 1.5)).toThrow(/maxDecimals.*1\.5/)
  })

  it('reads back within half a unit of the last decimal, with no more decimals than asked', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, decimals) => {
        const text = formatNumber(x, decimals)
        expect(Math.abs(Number(text) - x)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9 * Math.abs(x))
        if (Math.abs(x) >= 10 ** -decimals) expect(text.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(decimals)
      }),
    )
  })
})

describe('formatPct', () => {
  it('trims float noise and trailing zeros', () => {
    expect(formatPct((1.3 - 1) * 100)).toBe('30%')
    expect(formatPct(-66.66666)).toBe('-66.7%')
    expect(formatPct(6.25, 2)).toBe('6.25%')
  })
})

describe('formatUsd', () => {
  it.each([
    [1_200_000, '$1.2M'],
    [12_500, '$12,500'],
    [1_234_567, '$1.23M'],
    [12_500_000, '$12.5M'],
    [999_960_000, '$1B'],
    [2_500_000_000, '$2.5B'],
    [999_999.6, '$1M'],
    [950_000, '$950,000'],
    [12.5, '$12.50'],
    [12, '$12'],
    [0, '$0'],
    [-5, '-$5'],
    [-1_500_000, '-$1.5M'],
  ])('formats %s as %s', (x, text) => {
    expect(formatUsd(x)).toBe(text)
  })
})

describe('formatMonths', () => {
  it('always shows one decimal', () => {
    expect(formatMonths(9)).toBe('9.0 months')
    expect(formatMonths(2.96)).toBe('3.0 months')
    expect(formatMonths(0.25)).toBe('0.3 months')
  })
})
