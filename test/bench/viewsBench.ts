/**
 * Timeline and Compare with 200 generations and 100,000 benchmark measurements: the
 * time from navigation (the hash changes) until every chart of the view has painted,
 * measured inside the page in real Chromium against web mode on a real database.
 */
import path from 'node:path'
import { launchBrowser } from '../e2e/harness'
import { startWebServer } from '../../src-main/web/server'
import { openTempApp, REPO_ROOT } from '../support/tempDb'
import { seedLargeWorkspace } from './seed'

export interface ViewsBenchResult {
  generations: number
  measurements: number
  views: { name: string; ms: number }[]
}

/** In the page: navigate, then wait (per animation frame) until the view's charts have pixels. */
// Plain JavaScript text: tsx would wrap named functions in a helper the page lacks.
const IN_PAGE = `(async ({ hash, minCharts }) => {
  const start = performance.now()
  window.location.hash = hash
  const painted = (canvas) => {
    if (!canvas.width || !canvas.height) return false
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data
    if (!data) return false
    for (let i = 3; i < data.length; i += 64) if (data[i] > 0) return true
    return false
  }
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r))
    const canvases = [...document.querySelectorAll('main canvas')]
    if (canvases.length >= minCharts && canvases.every(painted)) return performance.now() - start
    if (performance.now() - start > 30000) throw new Error(hash + ': charts not drawn within 30 s')
  }
})`

async function timeNavigation(page: import('playwright').Page, hash: string, minCharts: number): Promise<number> {
  return page.evaluate(`${IN_PAGE}(${JSON.stringify({ hash, minCharts })})`) as Promise<number>
}

export async function runViewsBench(): Promise<ViewsBenchResult> {
  const app = openTempApp('web')
  const seeded = seedLargeWorkspace(app.env.sqlite, {
    projects: 10,
    generationsPerProject: 20,
    measurementsPerGeneration: 500,
  })
  const server = await startWebServer({ env: app.env, rendererDir: path.join(REPO_ROOT, 'out', 'renderer') })
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
    await page.goto(server.url)
    await page.getByRole('link', { name: 'Projects' }).waitFor()
    const views: ViewsBenchResult['views'] = []
    const compareIds = [
      seeded.generationIds[0],
      seeded.generationIds[19],
      seeded.generationIds[20],
      seeded.generationIds[199],
    ]
    // Three rounds each, between the two views, reporting the slowest: no warm cache flatters it.
    for (const [name, hash] of [
      ['Timeline', '#/timeline'],
      ['Compare (4 generations)', `#/compare/${compareIds.join(',')}`],
    ] as const) {
      const times: number[] = []
      for (let round = 0; round < 3; round++) {
        await page.evaluate(() => (window.location.hash = '#/projects'))
        await page.waitForTimeout(200)
        times.push(await timeNavigation(page, hash, 1))
      }
      views.push({ name, ms: Math.max(...times) })
    }
    return { generations: seeded.generations, measurements: seeded.measurements, views }
  } finally {
    await browser.close()
    await server.close()
    app.close()
  }
}
