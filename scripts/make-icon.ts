/**
 * `npx tsx scripts/make-icon.ts`: renders build/icon.svg to build/icon.png (512×512,
 * transparent corners) with the same headless Chromium as PDF export. The PNG is
 * committed; electron-builder derives the .ico and .icns from it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../src-main/chromium'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const svg = fs.readFileSync(path.join(root, 'build', 'icon.svg'), 'utf8')
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } })
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`)
  await page.locator('svg').screenshot({ path: path.join(root, 'build', 'icon.png'), omitBackground: true })
  console.log('wrote build/icon.png')
} finally {
  await browser.close()
}
