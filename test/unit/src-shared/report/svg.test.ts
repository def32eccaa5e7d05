import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COST_CATEGORIES, type CostCategory } from '../../../../src-shared/domain/types'
import {
  CHART_COLORS,
  COST_CATEGORY_COLORS,
  deploymentChart,
  developmentCostChart,
  escapeXml,
  niceTicks,
  regressionChart,
  shorten,
} from '../../../../src-shared/report/svg'

const costs = (values: Partial<Record<CostCategory, number>>) =>
  Object.fromEntries(COST_CATEGORIES.map((c) => [c, values[c] ?? 0])) as Record<CostCategory, number>

/** The <rect> elements of a chart with their attributes. */
function rects(svg: string): Record<string, string>[] {
  return [...svg.matchAll(/<rect ([^>]*)\/>/g)].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  )
}

function expectWellFormedChart(svg: string) {
  expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*>/)
  expect(svg).toMatch(/ width="\d+(\.\d)?" height="\d+(\.\d)?" viewBox="0 0 \d+(\.\d)? \d+(\.\d)?"/)
  expect(svg.endsWith('</svg>')).toBe(true)
  expect(svg).not.toMatch(/NaN|Infinity|undefined/)
  // Inline SVG in HTML needs no namespace: no URL of any kind.
  expect(svg).not.toMatch(/https?:|\/\//)
  // Balanced elements.
  for (const tag of ['svg', 'text', 'g', 'title']) {
    expect((svg.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length, tag).toBe(
      (svg.match(new RegExp(`</${tag}>`, 'g')) ?? []).length,
    )
  }
}

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;')
  })
  it('never lets markup through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeXml(s)).not.toMatch(/[<>"']/)
      }),
    )
  })
})

describe('niceTicks', () => {
  it.each([
    [9, [0, 2, 4, 6, 8, 10]],
    [1.3, [0, 0.5, 1, 1.5]],
    [1_230_000, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]],
  ])('ticks for %s', (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks)
  })
  it('covers the maximum with round steps and no float noise', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (max) => {
        const ticks = niceTicks(max)
        expect(ticks[0]).toBe(0)
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max)
        expect(ticks.length).toBeLessThanOrEqual(12)
        for (const t of ticks) expect(Number(t.toPrecision(4))).toBe(t)
      }),
    )
  })
  it('gives a usable axis for 0 or nonsense', () => {
    expect(niceTicks(0)).toEqual([0, 1])
    expect(niceTicks(NaN)).toEqual([0, 1])
  })
})

describe('shorten', () => {
  it('keeps short labels and cuts long ones with an ellipsis', () => {
    expect(shorten('Gen 1', 10)).toBe('Gen 1')
    expect(shorten('Generation one of many', 10)).toBe('Generatio…')
  })
})

describe('deploymentChart', () => {
  const bars = [
    { label: 'Gen 1', months: 9 },
    { label: 'Gen 2', months: 3 },
    { label: 'Gen 3', months: 1, forecast: { low: 0.33, high: 3 } },
  ]

  it('draws one bar per generation, the forecast lighter with its band, and the months on top', () => {
    const svg = deploymentChart(bars)
    expectWellFormedChart(svg)
    expect(svg).toContain('data-chart="deployment"')
    const bar = rects(svg)
    expect(bar.filter((r) => r.fill === CHART_COLORS.deployment)).toHaveLength(2)
    expect(bar.filter((r) => r.fill === CHART_COLORS.forecast)).toHaveLength(1)
    for (const text of ['9.0 months', '3.0 months', '1.0 months', 'forecast']) expect(svg).toContain(text)
    // Taller bar for the longer time.
    const [g1, g2] = bar.filter((r) => r.fill === CHART_COLORS.deployment).map((r) => Number(r.height))
    expect(g1 / g2).toBeCloseTo(3, 1)
  })

  it('labels a generation that is not deployed instead of drawing a bar', () => {
    const svg = deploymentChart([{ label: 'Gen 1', months: null }])
    expectWellFormedChart(svg)
    expect(svg).toContain('not deployed')
    expect(rects(svg).filter((r) => r.fill === CHART_COLORS.deployment)).toHaveLength(0)
  })

  it('escapes labels and shortens long ones, keeping the whole label as a tooltip', () => {
    const label = '<script>alert(1)</script> & a very long generation name indeed'
    const svg = deploymentChart([
      { label, months: 2 },
      { label: 'b', months: 1 },
      { label: 'c', months: 1 },
      { label: 'd', months: 1 },
      { label: 'e', months: 1 },
      { label: 'f', months: 1 },
    ])
    expectWellFormedChart(svg)
    expect(svg).not.toContain('<script')
    expect(svg).toContain(`<title>${escapeXml(label)}</title>`)
  })

  it('says so when there is nothing to chart', () => {
    const svg = deploymentChart([])
    expectWellFormedChart(svg)
    expect(svg).toContain('No generations')
  })
})

describe('regressionChart', () => {
  const bars = [
    { label: 'squad · f1', pct: 3.93, significant: true },
    { label: 'drop · f1', pct: 2.49, significant: false },
    { label: 'truthfulqa_mc · mc2', pct: -10.31, significant: true },
  ]

  it('draws gains in another colour, on the other side of zero, and pales what is not significant', () => {
    const svg = regressionChart(bars)
    expectWellFormedChart(svg)
    const groups = [...svg.matchAll(/<g data-kind="(gain|regression)">(.*?)<\/g>/g)]
    expect(groups.map((g) => g[1])).toEqual(['regression', 'regression', 'gain'])
    const bar = groups.map((g) => rects(g[2])[0])
    expect(bar[0].fill).toBe(CHART_COLORS.regression)
    expect(bar[2].fill).toBe(CHART_COLORS.gain)
    expect(CHART_COLORS.gain).not.toBe(CHART_COLORS.regression)
    expect(bar[0]['fill-opacity']).toBeUndefined()
    expect(bar[1]['fill-opacity']).toBe('0.35')
    // The gain ends where the regressions start: at zero.
    const zero = Number(bar[0].x)
    expect(Number(bar[2].x) + Number(bar[2].width)).toBeCloseTo(zero, 0)
    expect(Number(bar[2].x)).toBeLessThan(zero)
    // Lengths proportional to the percentages.
    expect(Number(bar[2].width) / Number(bar[0].width)).toBeCloseTo(10.31 / 3.93, 1)
    for (const text of ['3.93%', '2.49%', '-10.31%', 'gain', 'regression (tax)']) expect(svg).toContain(text)
  })

  it('grows with the number of rows and handles all-zero changes', () => {
    const one = regressionChart([{ label: 'a', pct: 0, significant: null }])
    const three = regressionChart(bars)
    expectWellFormedChart(one)
    const height = (svg: string) => Number(/ height="([\d.]+)"/.exec(svg)![1])
    expect(height(three)).toBeGreaterThan(height(one))
  })
})

describe('developmentCostChart', () => {
  it('stacks the categories of each generation up to its total', () => {
    const svg = developmentCostChart([
      {
        label: 'Gen 1',
        byCategory: costs({
          compute: 86_500,
          'human-feedback': 350_000,
          'researcher-time': 540_000,
          infrastructure: 250_000,
        }),
      },
      { label: 'Gen 2', byCategory: costs({ compute: 12_000, 'human-feedback': 90_000, 'researcher-time': 180_000 }) },
    ])
    expectWellFormedChart(svg)
    expect(svg).toContain('$1.23M')
    expect(svg).toContain('$282,000')
    const segments = [...svg.matchAll(/<g data-category="([\w-]+)">(<rect [^>]*\/>)/g)]
    expect(segments).toHaveLength(7)
    for (const [, category, rect] of segments)
      expect(rect).toContain(`fill="${COST_CATEGORY_COLORS[category as CostCategory]}"`)
    // Gen 1's segments add up to a bar 1,226,500 / 282,000 times taller than Gen 2's.
    const heights = segments.map(([, , rect]) => Number(/height="([\d.]+)"/.exec(rect)![1]))
    const gen1 = heights.slice(0, 4).reduce((a, b) => a + b, 0)
    const gen2 = heights.slice(4).reduce((a, b) => a + b, 0)
    expect(gen1 / gen2).toBeCloseTo(1_226_500 / 282_000, 1)
  })

  it('draws an empty ledger without dividing by zero', () => {
    const svg = developmentCostChart([{ label: 'Gen 1', byCategory: costs({}) }])
    expectWellFormedChart(svg)
    expect(svg).toContain('$0')
  })
})
