/**
 * Import and export in Chromium: an import whose progress bar moves, one cancelled, a metric whose
 * direction must be asked, a duplicate imported anyway, unmatched benchmarks
 * listed, a file dropped onto the window; the backup downloaded and restored.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { goto, browserPerFile, screenshot, type Session } from './harness'
import { seedProjectWithGeneration } from './seed'
import { SHARED_FIXTURES } from '../support/tempDb'
import { readPdfText } from '../support/pdfText'

const e2e = browserPerFile()
/** The current test's session (closed by browserPerFile after each test). */
let session: Session

const UNKNOWN_METRIC_CSV = 'benchmark,metric,baseline,aligned\nmmlu,acc,0.70,0.65\nweird_eval,weirdness,0.50,0.40\n'

/** A CSV big enough for the progress bar to be seen. */
function bigCsv(rows: number): string {
  const lines = ['benchmark,metric,baseline,aligned']
  for (let i = 0; i < rows; i++)
    lines.push(`task_${i},acc,${(0.5 + (i % 50) / 200).toFixed(3)},${(0.49 + (i % 47) / 200).toFixed(3)}`)
  return lines.join('\n') + '\n'
}

/** Records every state of the progress bar as "label=value" (from before the click: it may show briefly). */
async function watchProgress(page: Session['page']) {
  await page.evaluate(() => {
    const seen = ((window as unknown as { progressSeen: string[] }).progressSeen = [] as string[])
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]')
      if (bar) seen.push(`${bar.getAttribute('aria-label') ?? ''}=${bar.getAttribute('aria-valuenow') ?? ''}`)
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
}

describe('import and export, in Chromium', () => {
  it('imports a CSV: asks a direction, then shows progress on a large file', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({ seed: async (app) => (ids = await seedProjectWithGeneration(app)) })
    const { page } = session
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('heading', { name: 'Performance tax' }).waitFor()

    await page.getByRole('button', { name: 'Import results…' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'Import evaluation results' })
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    // Nothing chosen: the dialog says what is missing, next to the file chooser.
    await dialog.getByText('choose a file to import').waitFor()

    await dialog
      .locator('#import-file')
      .setInputFiles({ name: 'results.csv', mimeType: 'text/csv', buffer: Buffer.from(UNKNOWN_METRIC_CSV) })
    expect(await dialog.getByRole('combobox', { name: 'Format' }).inputValue()).toBe('CSV (documented columns)')
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    // The metric's direction is unknown: asked, and nothing written yet.
    const group = dialog.getByRole('group', { name: 'weirdness' })
    await group.waitFor()
    await group.getByRole('radio', { name: 'Lower is better' }).check()
    await dialog.getByRole('button', { name: 'Import with these directions' }).click()
    await dialog.getByText(/Imported 2 results into Gen 1/).waitFor()
    await screenshot(page, 'import-result-light', { fullPage: false })
    await dialog.getByRole('button', { name: 'Done' }).click()

    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'weird_eval' }).innerText()).toContain('↓ lower')

    // A larger file: the progress bar moves while it is sent and while the engine writes its rows.
    await page.getByRole('button', { name: 'Import results…' }).first().click()
    await dialog
      .locator('#import-file')
      .setInputFiles({ name: 'big-run.csv', mimeType: 'text/csv', buffer: Buffer.from(bigCsv(100_000)) })
    await watchProgress(page)
    // The file travels with its request: one POST to /api/imports.run?file=, nothing to /upload
    // (behind a round-robin balancer a second request could reach another server process).
    const requests: string[] = []
    const record = (request: { method(): string; url(): string }) =>
      requests.push(`${request.method()} ${new URL(request.url()).pathname}${new URL(request.url()).search}`)
    page.on('request', record)
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    await dialog.getByText(/Imported 100000 results/).waitFor({ timeout: 90_000 })
    page.off('request', record)
    expect(
      requests.filter((r) => r.includes('/upload')),
      requests.join(' '),
    ).toEqual([])
    expect(
      requests.filter((r) => r.includes('/api/imports.run')),
      requests.join(' '),
    ).toEqual(['POST /api/imports.run?file=big-run.csv'])
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)
    const processing = new Set(seen.filter((s) => s.startsWith('Processing')).map((s) => s.split('=')[1]))
    processing.delete('')
    expect(processing.size, seen.join(' ')).toBeGreaterThanOrEqual(2)
    await dialog.getByRole('button', { name: 'Done' }).click()
    // 100,002 measurements: the table shows 100 rows a page.
    await expect.poll(() => page.getByText(/rows 1–100 of 100,002/).count(), { timeout: 20_000 }).toBe(1)
    expect(await table.getByRole('row').count()).toBe(101)
    expect(session.errors).toEqual([])
  })

  it('cancels a running import from its Cancel button: nothing is written', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({ seed: async (app) => (ids = await seedProjectWithGeneration(app)) })
    const { page } = session
    const count = () => session.app.env.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements').get()
    const before = count()
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('heading', { name: 'Performance tax' }).waitFor()
    await page.getByRole('button', { name: 'Import results…' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'Import evaluation results' })
    await dialog
      .locator('#import-file')
      .setInputFiles({ name: 'huge-run.csv', mimeType: 'text/csv', buffer: Buffer.from(bigCsv(400_000)) })
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    // Cancel once the engine is writing rows (its progress has moved past 0).
    await page.waitForFunction(
      () => {
        const bar = document.querySelector('[role="progressbar"]')
        return (
          bar?.getAttribute('aria-label')?.startsWith('Processing') && Number(bar.getAttribute('aria-valuenow')) > 0
        )
      },
      undefined,
      { timeout: 60_000 },
    )
    await dialog.getByRole('button', { name: 'Cancel import' }).click()
    await dialog
      .getByRole('alert')
      .getByText(/cancelled/)
      .waitFor()
    // The next write waits for the engine's writer, which has rolled the import back by then.
    const created = await session.page.evaluate(async () => {
      const token = sessionStorage.getItem('atax-token') ?? ''
      const r = await fetch('/api/projects.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-atax-token': token },
        body: JSON.stringify({ name: 'After the cancel' }),
      })
      return r.status
    })
    expect(created).toBe(200)
    expect(count()).toEqual(before)
    expect(session.app.env.sqlite.prepare('SELECT count(*) AS n FROM import_records').get()).toEqual({ n: 0 })
    expect(session.errors).toEqual([])
  })

  it('opens a file dropped onto the window, lists unmatched benchmarks, and imports a duplicate only when asked', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({ seed: async (app) => (ids = await seedProjectWithGeneration(app)) })
    const { page } = session
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('heading', { name: 'Performance tax' }).waitFor()

    const fixture = fs.readFileSync(path.join(SHARED_FIXTURES, 'lm-eval', 'hellaswag-v0-res.json'), 'utf8')
    await page.evaluate((content) => {
      const data = new DataTransfer()
      data.items.add(new File([content], 'hellaswag-v0-res.json', { type: 'application/json' }))
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    }, fixture)
    const dialog = page.getByRole('dialog', { name: 'Import evaluation results' })
    await dialog.getByText('hellaswag-v0-res.json').waitFor()
    expect(await dialog.getByRole('combobox', { name: 'Format' }).inputValue()).toBe(
      'lm-evaluation-harness results (JSON)',
    )
    await dialog.getByRole('radio', { name: 'Baseline run (unaligned)' }).check()
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    const unmatched = dialog.getByRole('list', { name: 'Unmatched benchmarks' })
    await unmatched.waitFor()
    expect(await unmatched.innerText()).toContain('hellaswag · acc')
    expect(await unmatched.innerText()).toContain('no aligned run')

    // The same file again: a duplicate, nothing written, until "Import anyway".
    await dialog.getByRole('button', { name: 'Import again' }).click()
    await dialog.getByText(/already imported/).waitFor()
    await dialog.getByRole('button', { name: 'Import anyway' }).click()
    await dialog.getByText(/Imported \d+ results? into Gen 1/).waitFor()
    expect(session.errors).toEqual([])
  })

  it('exports a report as HTML, Markdown and PDF downloads', async () => {
    session = await e2e.open({ seed: async (app) => await seedProjectWithGeneration(app, 'Reported project') })
    const { page } = session
    await page.getByRole('link', { name: 'Reported project' }).waitFor()
    await page.keyboard.press('Alt+E')
    const dialog = page.getByRole('dialog', { name: 'Export' })
    expect(await dialog.getByRole('combobox', { name: 'Projects' }).inputValue()).toBe('Reported project')

    const [html] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export report' }).click(),
    ])
    expect(html.suggestedFilename()).toMatch(/\.html$/)
    expect(fs.readFileSync((await html.path())!, 'utf8')).toContain('Reported project')
    await page.getByText(/Report saved to your downloads/).waitFor()

    await page.keyboard.press('Alt+E')
    await dialog.getByRole('radio', { name: /Markdown/ }).check()
    const [md] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export report' }).click(),
    ])
    expect(md.suggestedFilename()).toMatch(/\.md$/)
    expect(fs.readFileSync((await md.path())!, 'utf8')).toContain('Reported project')

    // In the browser, the server prints the report with headless Chromium (as `atax export pdf`).
    await page.keyboard.press('Alt+E')
    await dialog.getByRole('radio', { name: /PDF/ }).check()
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export report' }).click(),
    ])
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/)
    const { text } = await readPdfText(fs.readFileSync((await pdf.path())!))
    expect(text).toContain('Reported project')
    await page.getByText(/PDF saved to your downloads/).waitFor()
    expect(session.errors).toEqual([])
  })

  it('downloads the backup and restores it after a confirmation', async () => {
    session = await e2e.open({ seed: async (app) => await seedProjectWithGeneration(app, 'Backed-up project') })
    const { page } = session
    await page.getByRole('link', { name: 'Backed-up project' }).waitFor()

    await page.keyboard.press('Alt+E')
    const dialog = page.getByRole('dialog', { name: 'Export' })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download backup' }).click(),
    ])
    // JSON Lines, streamed by the server from the file the engine wrote.
    expect(download.suggestedFilename()).toMatch(/^alignment-tax-backup-\d{4}-\d{2}-\d{2}\.jsonl$/)
    const content = fs.readFileSync((await download.path())!, 'utf8')
    const lines = content
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ format: 'alignment-tax-planner-backup', version: 2 })
    const projects = lines.findIndex((l) => l.table === 'projects')
    const nameAt = (lines[projects].columns as string[]).indexOf('name')
    expect(lines[projects + 1][nameAt]).toBe('Backed-up project')
    expect(lines.at(-1)).toMatchObject({ end: true })

    // Rename the project, then restore the backup: the old name comes back.
    await page.getByRole('button', { name: 'Rename' }).click()
    const rename = page.getByRole('dialog', { name: 'Rename project' })
    await rename.getByRole('textbox', { name: /Project name/ }).fill('Renamed project')
    await rename.getByRole('button', { name: 'Save project' }).click()
    await page.getByRole('link', { name: 'Renamed project' }).waitFor()

    await page.getByRole('button', { name: /^Export…/ }).click()
    await dialog
      .locator('#restore-file')
      .setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(content) })
    const confirm = page.getByRole('dialog', { name: 'Restore from backup?' })
    const requests: string[] = []
    const record = (request: { url(): string }) => requests.push(new URL(request.url()).pathname)
    page.on('request', record)
    await confirm.getByRole('button', { name: 'Replace all data' }).click()
    await page.getByText('Restored 1 project from backup.json').waitFor()
    page.off('request', record)
    // The backup travels with its request (?file=), never by /upload.
    expect(requests.filter((r) => r.startsWith('/upload') || r === '/api/backup.restore')).toEqual([
      '/api/backup.restore',
    ])
    await page.getByRole('link', { name: 'Backed-up project' }).waitFor()
    expect(await page.getByRole('link', { name: 'Renamed project' }).count()).toBe(0)
    expect(session.errors).toEqual([])
  })
})
