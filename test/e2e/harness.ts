/**
 * End-to-end harness: web mode on a fresh temp database, served in-process from the
 * built renderer (out/renderer), and a Chromium driven by Playwright, found by
 * src-main/chromium.ts (ATAX_CHROMIUM, else @sparticuz/chromium from npm, else a system
 * Chrome). Never downloads a browser. Collects console errors so tests can assert there were none.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright'
import { launchChromium } from '../../src-main/chromium'
import { startWebServer, type WebServer } from '../../src-main/web/server'
import { openTempApp, REPO_ROOT } from '../support/tempDb'

export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results')

export function launchBrowser(): Promise<Browser> {
  return launchChromium()
}

export interface Session {
  server: WebServer
  app: ReturnType<typeof openTempApp>
  context: BrowserContext
  page: Page
  /** Console errors and page errors seen so far. */
  errors: string[]
  close(): Promise<void>
}

/** A fresh database, a web server on it, and a page opened on the app. */
export async function openSession(
  browser: Browser,
  options: {
    colorScheme?: 'light' | 'dark'
    seed?: (app: ReturnType<typeof openTempApp>) => unknown
  } = {},
): Promise<Session> {
  const rendererDir = path.join(REPO_ROOT, 'out', 'renderer')
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error('out/renderer is missing: npm test builds it first (npm run build)')
  }
  const app = openTempApp('web')
  await options.seed?.(app)
  const server = await startWebServer({ env: app.env, rendererDir })
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1360, height: 900 },
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(String(err)))
  await page.goto(server.url)
  return {
    server,
    app,
    context,
    page,
    errors,
    close: async () => {
      await context.close()
      await server.close()
      app.close()
    },
  }
}

/** Saves test-results/<name>.png: the whole page, or only the viewport (a modal dialog covers the viewport). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const file = path.join(RESULTS_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true })
  return file
}

/** Goes to a route of the app (#/timeline, #/generation/3…) without reloading the page. */
export async function goto(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h
  }, hash)
}

/**
 * One browser for a test file and a fresh session (a new database) per test, closed
 * after it. Call at the top of the file; `open` replaces openSession(browser, …).
 */
export function browserPerFile(): { open: (options?: Parameters<typeof openSession>[1]) => Promise<Session> } {
  let browser: Browser
  let session: Session | null = null
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterEach(async () => {
    await session?.close()
    session = null
  })
  afterAll(async () => {
    await browser?.close()
  })
  return { open: async (options) => (session = await openSession(browser, options)) }
}
