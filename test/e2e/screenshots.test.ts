/**
 * A screenshot of every view (projects, generation, timeline, compare, plan, the
 * import and export dialogs), light and dark, under test-results/. The sample
 * workspace fills them; no console errors in either theme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { goto, launchBrowser, openSession, screenshot } from './harness'
import { seedSample } from './seed'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

async function dismissNotices(page: Page) {
  for (const button of await page.getByRole('button', { name: 'Dismiss notice' }).all()) await button.click()
}

/** Waits until every chart on the page has been painted. */
async function chartsDrawn(page: Page) {
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll('canvas')).every((c) => c.width > 0 && c.height > 0),
  )
}

describe.each(['light', 'dark'] as const)('every view, %s theme', (scheme) => {
  it(`saves screenshots of every view (${scheme})`, async () => {
    let projectId = 0
    const session = await openSession(browser, {
      colorScheme: scheme,
      seed: async (app) => (projectId = await seedSample(app)),
    })
    const { page } = session
    try {
      const isDark = await page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches)
      expect(isDark).toBe(scheme === 'dark')
      const shot = async (name: string, fullPage = true) => {
        await dismissNotices(page)
        await chartsDrawn(page)
        await screenshot(page, `${name}-${scheme}`, { fullPage })
      }

      await goto(page, `#/projects/${projectId}`)
      await page.getByRole('table', { name: 'Generations' }).getByText('3.0 months').waitFor()
      await shot('projects')

      await page.getByRole('link', { name: 'Gen 1 (175B)' }).click()
      await page.getByRole('img', { name: /Score against log compute/ }).waitFor()
      await page.getByRole('img', { name: /Pipeline phases of Gen 1/ }).waitFor()
      await shot('generation')

      await page.getByRole('link', { name: 'Timeline' }).click()
      await page.getByRole('img', { name: /Pipeline phases of every generation/ }).waitFor()
      await shot('timeline')

      await page.getByRole('link', { name: 'Compare' }).click()
      await page.getByRole('checkbox', { name: 'Gen 1 (175B)' }).check()
      await page.getByRole('checkbox', { name: 'Gen 2 (175B, refreshed)' }).check()
      await page.getByRole('img', { name: /Regression by benchmark/ }).waitFor()
      await shot('compare')

      await page.getByRole('link', { name: 'Plan' }).click()
      await page.getByRole('list', { name: 'Plan checks' }).waitFor()
      await page.getByRole('img', { name: /three taxes in money/ }).waitFor()
      await shot('plan')

      await page
        .getByRole('button', { name: /Import results/ })
        .first()
        .click()
      await page.getByRole('dialog', { name: 'Import evaluation results' }).waitFor()
      await shot('import-dialog', false)
      await page.keyboard.press('Escape')

      await page.keyboard.press('Alt+E')
      await page.getByRole('dialog', { name: 'Export' }).waitFor()
      await shot('export-dialog', false)
      await page.keyboard.press('Escape')
      expect(session.errors).toEqual([])
    } finally {
      await session.close()
    }
  })
})
