/**
 * Reports end to end on a real SQLite file with the sample workspace: the HTML opened
 * in Chromium with the network cut off, printed to PDF by Chromium's print
 * engine and read back with PDF.js (pdfjs-dist); the Markdown and CSV checked against the
 * database. Expected figures are read from the database and the summaries services,
 * never copied from the exporters' own output.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generationCreate, projectCreate } from '../../src-shared/api/schemas'
import { escapeXml } from '../../src-shared/report/svg'
import {
  benchmarkRegression,
  formatMonths,
  formatNumber,
  formatPct,
  formatRegression,
  formatUsd,
  headlineSet,
  parseGroupPath,
  parseHeadlineChoices,
} from '../../src-shared/tax'
import { appVersion } from '../../src-main/app'
import { exportReport } from '../../src-main/exporters'
import { htmlToPdfWithPage } from '../../src-main/exporters/pdf'
import { createGeneration } from '../../src-main/services/generations'
import { createProject } from '../../src-main/services/projects'
import { loadSample, SAMPLE_PROJECT_NAME } from '../../src-main/services/sample'
import { generationDetail, measurementsPage, projectSummary } from '../../src-main/services/readModels'
import { launchBrowser } from '../e2e/harness'
import { isA4, readPdfText } from '../support/pdfText'
import { openTempApp, tempDir } from '../support/tempDb'
import { rawSql } from '../support/sql'
import { HOSTILE, parseCsvObjects, resourceReferences, seedHostileProject } from '../unit/src-main/exporters/helpers'

const CHROMIUM_TIMEOUT = 90_000

interface DbMeasurement {
  id: number
  generation_id: number
  group_path: string | null
  headline_metrics: string
  project: string
  generation: string
  benchmark: string
  metric: string
  direction: 'higher' | 'lower'
  shots: number | null
  baseline: number | null
  aligned: number | null
  baseline_stderr: number | null
  aligned_stderr: number | null
  source: string
}

/** Straight from the database file: every measurement of every live project. */
async function dbMeasurements(app: ReturnType<typeof openTempApp>): Promise<DbMeasurement[]> {
  return (await rawSql(app.env)
    .all(`SELECT m.id, m.generation_id, m.group_path, g.headline_metrics, p.name AS project, g.name AS generation,
              m.benchmark, m.metric, m.direction, m.shots, m.baseline,
              m.aligned, m.baseline_stderr, m.aligned_stderr, m.source
         FROM benchmark_measurements m JOIN generations g ON g.id = m.generation_id JOIN projects p ON p.id = g.project_id
        WHERE p.deleted_at IS NULL ORDER BY m.id`)) as DbMeasurement[]
}

function regressionOf(m: DbMeasurement) {
  return benchmarkRegression({
    baseline: m.baseline!,
    aligned: m.aligned!,
    baselineStderr: m.baseline_stderr,
    alignedStderr: m.aligned_stderr,
    direction: m.direction,
    metric: m.metric,
  })
}

/** The regression as every report writes it: the %, else the change in points, marked. */
function regressionWords(m: DbMeasurement): string {
  const r = regressionOf(m)
  return r.regressionPct === null ? formatRegression(null, r.delta, r.noRelativeReason) : formatPct(r.regressionPct, 2)
}

/** The parent group as stored, or null. */
const groupOf = (m: DbMeasurement) => parseGroupPath(m.group_path).at(-1) ?? null

/** Whether the headline counts a measurement, by the engine over its generation's rows. */
function inHeadline(all: DbMeasurement[], m: DbMeasurement): boolean {
  const rows = all
    .filter((x) => x.generation_id === m.generation_id)
    .map((x) => ({
      id: x.id,
      benchmark: x.benchmark,
      metric: x.metric,
      groupPath: parseGroupPath(x.group_path),
      direction: x.direction,
      baseline: x.baseline,
      aligned: x.aligned,
      baselineStderr: x.baseline_stderr,
      alignedStderr: x.aligned_stderr,
    }))
  return headlineSet(rows, parseHeadlineChoices(m.headline_metrics)).measurementIds.has(m.id)
}

/** The report without its Content-Security-Policy, so that only the page itself (not the CSP) keeps it offline. */
const withoutCsp = (html: string) => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')

async function offlineContext(browser: Browser): Promise<{ context: BrowserContext; requests: string[] }> {
  const context = await browser.newContext({ offline: true })
  const requests: string[] = []
  await context.route('**/*', (route) => {
    requests.push(route.request().url())
    return route.abort()
  })
  context.on('request', (request) => requests.push(request.url()))
  return { context, requests }
}

/** The PDF's text, read back by PDF.js; the file is kept in the test's folder to look at when a test fails. */
async function pdfText(pdf: Buffer, dir: string, name: string) {
  fs.writeFileSync(path.join(dir, `${name}.pdf`), pdf)
  return readPdfText(pdf)
}

describe('reports of the sample workspace', () => {
  let app: ReturnType<typeof openTempApp>
  let projectId: number
  let browser: Browser
  let html: string
  let dir: string

  beforeAll(async () => {
    app = openTempApp()
    dir = tempDir('atax-reports-')
    projectId = (await loadSample(app.env)).projectId
    html = (await exportReport(app.env, 'html')).content
    browser = await launchBrowser()
  }, CHROMIUM_TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    app?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  /** What the report must show, read from the summaries services. */
  async function expectedFigures(): Promise<string[]> {
    const summary = await projectSummary(app.env, projectId)
    const figures: string[] = [SAMPLE_PROJECT_NAME, 'Sample data', appVersion()]
    for (const s of summary.generations) {
      figures.push(s.generation.name, formatMonths(s.ttdMonths!), formatUsd(s.development.totalUsd))
      figures.push(
        formatPct(s.development.pctOfPretrainingCost!, 2),
        formatPct(s.development.pctOfPretrainingCompute!, 2),
      )
      figures.push(formatPct(s.inferenceTaxPct!))
      if (s.shrink) figures.push(s.shrink.explanation)
      if (s.money) figures.push(s.money.explanation)
      const detail = await generationDetail(app.env, s.generation.id)
      figures.push(s.development.explanation)
      for (const p of detail.policies) figures.push(p.explanation)
      for (const c of detail.curves) figures.push(c.explanation)
      const page = await measurementsPage(app.env, {
        generationId: s.generation.id,
        offset: 0,
        limit: 500,
        sort: 'name',
      })
      expect(page.total).toBe(detail.measurementCount)
      for (const m of page.rows) {
        figures.push(
          m.regressionPct === null
            ? formatRegression(null, m.delta, m.noRelativeReason)
            : formatPct(m.regressionPct, 2),
          m.explanation,
        )
      }
    }
    figures.push(summary.forecast!.explanation)
    return figures
  }

  it('HTML: shows every tax with its explanation, from the database', async () => {
    for (const figure of await expectedFigures()) expect(html).toContain(escapeXml(figure))
    // The figures of DESIGN.md, as the sample holds them.
    for (const figure of ['9.0 months', '3.0 months', '30%', '1.78%', '3× faster']) expect(html).toContain(figure)
    // The generation date.
    expect(html).toMatch(/Generated on \d{4}-\d{2}-\d{2} \(\d{4}-\d{2}-\d{2}T[\d:.]+Z\)/)
  })

  it('HTML: references nothing outside itself', async () => {
    expect(resourceReferences(html)).toEqual([])
    expect(html).not.toMatch(/https?:\/\/|<script|<link|@font-face/i)
  })

  it(
    'opens in Chromium with the network off: charts drawn with a real size, no request attempted',
    async () => {
      const { context, requests } = await offlineContext(browser)
      try {
        const page = await context.newPage()
        const errors: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text())
        })
        page.on('pageerror', (e) => errors.push(String(e)))
        await page.setContent(withoutCsp(html), { waitUntil: 'load' })
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect()
            return {
              kind: svg.getAttribute('data-chart'),
              width: box.width,
              height: box.height,
              text: svg.textContent ?? '',
            }
          }),
        )
        expect(charts.map((c) => c.kind).sort()).toEqual(['deployment', 'development', 'regressions', 'regressions'])
        for (const chart of charts) {
          expect(chart.width, chart.kind!).toBeGreaterThan(300)
          expect(chart.height, chart.kind!).toBeGreaterThan(40)
        }
        const deployment = charts.find((c) => c.kind === 'deployment')!
        expect(deployment.text).toContain('9.0 months')
        expect(deployment.text).toContain('3.0 months')
        // Gains are drawn, and drawn differently from regressions.
        const fills = await page.$$eval('svg[data-chart="regressions"] g[data-kind] rect', (rects) =>
          rects.map((r) => ({
            kind: r.parentElement!.getAttribute('data-kind'),
            fill: getComputedStyle(r).fill,
            width: r.getBoundingClientRect().width,
          })),
        )
        const gain = fills.filter((f) => f.kind === 'gain')
        const tax = fills.filter((f) => f.kind === 'regression')
        // Every row with a regression % is drawn (the sample has fewer than the chart's 25 per generation).
        const pcts = (await dbMeasurements(app))
          .map((m) => regressionOf(m).regressionPct)
          .filter((x): x is number => x !== null)
        expect(gain).toHaveLength(pcts.filter((x) => x < 0).length)
        expect(tax).toHaveLength(pcts.filter((x) => x > 0).length)
        expect(gain.length).toBeGreaterThan(0)
        for (const f of fills) expect(f.width).toBeGreaterThan(0)
        expect(new Set(gain.map((f) => f.fill)).size).toBe(1)
        expect(tax.map((f) => f.fill)).not.toContain(gain[0].fill)
        expect(requests).toEqual([])
        expect(errors).toEqual([])

        // The check itself can fail: a page that does reference the network is caught.
        await page.setContent(withoutCsp(html).replace('</body>', '<img src="https://example.invalid/x.png"></body>'))
        await expect.poll(() => requests.length).toBeGreaterThan(0)
      } finally {
        await context.close()
      }
    },
    CHROMIUM_TIMEOUT,
  )

  it(
    'prints to an A4 PDF whose text holds the figures',
    async () => {
      const { context, requests } = await offlineContext(browser)
      try {
        const page = await context.newPage()
        const pdf = await htmlToPdfWithPage(page, html)
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
        const { text, sizes } = await pdfText(pdf, dir, 'sample')
        expect(sizes.length).toBeGreaterThan(0)
        for (const size of sizes) expect(isA4(size), `page size ${size.join(' × ')} pt`).toBe(true)
        for (const figure of ['9.0 months', '3.0 months', '30%', '1.78%', SAMPLE_PROJECT_NAME, 'Sample data']) {
          expect(text).toContain(figure)
        }
        const summary = await projectSummary(app.env, projectId)
        for (const s of summary.generations) {
          expect(text).toContain(formatMonths(s.ttdMonths!))
          expect(text).toContain(formatPct(s.development.pctOfPretrainingCompute!, 2))
          expect(text).toContain(formatPct(s.inferenceTaxPct!))
          expect(text).toContain(formatUsd(s.development.totalUsd))
        }
        expect(requests).toEqual([])
      } finally {
        await context.close()
      }
    },
    CHROMIUM_TIMEOUT,
  )

  it('Markdown: tables hold the database values', async () => {
    const md = (await exportReport(app.env, 'md', projectId)).content
    const summary = await projectSummary(app.env, projectId)
    for (const s of summary.generations) {
      const d = s.development
      expect(md).toContain(
        `| ${s.generation.name} | ${formatMonths(s.ttdMonths!)}${s.shrink ? ` (${formatNumber(s.shrink.ratio, 2)}× faster)` : ''} | ` +
          `${formatUsd(d.totalUsd)} | ${formatPct(d.pctOfPretrainingCost!, 2)} | ` +
          `${formatNumber(d.computePfd)} pf-days (${formatPct(d.pctOfPretrainingCompute!, 2)} of pretraining compute) | ` +
          `${formatPct(s.regressions.meanPct!, 2)} | ${formatPct(s.inferenceTaxPct!)} |`,
      )
    }
    // Each measurement in its generation's section, row for row.
    const sections = md.split(/^### /m)
    const measurements = await dbMeasurements(app)
    expect(measurements).toHaveLength(14)
    for (const m of measurements) {
      const section = sections.find((s) => s.startsWith(`Generation `) && s.split('\n')[0].endsWith(m.generation))!
      expect(section, m.generation).toBeDefined()
      const r = regressionOf(m)
      const bench = (x: string) => x.replace(/_/g, '\\_')
      const score = (x: number, se: number | null) =>
        formatNumber(x, 4) + (se === null ? '' : ` ± ${formatNumber(se, 4)}`)
      expect(section).toContain(
        `| ${bench(m.benchmark)} | ${m.metric} | ${bench(groupOf(m) ?? '—')} | ${inHeadline(measurements, m) ? 'yes' : ''} | ` +
          `${m.direction} is better | ${m.shots ?? '—'} | ` +
          `${score(m.baseline!, m.baseline_stderr)} | ${score(m.aligned!, m.aligned_stderr)} | ` +
          `${regressionWords(m)}${r.isGain ? ' (gain)' : ''} | ${r.z === null ? '—' : formatNumber(r.z, 2)} | ` +
          `${r.significant === null ? 'unknown' : r.significant ? 'yes' : 'no'} | ${m.source} |`,
      )
    }
    expect(md).toContain('> **Sample data:')
  })

  it('CSV: one row per measurement, with the database values, parsed back by an RFC 4180 reader', async () => {
    const result = await exportReport(app.env, 'csv')
    expect(result.content.endsWith('\r\n')).toBe(true)
    const rows = parseCsvObjects(result.content)
    const measurements = await dbMeasurements(app)
    expect(rows).toHaveLength(measurements.length)
    for (const m of measurements) {
      const row = rows.find(
        (r) => r.generation === m.generation && r.benchmark === m.benchmark && r.metric === m.metric,
      )!
      expect(row, `${m.generation} ${m.benchmark}`).toBeDefined()
      const r = regressionOf(m)
      expect(row.project).toBe(m.project)
      expect(row.direction).toBe(m.direction)
      expect(row.shots).toBe(m.shots == null ? '' : String(m.shots))
      expect(Number(row.baseline)).toBe(m.baseline)
      expect(Number(row.aligned)).toBe(m.aligned)
      const optional = (x: number | null) => (x === null ? '' : x)
      expect(row.baseline_stderr === '' ? '' : Number(row.baseline_stderr)).toBe(optional(m.baseline_stderr))
      expect(row.aligned_stderr === '' ? '' : Number(row.aligned_stderr)).toBe(optional(m.aligned_stderr))
      expect(row.group).toBe(groupOf(m) ?? '')
      expect(row.in_headline).toBe(String(inHeadline(measurements, m)))
      if (r.regressionPct === null) expect(row.regression_pct).toBe('')
      else expect(Number(row.regression_pct)).toBeCloseTo(r.regressionPct, 9)
      if (r.z === null) expect(row.z).toBe('')
      else expect(Number(row.z)).toBeCloseTo(r.z, 9)
      expect(Number(row.delta)).toBeCloseTo(r.delta!, 12)
      expect(row.significant).toBe(r.significant === null ? '' : String(r.significant))
      expect(row.source).toBe(m.source)
      expect(row.sample_data).toBe('true')
    }
    // A gain is a negative number, written as a number (no formula guard on numbers).
    const gains = rows.filter((r) => Number(r.regression_pct) < 0)
    expect(gains.map((r) => r.benchmark).sort()).toEqual(
      measurements
        .filter((m) => (regressionOf(m).regressionPct ?? 0) < 0)
        .map((m) => m.benchmark)
        .sort(),
    )
    expect(gains.map((r) => r.benchmark)).toContain('truthfulqa_mc')
    for (const g of gains) expect(g.regression_pct).toMatch(/^-\d/)
  })
})

describe('reports with hostile text and several projects', () => {
  let app: ReturnType<typeof openTempApp>
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    app = openTempApp()
    dir = tempDir('atax-reports-')
    await loadSample(app.env)
    await seedHostileProject(app.env)
    const other = await createProject(app.env, projectCreate.parse({ name: 'Another effort' }))
    await createGeneration(
      app.env,
      generationCreate.parse({ projectId: other.id, name: 'G1', pretrainedOn: '2024-01-01', deployedOn: '2024-05-01' }),
    )
    browser = await launchBrowser()
  }, CHROMIUM_TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    app?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it(
    'HTML: the project named <script>alert(1)</script> reads as typed and nothing of it runs',
    async () => {
      const html = (await exportReport(app.env, 'html')).content
      const { context, requests } = await offlineContext(browser)
      try {
        const page = await context.newPage()
        const dialogs: string[] = []
        page.on('dialog', (d) => {
          dialogs.push(d.message())
          void d.dismiss()
        })
        // Without the CSP: the escaping alone must hold.
        await page.setContent(withoutCsp(html), { waitUntil: 'load' })
        const found = await page.evaluate(() => ({
          elements: document.querySelectorAll('script, img, iframe, object, embed, link, u, i, b').length,
          handlers: Array.from(document.querySelectorAll('*'))
            .flatMap((el) => Array.from(el.attributes).map((a) => a.name))
            .filter((n) => n.startsWith('on')),
          headings: Array.from(document.querySelectorAll('h2')).map((h) => h.firstChild?.textContent ?? ''),
        }))
        expect(found.elements).toBe(0)
        expect(found.handlers).toEqual([])
        expect(found.headings).toContain(HOSTILE.project)
        expect(dialogs).toEqual([])
        expect(requests).toEqual([])
        const text = await page.locator('body').innerText()
        for (const t of [HOSTILE.generation, HOSTILE.policy, HOSTILE.importFile]) expect(text).toContain(t)
      } finally {
        await context.close()
      }
    },
    CHROMIUM_TIMEOUT,
  )

  it('CSV: hostile names stay text, formulas are defused, the rows still parse', async () => {
    const rows = parseCsvObjects((await exportReport(app.env, 'csv')).content)
    const hostile = rows.filter((r) => r.project === HOSTILE.project)
    expect(hostile).toHaveLength(2)
    for (const r of hostile) expect(r.generation).toBe(`'${HOSTILE.generation}`)
    expect(hostile.map((r) => r.benchmark).sort()).toEqual([`'${HOSTILE.benchmark}`, 'mmlu'])
    const imported = hostile.find((r) => r.benchmark === 'mmlu')!
    expect(imported.import_file).toBe(HOSTILE.importFile)
    expect(imported.source).toBe('import')
    expect(imported.sample_data).toBe('false')
    const typed = hostile.find((r) => r.benchmark !== 'mmlu')!
    expect(typed.metric).toBe(HOSTILE.metric)
    expect(Number(typed.regression_pct)).toBe(-10) // a gain: a plain negative number
  })

  it(
    'PDF: each project starts on a new page',
    async () => {
      const html = (await exportReport(app.env, 'html')).content
      const { context } = await offlineContext(browser)
      try {
        const pdf = await htmlToPdfWithPage(await context.newPage(), html)
        const { text } = await pdfText(pdf, dir, 'several')
        const pages = text.split('\f')
        const names = ['Another effort', SAMPLE_PROJECT_NAME, HOSTILE.project]
        for (const name of names) {
          const first = pages.findIndex((p) => p.includes(name))
          expect(first, name).toBeGreaterThanOrEqual(0)
          const firstLine = pages[first].split('\n').find((l) => l.trim())!
          // The heading opens its page (the report's own title opens the first).
          expect(
            first === 0 ? pages[0].includes(`\n${name}`) || pages[0].startsWith(name) : firstLine.startsWith(name),
            name,
          ).toBe(true)
        }
        expect(new Set(names.map((n) => pages.findIndex((p) => p.includes(n)))).size).toBe(3)
      } finally {
        await context.close()
      }
    },
    CHROMIUM_TIMEOUT,
  )
})
