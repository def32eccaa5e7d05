import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  calendarMonths,
  deploymentShrink,
  forecastNextDeployment,
  timeToDeploymentMonths,
  type DeploymentGenerationInput,
} from '../../../../src-shared/tax/deployment'
import { TaxInputError } from '../../../../src-shared/tax/errors'

function caught(run: () => unknown): TaxInputError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TaxInputError)
    return error as TaxInputError
  }
  throw new Error('expected a TaxInputError')
}

describe('calendarMonths', () => {
  it('2021-01-15 → 2021-10-15 is exactly 9.0', () => {
    expect(calendarMonths('2021-01-15', '2021-10-15')).toBe(9)
  })

  it('counts partial months as days / days in that month', () => {
    expect(calendarMonths('2021-01-15', '2021-02-01')).toBeCloseTo(17 / 31, 12)
    expect(calendarMonths('2021-02-10', '2021-02-24')).toBeCloseTo(14 / 28, 12)
    // 15 days into the month from Oct 15 to Nov 15, which has October's 31 days.
    expect(calendarMonths('2021-01-15', '2021-10-30')).toBeCloseTo(9 + 15 / 31, 12)
  })

  it('the same day is 0 and a year is 12, across year ends too', () => {
    expect(calendarMonths('2021-05-05', '2021-05-05')).toBe(0)
    expect(calendarMonths('2020-12-15', '2021-12-15')).toBe(12)
    expect(calendarMonths('2020-12-15', '2021-01-15')).toBe(1)
  })

  it('clamps the end of month: Jan 31 → Feb 28 is one month', () => {
    expect(calendarMonths('2021-01-31', '2021-02-28')).toBe(1)
    expect(calendarMonths('2024-01-31', '2024-02-29')).toBe(1)
    expect(calendarMonths('2024-01-31', '2024-02-28')).toBeCloseTo(28 / 29, 12)
    // One whole month to Feb 28, then 1 day of the 31 from Feb 28 to Mar 31.
    expect(calendarMonths('2021-01-31', '2021-03-01')).toBeCloseTo(1 + 1 / 31, 12)
    expect(calendarMonths('2021-01-31', '2021-03-31')).toBe(2)
  })

  it('reads years below 100 literally', () => {
    expect(calendarMonths('0099-01-01', '0100-01-01')).toBe(12)
  })

  it.each([
    ['2021-13-01', '2021-12-01', 'from'],
    ['2021-02-30', '2021-03-01', 'from'],
    ['2021-1-5', '2021-03-01', 'from'],
    ['2021-01-05', 'yesterday', 'to'],
    ['2021-01-05', '2021-01-05T00:00:00Z', 'to'],
    ['2023-02-29', '2023-03-01', 'from'],
  ])('rejects %s → %s naming %s', (from, to, path) => {
    const error = caught(() => calendarMonths(from, to))
    expect(error.path).toBe(path)
    expect(error.message).toContain(JSON.stringify(path === 'from' ? from : to))
  })

  it('rejects an end before the start, naming both dates', () => {
    const error = caught(() => calendarMonths('2021-03-01', '2021-02-01'))
    expect(error.path).toBe('to')
    expect(error.value).toBe('2021-02-01')
    expect(error.message).toContain('2021-02-01')
    expect(error.message).toContain('2021-03-01')
  })

  it('rejects a non-string date', () => {
    expect(caught(() => calendarMonths(20210101 as unknown as string, '2021-02-01')).message).toMatch(
      /from.*got 20210101/,
    )
  })
})

describe('timeToDeploymentMonths', () => {
  it('is the calendar months from pretrained to deployed', () => {
    expect(timeToDeploymentMonths('2021-01-15', '2021-10-15')).toBe(9)
  })

  it('is null while not deployed, yet still checks the start date', () => {
    expect(timeToDeploymentMonths('2021-01-15', null)).toBeNull()
    expect(caught(() => timeToDeploymentMonths('2021-1-15', null)).path).toBe('pretrainedOn')
  })

  it('names its own fields in errors', () => {
    const error = caught(() => timeToDeploymentMonths('2021-05-01', '2021-04-01'))
    expect(error.path).toBe('deployedOn')
    expect(error.message).toMatch(/deployedOn must not be before pretrainedOn/)
  })
})

describe('deploymentShrink', () => {
  it('9 → 3 months is 3× faster, −67%', () => {
    const shrink = deploymentShrink(9, 3)
    expect(shrink.ratio).toBe(3)
    expect(shrink.pctChange).toBeCloseTo(-66.67, 2)
    expect(shrink.explanation).toContain('3× faster')
    expect(shrink.explanation).toContain('-66.7%')
  })

  it('3 → 6 months is 2× slower, +100%', () => {
    const shrink = deploymentShrink(3, 6)
    expect(shrink.ratio).toBe(0.5)
    expect(shrink.pctChange).toBe(100)
    expect(shrink.explanation).toContain('2× slower')
    expect(shrink.explanation).toContain('+100%')
  })

  it.each([
    [0, 3, 'prevMonths'],
    [9, 0, 'nextMonths'],
    [9, -1, 'nextMonths'],
    [NaN, 3, 'prevMonths'],
  ])('rejects %s → %s', (prev, next, path) => {
    const error = caught(() => deploymentShrink(prev, next))
    expect(error.path).toBe(path)
    expect(error.message).toContain(`got ${String(path === 'prevMonths' ? prev : next)}`)
  })

  it('ratio × next = prev and pctChange = (1/ratio − 1) · 100', () => {
    const months = fc.double({ min: 0.01, max: 120, noNaN: true })
    fc.assert(
      fc.property(months, months, (prev, next) => {
        const shrink = deploymentShrink(prev, next)
        expect(Math.abs(shrink.ratio * next - prev)).toBeLessThanOrEqual(1e-12 * prev)
        expect(shrink.pctChange).toBeCloseTo((1 / shrink.ratio - 1) * 100, 6)
      }),
    )
  })
})

const gen = (ordinal: number, ttdMonths: number | null, techniqueChange = false): DeploymentGenerationInput => ({
  ordinal,
  ttdMonths,
  techniqueChange,
})

describe('forecastNextDeployment', () => {
  it('needs at least two deployed generations', () => {
    expect(forecastNextDeployment([])).toBeNull()
    expect(forecastNextDeployment([gen(1, 9)])).toBeNull()
    expect(forecastNextDeployment([gen(1, 9), gen(2, null)])).toBeNull()
  })

  it('continues the log-linear trend: 9 → 3 forecasts 1, with ± the last step as band', () => {
    const forecast = forecastNextDeployment([gen(1, 9), gen(2, 3), gen(3, null)])
    expect(forecast).not.toBeNull()
    expect(forecast?.months).toBeCloseTo(1, 12)
    expect(forecast?.low).toBeCloseTo(1 / 3, 12)
    expect(forecast?.high).toBeCloseTo(3, 12)
    expect(forecast?.basedOn).toEqual([1, 2])
    expect(forecast?.forOrdinal).toBe(3)
    expect(forecast?.explanation).toContain('shrinks 3× per generation')
  })

  it('a technique change restarts the trend', () => {
    const gens = [gen(1, 9), gen(2, 3), gen(3, 8, true), gen(4, null)]
    expect(forecastNextDeployment(gens)).toBeNull()
    const later = forecastNextDeployment([gen(1, 9), gen(2, 3), gen(3, 8, true), gen(4, 4)])
    expect(later?.basedOn).toEqual([3, 4])
    expect(later?.forOrdinal).toBe(5)
    expect(later?.months).toBeCloseTo(2, 12)
    expect(later?.low).toBeCloseTo(1, 12)
    expect(later?.high).toBeCloseTo(4, 12)
    expect(later?.explanation).toContain('technique change at generation 3')
  })

  it('a technique change on a not-yet-deployed generation leaves nothing to fit', () => {
    expect(forecastNextDeployment([gen(1, 9), gen(2, 3), gen(3, null, true)])).toBeNull()
  })

  it('skips undeployed generations and accepts any order', () => {
    const forecast = forecastNextDeployment([gen(3, 3), gen(2, null), gen(1, 9)])
    expect(forecast?.basedOn).toEqual([1, 3])
    expect(forecast?.forOrdinal).toBe(4)
    // log-linear from (1, 9) to (3, 3): factor √3 per generation, so 3 / √3 at ordinal 4.
    expect(forecast?.months).toBeCloseTo(3 / Math.sqrt(3), 12)
  })

  it('never gives a zero-width band: two equal durations get ±10%', () => {
    const forecast = forecastNextDeployment([gen(1, 3), gen(2, 3)])
    expect(forecast?.months).toBeCloseTo(3, 12)
    expect(forecast?.low).toBeCloseTo(3 / 1.1, 12)
    expect(forecast?.high).toBeCloseTo(3.3, 12)
  })

  it('with three or more points the band is one standard error of prediction', () => {
    // log months 2, 1.5, 1.2 at ordinals 1–3: slope −0.4, residuals (1/30, −1/15, 1/30),
    // s = √(1/150), prediction at 4: 23/30 ± s·√(1 + 1/3 + 4/2).
    const forecast = forecastNextDeployment([gen(1, Math.exp(2)), gen(2, Math.exp(1.5)), gen(3, Math.exp(1.2))])
    expect(forecast?.months).toBeCloseTo(2.152579, 6)
    expect(forecast?.low).toBeCloseTo(1.8544636, 6)
    expect(forecast?.high).toBeCloseTo(2.4986182, 6)
    expect(forecast?.basedOn).toEqual([1, 2, 3])
  })

  it('an exact geometric trend still gets the ±10% minimum band', () => {
    const forecast = forecastNextDeployment([gen(1, 8), gen(2, 4), gen(3, 2)])
    expect(forecast?.months).toBeCloseTo(1, 12)
    expect(forecast?.low).toBeCloseTo(1 / 1.1, 12)
    expect(forecast?.high).toBeCloseTo(1.1, 12)
  })

  it.each<[string, DeploymentGenerationInput[], string, RegExp]>([
    ['a repeated ordinal', [gen(1, 9), gen(1, 3)], 'gens[1].ordinal', /unique, got 1 twice/],
    ['a fractional ordinal', [gen(1.5, 9), gen(2, 3)], 'gens[0].ordinal', /whole number, got 1\.5/],
    ['a zero duration', [gen(1, 9), gen(2, 0)], 'gens[1].ttdMonths', /greater than 0, got 0/],
    ['a NaN duration', [gen(1, NaN), gen(2, 3)], 'gens[0].ttdMonths', /got NaN/],
    [
      'a non-boolean techniqueChange',
      [gen(1, 9), { ordinal: 2, ttdMonths: 3, techniqueChange: 1 as unknown as boolean }],
      'gens[1].techniqueChange',
      /got 1/,
    ],
  ])('rejects %s', (_name, gens, path, message) => {
    const error = caught(() => forecastNextDeployment(gens))
    expect(error.path).toBe(path)
    expect(error.message).toMatch(message)
  })

  it('the band always contains the forecast and has width', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 60, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (durations) => {
          const forecast = forecastNextDeployment(durations.map((months, i) => gen(i + 1, months)))
          expect(forecast).not.toBeNull()
          const { months, low, high } = forecast as NonNullable<typeof forecast>
          expect(low).toBeLessThan(months)
          expect(high).toBeGreaterThan(months)
          expect(high / months).toBeGreaterThanOrEqual(1.1 * (1 - 1e-9))
        },
      ),
    )
  })
})

/** A date string from year, month and day-of-month (1–28, so every month has it). */
const isoDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
const monthsLater = (year: number, month: number, months: number): [number, number] => {
  const index = year * 12 + (month - 1) + months
  return [Math.floor(index / 12), (index % 12) + 1]
}
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

describe('calendarMonths properties', () => {
  const start = fc.record({
    year: fc.integer({ min: 1950, max: 2100 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  })

  it('n months later on the same day is exactly n', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 240 }), ({ year, month, day }, n) => {
        const [y, m] = monthsLater(year, month, n)
        expect(calendarMonths(isoDate(year, month, day), isoDate(y, m, day))).toBe(n)
      }),
    )
  })

  it('is additive across a midpoint on the same day-of-month', () => {
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 2000 }),
        ({ year, month, day }, n, extraDays) => {
          const from = isoDate(year, month, day)
          const [y, m] = monthsLater(year, month, n)
          const mid = isoDate(y, m, day)
          const to = addDays(mid, extraDays)
          expect(
            Math.abs(calendarMonths(from, to) - (calendarMonths(from, mid) + calendarMonths(mid, to))),
          ).toBeLessThanOrEqual(1e-9)
        },
      ),
    )
  })

  it('never decreases as the end date moves later, for any start day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 60 }),
        (startMs, days, moreDays) => {
          const from = new Date(startMs).toISOString().slice(0, 10)
          const earlier = addDays(from, days)
          const later = addDays(earlier, moreDays)
          const a = calendarMonths(from, earlier)
          const b = calendarMonths(from, later)
          expect(b).toBeGreaterThanOrEqual(a)
          // Within a factor of the day count: a month is 28–31 days.
          expect(a).toBeGreaterThanOrEqual(days / 31 - 1e-9)
          expect(a).toBeLessThanOrEqual(days / 28 + 1e-9)
        },
      ),
    )
  })
})
