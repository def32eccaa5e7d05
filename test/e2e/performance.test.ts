/**
 * With 200 generations and 100,000 benchmark measurements in the database,
 * Timeline and Compare draw their charts and long tables show 100 rows a page
 * (a generation's measurements, paged and filtered by the server).
 * How fast is measured by `npm run bench` (test/bench/viewsBench.ts), never here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright'
import { goto, launchBrowser, openSession, type Session } from './harness'
import { seedLarge } from './seed'

let browser: Browser
let session: Session
beforeAll(async () => {
  browser = await launchBrowser()
  session = await openSession(browser, { seed: (app) => seedLarge(app, 200, 100_000) })
})
afterAll(async () => {
  await session?.close()
  await browser?.close()
})

/** Waits until the page has loaded its data and is idle. */
async function settle(session: Session): Promise<void> {
  await session.page.getByRole('table', { name: 'Generations' }).waitFor()
  await session.page.waitForLoadState('networkidle')
}

describe('a large workspace (200 generations, 100,000 measurements)', () => {
  it('draws the Timeline', async () => {
    const { page } = session
    await settle(session)
    await goto(page, '#/timeline')
    await page
      .getByRole('img', { name: /^Time to deployment by generation/ })
      .first()
      .waitFor()
    await page.getByRole('img', { name: /Pipeline phases of every generation/ }).waitFor()
    // The table is paginated: 100 of 200 rows.
    expect(await page.getByRole('table', { name: 'Time to deployment by generation' }).getByRole('row').count()).toBe(
      101,
    )
    expect(session.errors).toEqual([])
  })

  it('draws Compare', async () => {
    const { page } = session
    await goto(page, '#/projects')
    await settle(session)
    await goto(page, '#/compare/1,2,60,120')
    await page
      .getByRole('img', { name: /^Regression by benchmark/ })
      .first()
      .waitFor()
    await page.getByRole('table', { name: 'Benchmarks side by side' }).waitFor()
    expect(await page.getByRole('table', { name: 'Benchmarks side by side' }).getByRole('row').count()).toBe(101)
    expect(session.errors).toEqual([])
  })

  it('pages and filters a generation with 500 measurements, 100 rows at a time', async () => {
    const { page } = session
    await goto(page, '#/generation/1')
    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    await table.waitFor()
    expect(await table.getByRole('row').count()).toBe(101)
    await page.getByRole('button', { name: 'Next page →' }).first().click()
    await page.getByText(/rows 101–200 of 500/).waitFor()
    // The filter is applied by the server once typing pauses: task_49 and task_490 … task_499.
    await page.getByLabel('Filter benchmarks').fill('TASK_49')
    await page.getByText('11 measurements').waitFor()
    await expect.poll(() => table.getByRole('row').count()).toBe(12)
    expect(await page.getByRole('button', { name: 'Next page →' }).count()).toBe(0)
    expect(session.errors).toEqual([])
  })
})
