/**
 * Electron's security checklist, item by item, as assertions on the shell's actual
 * configuration: src-main/electron/main.ts is booted against the stand-in for the
 * `electron` module (the one stand-in allowed: Electron's binary cannot run on these
 * machines), which records every window, handler and session setting the shell makes.
 * The database behind it is a real SQLite file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { API_NAMES } from '../../../../src-shared/api/contract'
import { CONTENT_SECURITY_POLICY } from '../../../../src-main/csp'
import { REPO_ROOT, tempDir } from '../../../support/tempDb'

const userData = tempDir('atax-electron-')
const recorded = {
  windows: [] as { options: any; contents: FakeContents }[],
  appEvents: {} as Record<string, (...args: any[]) => void>,
  ipc: new Map<string, (event: any, ...args: any[]) => unknown>(),
  headers: null as null | ((details: any, callback: (r: any) => void) => void),
  ready: null as null | (() => unknown),
}
class FakeContents {
  listeners: Record<string, (event: any, url?: string) => void> = {}
  windowOpen: null | ((details: unknown) => { action: string }) = null
  on(name: string, fn: any) {
    this.listeners[name] = fn
    return this
  }
  setWindowOpenHandler(fn: any) {
    this.windowOpen = fn
  }
  send() {}
}
vi.mock('electron', () => {
  class BrowserWindow {
    webContents = new FakeContents()
    constructor(options: any) {
      recorded.windows.push({ options, contents: this.webContents })
    }
    static getAllWindows = () => []
    maximize() {}
    once() {}
    on() {}
    loadURL() {
      return Promise.resolve()
    }
  }
  return {
    app: {
      getPath: () => userData,
      whenReady: () => ({ then: (fn: () => unknown) => (recorded.ready = fn) }),
      on: (name: string, fn: any) => (recorded.appEvents[name] = fn),
      exit: () => {},
      quit: () => {},
    },
    BrowserWindow,
    dialog: { showErrorBox: (title: string, message: string) => console.error(title, message) },
    ipcMain: { handle: (channel: string, fn: any) => recorded.ipc.set(channel, fn) },
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
    session: {
      defaultSession: { webRequest: { onHeadersReceived: (fn: any) => (recorded.headers = fn) } },
    },
  }
})

beforeAll(async () => {
  await import('../../../../src-main/electron/main')
  // The shell starts its engine host (worker threads on the real file) before its window.
  await recorded.ready!()
})
afterAll(() => {
  recorded.appEvents['will-quit']?.()
  fs.rmSync(userData, { recursive: true, force: true })
})

describe('the Electron security checklist, on the shell as it boots', () => {
  it('the window: sandboxed, context-isolated, no Node integration (not even in workers), web security on', () => {
    const [main] = recorded.windows
    expect(main.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    })
    expect(main.options.webPreferences.webviewTag).not.toBe(true)
    expect(main.options.webPreferences.preload).toMatch(/preload/)
  })

  it('navigation away from the app, new windows and webviews are denied on the window and on every other contents', () => {
    const created = new FakeContents()
    recorded.appEvents['web-contents-created']({}, created)
    for (const contents of [recorded.windows[0].contents, created]) {
      const prevented = vi.fn()
      contents.listeners['will-navigate']({ preventDefault: prevented }, 'https://evil.example/')
      expect(prevented).toHaveBeenCalledOnce()
      expect(contents.windowOpen!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
      const webview = vi.fn()
      contents.listeners['will-attach-webview']({ preventDefault: webview })
      expect(webview).toHaveBeenCalledOnce()
    }
  })

  it('every response carries the CSP', () => {
    let answer: any = null
    recorded.headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (answer = r))
    expect(answer.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(answer.responseHeaders['X-Other']).toEqual(['1'])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/)
  })

  it('IPC: one handler per contract entry, each checking the sender; the shell handlers check it too', async () => {
    for (const name of API_NAMES) expect(recorded.ipc.has(`api:${name}`)).toBe(true)
    const evil = { senderFrame: { url: 'https://evil.example/' } }
    expect(await recorded.ipc.get('api:projects.create')!(evil, { name: 'Planted' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/untrusted page/) },
    })
    expect(await recorded.ipc.get('shell:saveFile')!(evil, 'x.txt', 'content')).toEqual({ saved: false })
    expect(await recorded.ipc.get('shell:savePdf')!(evil, 'x.pdf', '<p>')).toEqual({ saved: false })
    // Only the page's own URL is trusted; another file:// page is refused like any other.
    const otherFile = { senderFrame: { url: 'file:///tmp/evil.html' } }
    expect(await recorded.ipc.get('api:app.info')!(otherFile, {})).toMatchObject({ ok: false })
    const own = {
      senderFrame: { url: pathToFileURL(path.join(REPO_ROOT, 'src-main/renderer/index.html')).href + '#/' },
      sender: { id: 1, isDestroyed: () => false, send: () => {} },
    }
    expect(await recorded.ipc.get('api:app.info')!(own, {})).toMatchObject({ ok: true, value: { mode: 'desktop' } })
  })
})
