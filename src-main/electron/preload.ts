/**
 * The preload: exposes exactly the contract's names as `window.api` (each one an
 * invoke on its channel) and the desktop shell's few extras as `window.shell`.
 * No Node, no fs, no raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { API_NAMES } from '../../src-shared/api/contract'

const api = Object.fromEntries(
  API_NAMES.map((name) => [name, (input: unknown) => ipcRenderer.invoke(`api:${name}`, input ?? {})]),
)

contextBridge.exposeInMainWorld('api', api)
contextBridge.exposeInMainWorld('shell', {
  kind: 'desktop',
  onMenu: (callback: (action: string) => void) => {
    ipcRenderer.on('menu', (_event, action: unknown) => {
      if (typeof action === 'string') callback(action)
    })
  },
  onProgress: (callback: (progress: { name: string; fraction: number }) => void) => {
    ipcRenderer.on('api:progress', (_event, progress: { name?: unknown; fraction?: unknown }) => {
      if (typeof progress?.name === 'string' && typeof progress.fraction === 'number') {
        callback({ name: progress.name, fraction: progress.fraction })
      }
    })
  },
  cancel: (name: string) => ipcRenderer.invoke('api:cancel', name),
  droppedFile: (file: File) => {
    // Only a File the user dropped (or chose) has a path; one the page made has none.
    const filePath = webUtils.getPathForFile(file)
    return filePath ? ipcRenderer.invoke('shell:droppedFile', filePath) : Promise.resolve({ chosen: false })
  },
  openFile: (filters?: { name: string; extensions: string[] }[]) => ipcRenderer.invoke('shell:openFile', filters),
  saveFile: (fileName: string, content: string) => ipcRenderer.invoke('shell:saveFile', fileName, content),
  saveBackup: (fileName: string) => ipcRenderer.invoke('shell:saveBackup', fileName),
  savePdf: (fileName: string, html: string) => ipcRenderer.invoke('shell:savePdf', fileName, html),
  // Which store is open (the local file or a team server), and the switch between them.
  currentStore: () => ipcRenderer.invoke('shell:currentStore'),
  openServer: (url: string, token: string) => ipcRenderer.invoke('shell:openServer', url, token),
  openLocal: () => ipcRenderer.invoke('shell:openLocal'),
})
