/**
 * The Electron shell: opens the database in userData, registers the IPC door, and
 * shows one locked-down window. Everything else runs in plain Node (src-main).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron'
import { openApp, type OpenApp } from '../app'
import { DB_FILE_NAME } from '../paths'
import { registerApiHandlers } from './ipc'
import { menuTemplate } from './menu'
import { CONTENT_SECURITY_POLICY, isTrustedUrl, lockDownContents, secureWebPreferences } from './security'
import { loadWindowState, saveWindowState } from './windowState'
import { writeFileAtomically } from '../files/atomic'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(here, '../renderer/index.html')).href

let opened: OpenApp | null = null

function createWindow(): BrowserWindow {
  const userData = app.getPath('userData')
  const state = loadWindowState(userData)
  const win = new BrowserWindow({
    ...state,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Alignment Tax Planner',
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  })
  if (state.maximized) win.maximize()
  lockDownContents(win.webContents, rendererUrl)
  win.once('ready-to-show', () => win.show())
  win.on('close', () => {
    saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() })
  })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate((action) => win.webContents.send('menu', action), process.platform === 'darwin'),
    ),
  )
  void win.loadURL(rendererUrl)
  return win
}

function registerShellHandlers() {
  const trusted = (event: Electron.IpcMainInvokeEvent) => isTrustedUrl(event.senderFrame?.url ?? '', rendererUrl)
  ipcMain.handle('shell:saveFile', async (event, fileName: unknown, content: unknown) => {
    if (!trusted(event) || typeof fileName !== 'string' || typeof content !== 'string') return { saved: false }
    // The native dialog asks before replacing an existing file.
    const result = await dialog.showSaveDialog({ defaultPath: path.basename(fileName) })
    if (result.canceled || !result.filePath) return { saved: false }
    writeFileAtomically(result.filePath, content)
    return { saved: true, path: result.filePath }
  })
  ipcMain.handle('shell:savePdf', async (event, fileName: unknown, html: unknown) => {
    if (!trusted(event) || typeof fileName !== 'string' || typeof html !== 'string') return { saved: false }
    const result = await dialog.showSaveDialog({
      defaultPath: path.basename(fileName),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    })
    if (result.canceled || !result.filePath) return { saved: false }
    const hidden = new BrowserWindow({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, javascript: false },
    })
    // From a temporary file, not a data: URL, which Chromium caps at 2 MB (a large report exceeds it).
    const tmpDir = fs.mkdtempSync(path.join(app.getPath('temp'), 'atax-report-'))
    const tmpFile = path.join(tmpDir, 'report.html')
    try {
      fs.writeFileSync(tmpFile, html)
      await hidden.loadFile(tmpFile)
      const pdf = await hidden.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
      writeFileAtomically(result.filePath, pdf)
      return { saved: true, path: result.filePath }
    } finally {
      hidden.destroy()
      fs.rmSync(tmpDir, { recursive: true, force: true })
    }
  })
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  try {
    opened = openApp(path.join(app.getPath('userData'), DB_FILE_NAME), 'desktop', { interactive: true })
  } catch (err) {
    dialog.showErrorBox('Alignment Tax Planner cannot open its database', (err as Error).message)
    app.exit(1)
    return
  }
  opened.env.onProgress = (fraction) => BrowserWindow.getAllWindows()[0]?.setProgressBar(fraction >= 1 ? -1 : fraction)
  registerApiHandlers(ipcMain, opened.env, rendererUrl)
  registerShellHandlers()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('web-contents-created', (_event, contents) => lockDownContents(contents, rendererUrl))
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => opened?.close())
