/**
 * The text and page sizes of a PDF, read with pdfjs-dist (Mozilla's PDF.js, pure
 * JavaScript), so tests need no poppler on the machine. Each page's text keeps the
 * line breaks PDF.js finds; pages are joined with a form feed, as pdftotext does.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

export interface PdfText {
  /** Every page's text, joined by '\f'. */
  text: string
  pages: string[]
  /** Width and height of each page in points (1/72 inch). */
  sizes: Array<[number, number]>
}

export async function readPdfText(pdf: Uint8Array): Promise<PdfText> {
  // PDF.js takes ownership of the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise
  try {
    const pages: string[] = []
    const sizes: Array<[number, number]> = []
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n)
      const [x0, y0, x1, y1] = page.view
      sizes.push([x1 - x0, y1 - y0])
      const content = await page.getTextContent()
      let text = ''
      for (const item of content.items) {
        if (!('str' in item)) continue
        text += item.str + (item.hasEOL ? '\n' : '')
      }
      pages.push(text)
    }
    return { text: pages.join('\f'), pages, sizes }
  } finally {
    await doc.destroy()
  }
}

/** A4 is 595.28 × 841.89 pt; Chromium rounds to whole CSS pixels, hence the tolerance. */
export function isA4([width, height]: [number, number]): boolean {
  return Math.abs(width - 595.28) < 2 && Math.abs(height - 841.89) < 2
}
