/**
 * The foundation's end-to-end check: web mode serves the app, the sample workspace
 * loads from the first-run screen, and the Timeline draws its chart; the API refuses
 * requests without the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright'
import { launchBrowser, openSession, type Session } from './harness'

describe('web mode, in Chromium', () => {
  let browser: Browser
  let session: Session

  beforeAll(async () => {
    browser = await launchBrowser()
    session = await openSession(browser)
  })
  afterAll(async () => {
    await session?.close()
    await browser?.close()
  })

  it('loads the sample workspace and shows the time-to-deployment timeline', async () => {
    const { page } = session
    await page
      .getByRole('button', { name: /sample workspace/i })
      .first()
      .click()
    await expect.poll(() => page.getByText('RLHF pipeline (sample)').first().isVisible()).toBe(true)
    await page.getByRole('link', { name: 'Timeline' }).click()
    const chart = page.getByRole('img', { name: /time to deployment/i }).first()
    await chart.waitFor({ state: 'visible' })
    // The canvas has really been drawn on: some pixels are not transparent.
    const painted = await chart.evaluate((el) => {
      const canvas = el as HTMLCanvasElement
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      let n = 0
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++
      return n
    })
    expect(painted).toBeGreaterThan(1000)
    expect(session.errors).toEqual([])
  })

  it('refuses an API request without the token, and answers one with it', async () => {
    const base = `http://127.0.0.1:${session.server.port}`
    const refused = await fetch(`${base}/api/projects.list`, { method: 'POST', body: '{}' })
    expect(refused.status).toBe(401)
    const wrongHost = await fetch(`${base}/api/projects.list`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-atax-token': session.server.token, origin: 'http://evil.example' },
    })
    expect(wrongHost.status).toBe(403)
    const ok = await fetch(`${base}/api/projects.list`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-atax-token': session.server.token },
    })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { ok: boolean; value: { name: string }[] }
    expect(body.value.map((p) => p.name)).toContain('RLHF pipeline (sample)')
  })
})
