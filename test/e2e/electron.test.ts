/**
 * The real desktop window, driven by Playwright's _electron: the app opened on a temp
 * database (its userData folder in a temp HOME), the sample loaded from the first-run
 * screen, 9.0 and 3.0 months on the Timeline, and Export → PDF through Electron's
 * printToPDF. Runs wherever an Electron binary is present (ATAX_ELECTRON, or the one
 * the electron package downloaded); skipped, with the reason printed, where there is
 * none: asking the electron package for its binary would start a download.
 */
import fs from 'node:fs'
import path from 'node:path'
import { _electron, type ElectronApplication } from 'playwright'
import { afterAll, describe, expect, it } from 'vitest'
import { readPdfText } from '../support/pdfText'
import { REPO_ROOT, tempDir } from '../support/tempDb'

/** The Electron binary, if one is on disk; never downloads. */
function electronBinary(): string | null {
  if (process.env.ATAX_ELECTRON) return process.env.ATAX_ELECTRON
  const pkg = path.join(REPO_ROOT, 'node_modules', 'electron')
  const pathFile = path.join(pkg, 'path.txt')
  if (!fs.existsSync(pathFile)) return null
  const binary = path.join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist'),
    fs.readFileSync(pathFile, 'utf8'),
  )
  return fs.existsSync(binary) ? binary : null
}

const binary = electronBinary()
const SKIP_REASON =
  'no Electron binary on this machine (node_modules/electron/dist is empty: the electron package downloads it on first use, and this machine cannot); set ATAX_ELECTRON to run this test'
if (!binary) console.warn(`test/e2e/electron.test.ts skipped: ${SKIP_REASON}`)

describe.skipIf(!binary)('the desktop app in Electron', () => {
  let home = ''
  let app: ElectronApplication | undefined
  afterAll(async () => {
    await app?.close()
    if (home) fs.rmSync(home, { recursive: true, force: true })
  })

  it('loads the sample, shows 9.0 and 3.0 months on the Timeline, and exports a PDF', async () => {
    home = tempDir('atax-electron-')
    app = await _electron.launch({
      executablePath: binary!,
      args: [REPO_ROOT, '--no-sandbox'],
      // userData (and so the database) lands in the temp HOME / XDG_CONFIG_HOME.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), APPDATA: home },
    })
    const page = await app.firstWindow()
    await page
      .getByRole('button', { name: /sample workspace/i })
      .first()
      .click()
    await page.getByText('RLHF pipeline (sample)').first().waitFor()
    await page.getByRole('link', { name: 'Timeline' }).click()
    await page.getByText('9.0 months').first().waitFor()
    await page.getByText('3.0 months').first().waitFor()
    const dbFile = await page.evaluate(async () => {
      const info = await (window as any).api['app.info']({})
      return info.ok ? info.value.dbFile : String(info.error?.message)
    })
    expect(dbFile.startsWith(home)).toBe(true)

    // The native save dialog is answered with a file in the temp folder.
    const pdfFile = path.join(home, 'report.pdf')
    await app.evaluate(({ dialog }, file) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: file })) as typeof dialog.showSaveDialog
    }, pdfFile)
    await page.keyboard.press('Alt+E')
    const exportDialog = page.getByRole('dialog', { name: 'Export' })
    await exportDialog.getByRole('radio', { name: /PDF/ }).check()
    await exportDialog.getByRole('button', { name: 'Export report' }).click()
    await page.getByText(/PDF saved to/).waitFor()
    const { text } = await readPdfText(fs.readFileSync(pdfFile))
    expect(text).toContain('9.0 months')
    expect(text).toContain('3.0 months')
  })
})
