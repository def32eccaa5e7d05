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

async function painted(session: Session, name: RegExp): Promise<void> {
  const chart = session.page.getByRole('img', { name }).first()
  await chart.waitFor()
  await chart.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        const check = () => {
          const canvas = el as HTMLCanvasElement
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          for (let i = 3; i < data.length; i += 64) if (data[i] > 0) return resolve()
          requestAnimationFrame(check)
        }
        check()
      }),
  )
}

describe('a large workspace (200 generations, 100,000 measurements)', () => {
  it('draws the Timeline within 1 s of navigation', async () => {
    const { page } = session
    await page.getByRole('link', { name: 'Large project 1' }).waitFor()
    const started = Date.now()
    await page.getByRole('link', { name: 'Timeline' }).click()
    await painted(session, /Time to deployment by generation/)
    await page.getByRole('table', { name: 'Time to deployment by generation' }).waitFor()
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(1000)
    // The table is paginated: 100 of 200 rows.
    expect(await page.getByRole('table', { name: 'Time to deployment by generation' }).getByRole('row').count()).toBe(101)
    expect(session.errors).toEqual([])
  })

  it('draws Compare within 1 s of navigation', async () => {
    const { page } = session
    await goto(page, '#/projects')
    await page.getByRole('link', { name: 'Large project 1' }).waitFor()
    const started = Date.now()
    await goto(page, '#/compare/1,2,60,120')
    await painted(session, /Regression by benchmark/)
    await page.getByRole('table', { name: 'Benchmarks side by side' }).waitFor()
    const elapsed = Date.now() - started
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
