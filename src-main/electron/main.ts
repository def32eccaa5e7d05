/**
 * The Electron shell: starts the engine host on the database in userData (the
 * handler table runs in its workers, never in this process), registers the IPC
 * door that relays to it, and shows one locked-down window. Everything else runs
 * in plain Node (src-main).
 *
 * The IPC door relays to a StoreSwitch (./teamServer.ts): the local file's engine host,
 * or a team server over HTTP (File ▸ Open Team Server…). The title bar names the open one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session } from 'electron'
import { appVersion } from '../app'
import { startEngineHost, type EngineHost } from '../engine/host'
import { Uploads } from '../engine/uploads'
import { DB_FILE_NAME } from '../paths'
import { registerApiHandlers } from './ipc'
import { menuTemplate } from './menu'
import { CONTENT_SECURITY_POLICY, isTrustedUrl, lockDownContents, secureWebPreferences } from './security'
import { loadWindowState, saveWindowState } from './windowState'
import { registerStoreHandlers, StoreSwitch } from './teamServer'
import { writeFileAtomically } from '../files/atomic'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(here, '../renderer/index.html')).href

let engine: EngineHost | null = null
/** Where the window's requests go: the engine host, or the team server that is open. */
let stores: StoreSwitch | null = null
const uploads = new Uploads()

function createWindow(): BrowserWindow {
  const userData = app.getPath('userData')
  const state = loadWindowState(userData)
  const win = new BrowserWindow({
    ...state,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: stores?.title() ?? 'Alignment Tax Planner',
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  })
  if (state.maximized) win.maximize()
  lockDownContents(win.webContents, rendererUrl)
  // The title names the open store (file or server), not the page's <title>.
  win.on('page-title-updated', (event) => event.preventDefault())
  win.once('ready-to-show', () => win.show())
  win.on('close', () => {
    saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() })
  })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate((action) => {
        if (action === 'open-local' && stores) {
          stores.openLocal()
          storeSwitched()
        } else win.webContents.send('menu', action)
      }, process.platform === 'darwin'),
    ),
  )
  void win.loadURL(rendererUrl)
  return win
}

/** After a switch of store: the title says which is open, and the page reloads its data from it. */
function storeSwitched(): void {
  for (const win of BrowserWindow.getAllWindows()) {
    win.setTitle(stores?.title() ?? 'Alignment Tax Planner')
    win.webContents.reload()
  }
}

function registerShellHandlers() {
  const trusted = (event: Electron.IpcMainInvokeEvent) => isTrustedUrl(event.senderFrame?.url ?? '', rendererUrl)
  // The native open dialog: the engine gets the path, the window only an upload id and the name.
  ipcMain.handle('shell:openFile', async (event, filters: unknown) => {
    if (!trusted(event)) return { chosen: false }
    const result = await dialog.showOpenDialog({
      properties: ['openFile'],
      filters: Array.isArray(filters) ? (filters as Electron.FileFilter[]) : undefined,
    })
    if (result.canceled || !result.filePaths[0]) return { chosen: false }
    return { chosen: true, ...uploads.add(result.filePaths[0]) }
  })
  ipcMain.handle('shell:saveFile', async (event, fileName: unknown, content: unknown) => {
    if (!trusted(event) || typeof fileName !== 'string' || typeof content !== 'string') return { saved: false }
    // The native dialog asks before replacing an existing file.
    const result = await dialog.showSaveDialog({ defaultPath: path.basename(fileName) })
    if (result.canceled || !result.filePath) return { saved: false }
    writeFileAtomically(result.filePath, content)
    return { saved: true, path: result.filePath }
  })
  // The backup goes from the engine straight into the file the save dialog names: the window
  // never holds it. Progress reaches the window like any long request's.
  ipcMain.handle('shell:saveBackup', async (event, fileName: unknown) => {
    if (!trusted(event) || typeof fileName !== 'string' || !stores) return { saved: false }
    const result = await dialog.showSaveDialog({ defaultPath: path.basename(fileName) })
    if (result.canceled || !result.filePath) return { saved: false }
    const response = await stores.request(
      'backup.export',
      {},
      {
        output: result.filePath,
        onProgress: (fraction) => event.sender.send('api:progress', { name: 'backup.export', fraction }),
      },
    )
    return response.ok ? { saved: true, path: result.filePath } : { saved: false, error: response.error.message }
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

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  const userData = app.getPath('userData')
  try {
    fs.mkdirSync(userData, { recursive: true })
    engine = await startEngineHost({
      dbFile: path.join(userData, DB_FILE_NAME),
      version: appVersion(),
      mode: 'desktop',
    })
  } catch (err) {
    dialog.showErrorBox('Alignment Tax Planner cannot open its database', (err as Error).message)
    app.exit(1)
    return
  }
  stores = new StoreSwitch(engine, { localFile: engine.dbFile, settingsDir: userData, vault: () => safeStorage })
  stores.restoreLastOpened()
  registerStoreHandlers(ipcMain, stores, rendererUrl, storeSwitched)
  registerApiHandlers(ipcMain, stores, rendererUrl, {
    uploads,
    onProgress: (fraction) => BrowserWindow.getAllWindows()[0]?.setProgressBar(fraction >= 1 ? -1 : fraction),
  })
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
app.on('will-quit', () => void engine?.close())
