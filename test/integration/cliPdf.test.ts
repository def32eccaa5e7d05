/**
 * `atax export pdf`: the real CLI prints the sample's HTML report to PDF with headless
 * Chromium (found by src-main/chromium.ts), read back with PDF.js; and says what is
 * wrong when there is no browser or no --out.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isA4, readPdfText } from '../support/pdfText'
import { tempDir } from '../support/tempDb'
import { runAtax } from '../support/atax'
import { storeArgs } from '../support/testStore'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const atax = (args: string[], env: Record<string, string> = {}) => runAtax(dir, args, env)
const SAMPLE = 'RLHF pipeline (sample)'

describe('atax export pdf', () => {
  it('writes the report of a project as an A4 PDF holding its figures', async () => {
    const db = path.join(dir, 'pdf.db')
    expect(atax([...storeArgs(db), 'sample']).code).toBe(0)
    const out = path.join(dir, 'report.pdf')
    const r = atax([...storeArgs(db), 'export', 'pdf', '--project', SAMPLE, '--out', out])
    expect(r.stderr).toBe(`wrote ${out}\n`)
    expect(r.code).toBe(0)
    const pdf = fs.readFileSync(out)
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const { text, sizes } = await readPdfText(pdf)
    for (const figure of [SAMPLE, '9.0 months', '3.0 months']) expect(text).toContain(figure)
    expect(sizes.every(isA4)).toBe(true)

    const again = atax([...storeArgs(db), 'export', 'pdf', '--project', SAMPLE, '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already exists: pass --force/)
  }, 120_000)

  it('needs --out, and says where a browser comes from when the one named is missing', () => {
    const db = path.join(dir, 'nobrowser.db')
    expect(atax([...storeArgs(db), 'sample']).code).toBe(0)
    const noOut = atax([...storeArgs(db), 'export', 'pdf'])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toMatch(/export pdf needs --out FILE/)

    const missing = path.join(dir, 'no-such-chrome')
    const out = path.join(dir, 'never.pdf')
    const r = atax([...storeArgs(db), 'export', 'pdf', '--out', out], { ATAX_CHROMIUM: missing })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`ATAX_CHROMIUM=${missing}: no such file`)
    expect(fs.existsSync(out)).toBe(false)
  })
})
