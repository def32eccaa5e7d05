/**
 * With 200 generations and 100,000 benchmark measurements in the database,
 * Timeline and Compare draw within a second of navigation; long tables show 100
 * rows a page.
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

/**
 * Navigates to `hash` inside the page and returns the milliseconds until the
 * chart labelled `chartLabel` has pixels on it and the table named `tableName`
 * exists: measured in the page, so Playwright's own latency does not count.
 */
async function timeToDraw(session: Session, hash: string, chartLabel: string, tableName: string): Promise<number> {
  return session.page.evaluate(
    ({ hash, chartLabel, tableName }) =>
      new Promise<number>((resolve) => {
        const started = performance.now()
        window.location.hash = hash
        const check = () => {
          const canvas = document.querySelector<HTMLCanvasElement>(`canvas[aria-label^="${chartLabel}"]`)
          const table = document.querySelector(`table[aria-label="${tableName}"]`)
          if (canvas && table && canvas.width > 0) {
            const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
            for (let i = 3; i < data.length; i += 64) if (data[i] > 0) return resolve(performance.now() - started)
          }
          requestAnimationFrame(check)
        }
        check()
      }),
    { hash, chartLabel, tableName },
  )
}

/** Waits until the page has loaded its data and is idle. */
async function settle(session: Session): Promise<void> {
  await session.page.getByRole('table', { name: 'Generations' }).waitFor()
  await session.page.waitForLoadState('networkidle')
}

describe('a large workspace (200 generations, 100,000 measurements)', () => {
  it('draws the Timeline within 1 s of navigation', async () => {
    const { page } = session
    await settle(session)
    const elapsed = await timeToDraw(
      session,
      '#/timeline',
      'Time to deployment by generation',
      'Time to deployment by generation',
    )
    console.info(`Timeline drawn ${Math.round(elapsed)} ms after navigation`)
    expect(elapsed).toBeLessThan(1000)
    await page.getByRole('img', { name: /Pipeline phases of every generation/ }).waitFor()
    // The table is paginated: 100 of 200 rows.
    expect(await page.getByRole('table', { name: 'Time to deployment by generation' }).getByRole('row').count()).toBe(
      101,
    )
    expect(session.errors).toEqual([])
  })

  it('draws Compare within 1 s of navigation', async () => {
    const { page } = session
    await goto(page, '#/projects')
    await settle(session)
    const elapsed = await timeToDraw(
      session,
      '#/compare/1,2,60,120',
      'Regression by benchmark',
      'Benchmarks side by side',
    )
    console.info(`Compare drawn ${Math.round(elapsed)} ms after navigation`)
    expect(elapsed).toBeLessThan(1000)
    expect(await page.getByRole('table', { name: 'Benchmarks side by side' }).getByRole('row').count()).toBe(101)
    expect(session.errors).toEqual([])
  })

  it('pages a generation with 500 measurements, 100 rows at a time', async () => {
    const { page } = session
    await goto(page, '#/generation/1')
    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    await table.waitFor()
    expect(await table.getByRole('row').count()).toBe(101)
    await page.getByRole('button', { name: 'Next page →' }).first().click()
    await page.getByText(/rows 101–200 of 500/).waitFor()
    expect(session.errors).toEqual([])
  })
})
