/**
 * PDF from the HTML report through Chromium's print engine. `reportPdf` is what
 * `atax export pdf` and web mode's Export → PDF use: a headless Chromium found by
 * src-main/chromium.ts (optional at run time: without one, a ChromiumNotFoundError
 * says how to get one). The desktop app prints the same HTML with Electron's own
 * printToPDF (src-main/electron/main.ts). The report needs nothing from the network,
 * so every request from the page is refused while printing.
 */
import type { Page } from 'playwright-core'
import type { PdfExportResult } from '../../src-shared/api/transfer'
import type { ServiceContext } from '../services/context'
import { exportReport } from './index'

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

/** Prints HTML to PDF in a browser of its own, offline, closed afterwards. */
export async function htmlToPdf(html: string): Promise<Buffer> {
  // Loaded here, not at the top: Playwright is only needed when a PDF is asked for.
  const { launchChromium } = await import('../chromium')
  const browser = await launchChromium()
  try {
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false })
    return await htmlToPdfWithPage(await context.newPage(), html)
  } finally {
    await browser.close()
  }
}

/** The HTML report of one project (or all) as a PDF. */
export async function reportPdf(ctx: ServiceContext, projectId?: number): Promise<PdfExportResult> {
  const html = await exportReport(ctx, 'html', projectId)
  const pdf = await htmlToPdf(html.content)
  return {
    fileName: html.fileName.replace(/\.html?$/i, '') + '.pdf',
    mimeType: 'application/pdf',
    contentBase64: pdf.toString('base64'),
  }
}
