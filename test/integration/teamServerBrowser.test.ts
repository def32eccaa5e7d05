/**
 * The team server's page in Chromium: a visitor without a session is sent to the sign-in
 * form; signed in, the app shows who and in which role, its writes carry the session's CSRF
 * token (loading the sample workspace works), a viewer's write is refused with the reason,
 * and Sign out returns to the form.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appVersion, openApp } from '../../src-main/app'
import { launchChromium } from '../../src-main/chromium'
import { dispatch } from '../../src-main/handlers'
import { startTeamServer, type TeamServer } from '../../src-main/web/teamServer'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const dir = tempDir('atax-team-browser-')
const file = path.join(dir, 'team.db')
let server: TeamServer
let browser: Browser

beforeAll(async () => {
  const app = openApp(file, 'desktop')
  for (const [name, role] of [
    ['eddie', 'editor'],
    ['vic', 'viewer'],
  ] as const) {
    const r = await dispatch(app.env, 'users.add', { name, role, password: `${name}-password-1` })
    expect(r.ok).toBe(true)
  }
  app.close()
  server = await startTeamServer({
    dbFile: file,
    version: appVersion(),
    rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
    port: 0,
  })
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function signIn(name: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(String(err)))
  await page.goto(server.url)
  await page.waitForURL(/\/login$/)
  await page.getByLabel('User name').fill(name)
  await page.getByLabel('Password').fill(`${name}-password-1`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return { context, page, errors }
}

describe('team server in Chromium', () => {
  it('signs in, shows the user, writes with the CSRF token, signs out', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await signIn('eddie')
    try {
      await expect.poll(() => page.getByText('eddie (editor)').isVisible()).toBe(true)
      await expect.poll(() => page.getByText(/team server/).isVisible()).toBe(true)
      await page
        .getByRole('button', { name: /sample workspace/i })
        .first()
        .click()
      await expect.poll(() => page.getByText('RLHF pipeline (sample)').first().isVisible()).toBe(true)
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(/\/login$/)
      // The session is over: the app sends the browser back to the form.
      await page.goto(server.url)
      await page.waitForURL(/\/login$/)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('shows a viewer why a write is refused', { timeout: 120_000 }, async () => {
    const { context, page } = await signIn('vic')
    try {
      await expect.poll(() => page.getByText('vic (viewer)').isVisible()).toBe(true)
      await expect.poll(() => page.getByText('RLHF pipeline (sample)').first().isVisible()).toBe(true)
      const cookies = await context.cookies()
      expect(cookies.find((c) => c.name === 'atax_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
      // A write from the app: refused by role, and the notice says why.
      await page.getByRole('button', { name: /New project/ }).click()
      const dialog = page.getByRole('dialog', { name: 'New project' })
      await dialog.getByRole('textbox', { name: /Project name/ }).fill('By a viewer')
      await dialog.getByRole('button', { name: 'Create project' }).click()
      await expect
        .poll(() =>
          page
            .getByText(/needs the editor role; vic is a viewer/)
            .first()
            .isVisible(),
        )
        .toBe(true)
    } finally {
      await context.close()
    }
  })
})
