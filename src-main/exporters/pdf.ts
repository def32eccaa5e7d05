/**
 * PDF from the HTML report through Chromium's print engine, in a page the caller
 * owns (Playwright's: the tests, and web mode). The desktop app prints the same HTML
 * with Electron's printToPDF (src-main/electron/main.ts). The report needs nothing
 * from the network, so every request from the page is refused while printing.
 */
import type { Page } from 'playwright-core'

export async function htmlToPdfWithPage(page: Page, html: string): Promise<Buffer> {
  const refuse = (route: { abort: () => Promise<void> }) => route.abort()
  await page.route('**/*', refuse)
  try {
    await page.setContent(html, { waitUntil: 'load' })
    await page.emulateMedia({ media: 'print' })
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
  } finally {
    await page.emulateMedia({ media: null })
    await page.unroute('**/*', refuse)
  }
}
