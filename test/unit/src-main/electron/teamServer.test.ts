/**
 * The desktop app on a team server: File ▸ Open Team Server… (URL + token) beside the
 * local file. Electron's binary cannot run on these machines, so the `electron` module
 * is a stand-in (vi.mock below; the one stand-in allowed): it records the windows,
 * titles and IPC handlers the shell makes, and its `safeStorage` encrypts with a key of
 * its own (or says it cannot, as on a Linux without a keyring). Everything behind it is
 * real: the shell (src-main/electron/main.ts) booted on a real SQLite file through its
 * engine host, and a real server — web mode's, started here with its per-launch token on
 * another file — reached over HTTP by the CLI's client (src-main/cli/remote.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { REPO_ROOT, tempDir } from '../../../support/tempDb'
import { startWebServer, type WebServer } from '../../../../src-main/web/server'
import { TEAM_SERVER_FILE } from '../../../../src-main/electron/teamServer'

const userData = tempDir('atax-electron-team-')
const KEY = 0x5a
const vault = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable: () => vault.available,
  getSelectedStorageBackend: () => vault.backend,
  encryptString: (text: string) => Buffer.concat([Buffer.from('v10'), Buffer.from(text).map((b) => b ^ KEY)]),
  decryptString: (data: Buffer) => Buffer.from(data.subarray(3).map((b) => b ^ KEY)).toString(),
}
const recorded = {
  windows: [] as { options: any; titles: string[]; reloads: number; listeners: Record<string, any> }[],
  ipc: new Map<string, (event: any, ...args: any[]) => any>(),
  menus: [] as any[],
  progress: [] as number[],
  ready: null as null | (() => unknown),
  appEvents: {} as Record<string, (...args: any[]) => void>,
}

vi.mock('electron', () => {
  class BrowserWindow {
    static all: BrowserWindow[] = []
    record: (typeof recorded.windows)[number]
    webContents: any
    constructor(options: any) {
      this.record = { options, titles: [options.title], reloads: 0, listeners: {} }
      recorded.windows.push(this.record)
      BrowserWindow.all.push(this)
      const record = this.record
      this.webContents = {
        on() {},
        setWindowOpenHandler() {},
        send() {},
        reload: () => record.reloads++,
      }
    }
    static getAllWindows = () => BrowserWindow.all
    maximize() {}
    once() {}
    on(name: string, fn: unknown) {
      this.record.listeners[name] = fn
    }
    setProgressBar(fraction: number) {
      recorded.progress.push(fraction)
    }
    setTitle(title: string) {
      this.record.titles.push(title)
    }
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
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => recorded.menus.push(t) },
    session: { defaultSession: { webRequest: { onHeadersReceived: () => {} } } },
    safeStorage: vault,
  }
})

let server: WebServer
let serverUrl = ''
// The app's own page, as the shell trusts it (main.ts's renderer URL, seen from the sources).
const page = {
  senderFrame: { url: pathToFileURL(path.join(REPO_ROOT, 'src-main/renderer/index.html')).href + '#/' },
  sender: { id: 1, isDestroyed: () => false, send: () => {} },
}
const invoke = (channel: string, ...args: unknown[]) => recorded.ipc.get(channel)!(page, ...args)
const title = () => recorded.windows[0].titles.at(-1)
const settings = () => fs.readFileSync(path.join(userData, TEAM_SERVER_FILE), 'utf8')

beforeAll(async () => {
  const serverDir = tempDir('atax-team-server-')
  server = await startWebServer({
    env: { dbFile: path.join(serverDir, 'server.db'), version: '0.0.0' },
    rendererDir: path.join(REPO_ROOT, 'out/renderer'),
  })
  serverUrl = `http://127.0.0.1:${server.port}`
  await import('../../../../src-main/electron/main')
  await recorded.ready!()
})
afterAll(async () => {
  recorded.appEvents['will-quit']?.()
  await server.close()
  fs.rmSync(userData, { recursive: true, force: true })
})

describe('the desktop app: open a team server beside the local file', () => {
  it('starts on the local file and says so in the title', async () => {
    expect(title()).toBe(`Alignment Tax Planner — ${path.join(userData, 'atax.db')}`)
    // The page's own <title> does not replace it.
    const prevented = vi.fn()
    recorded.windows[0].listeners['page-title-updated']({ preventDefault: prevented })
    expect(prevented).toHaveBeenCalledOnce()
    expect(await invoke('shell:currentStore')).toMatchObject({ kind: 'local', notice: null, savedUrl: null })
    // The menu has both ways in.
    const file = recorded.menus[0][0].submenu.map((i: any) => i.label)
    expect(file).toEqual(expect.arrayContaining(['Open Team Server…', 'Open Local File']))
  })

  it('a wrong token is refused before anything switches', async () => {
    const r = await invoke('shell:openServer', serverUrl, 'not-the-token')
    expect(r).toEqual({
      ok: false,
      message: `${serverUrl} refused the token (HTTP 401): check it, or ask the server's admin for a new one`,
    })
    expect(title()).toMatch(/atax\.db$/)
    const unreachable = await invoke('shell:openServer', 'http://127.0.0.1:9', 'x')
    expect(unreachable.message).toMatch(/^cannot reach the server at http:\/\/127\.0\.0\.1:9: connection refused/)
  })

  it("opens the server: the window's requests go there over HTTP, the title names it, the token is stored encrypted", async () => {
    await invoke('api:projects.create', { name: 'Local only' })
    const r = await invoke('shell:openServer', `${serverUrl}/`, server.token)
    expect(r).toMatchObject({ ok: true, open: { kind: 'server', url: serverUrl, notice: null } })
    expect(title()).toBe(`Alignment Tax Planner — team server ${serverUrl}`)
    expect(recorded.windows[0].reloads).toBe(1)

    // The same IPC channel the window always uses, now answered by the server.
    expect(await invoke('api:projects.list', {})).toEqual({ ok: true, value: [] })
    // Where the data is, as the About dialog says it: the server.
    expect(await invoke('api:app.info', {})).toMatchObject({ ok: true, value: { dbFile: serverUrl, mode: 'desktop' } })
    const created = await invoke('api:projects.create', { name: 'On the server' })
    expect(created).toMatchObject({ ok: true, value: { name: 'On the server' } })
    const direct = await fetch(`${serverUrl}/api/projects.list`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(((await direct.json()) as any).value.map((p: any) => p.name)).toEqual(['On the server'])

    // Never the token in clear: the saved file holds the vault's ciphertext, which decrypts to it.
    const saved = JSON.parse(settings())
    expect(settings()).not.toContain(server.token)
    expect(saved).toEqual({ open: 'server', server: { url: serverUrl, tokenEncrypted: expect.any(String) } })
    expect(vault.decryptString(Buffer.from(saved.server.tokenEncrypted, 'base64'))).toBe(server.token)
  })

  it('a file the window imports is streamed to the server (the IPC door registers it by path)', async () => {
    const file = path.join(userData, 'run.csv')
    fs.writeFileSync(file, 'benchmark,metric,value\nmmlu,acc,0.61\n')
    const choice = await invoke('shell:droppedFile', file)
    expect(choice).toMatchObject({ chosen: true, name: 'run.csv' })
    const projects = await invoke('api:projects.list', {})
    const gen = await invoke('api:generations.create', {
      projectId: projects.value[0].id,
      name: 'G1',
      pretrainedOn: '2025-01-01',
    })
    const imported = await invoke('api:imports.run', {
      format: 'csv',
      fileName: 'run.csv',
      upload: choice.upload,
      generationId: gen.value.id,
      role: 'baseline',
      force: false,
      strict: false,
      directions: {},
    })
    expect(imported, JSON.stringify(imported)).toMatchObject({ ok: true, value: { imported: 1 } })
    // Its progress came back over the connection (JSON Lines) to the task bar.
    expect(recorded.progress.at(-1)).toBe(-1)
  })

  it('back to the local file (menu), and the server is opened again at the next start', async () => {
    const { StoreSwitch } = await import('../../../../src-main/electron/teamServer')
    recorded.menus
      .at(-1)[0]
      .submenu.find((i: any) => i.label === 'Open Local File')
      .click()
    expect(title()).toMatch(/— .*atax\.db$/)
    const local = await invoke('api:projects.list', {})
    expect(local.value.map((p: any) => p.name)).toEqual(['Local only'])
    expect(JSON.parse(settings()).open).toBe('local')
    // The URL stays saved for the dialog (never the token in the answer).
    const open = await invoke('shell:currentStore')
    expect(open).toMatchObject({ kind: 'local', savedUrl: serverUrl })
    expect(JSON.stringify(open)).not.toContain(server.token)

    // Opened again, then a "restart": a new switch reads the settings and decrypts the token.
    expect(await invoke('shell:openServer', serverUrl, server.token)).toMatchObject({ ok: true })
    const fake = { request: async () => ({ ok: true as const, value: 'local' }) }
    const restarted = new StoreSwitch(fake, { localFile: '/x.db', settingsDir: userData, vault: () => vault })
    expect(restarted.restoreLastOpened()).toEqual({ kind: 'server', url: serverUrl, notice: null })
    expect(await restarted.request('projects.list', {})).toMatchObject({ ok: true, value: [{ name: 'On the server' }] })
  })

  it('without safeStorage (or only a fixed-key store) the server is used for the session and the token is not stored', async () => {
    const { StoreSwitch } = await import('../../../../src-main/electron/teamServer')
    for (const [available, backend] of [
      [false, 'unknown'],
      [true, 'basic_text'],
    ] as const) {
      vault.available = available
      vault.backend = backend
      const r = await invoke('shell:openServer', serverUrl, server.token)
      expect(r.ok).toBe(true)
      expect(r.open.notice).toMatch(
        available
          ? /is not stored: no keyring \(GNOME Keyring or KWallet\) is running/
          : /is not stored: this system offers no encrypted storage for it \(Electron safeStorage is not available\)/,
      )
      expect(settings()).not.toContain(server.token)
      expect(JSON.parse(settings())).toEqual({ open: 'local' })
      const fake = { request: async () => ({ ok: true as const, value: 'local' }) }
      const restarted = new StoreSwitch(fake, { localFile: '/x.db', settingsDir: userData, vault: () => vault })
      expect(restarted.restoreLastOpened()).toMatchObject({ kind: 'local' })
    }
    vault.available = true
    vault.backend = 'gnome_libsecret'
  })

  it('refuses the store requests from any other page', async () => {
    const evil = { ...page, senderFrame: { url: 'https://evil.example/' } }
    expect(await recorded.ipc.get('shell:openServer')!(evil, 'https://evil.example', 't')).toEqual({
      ok: false,
      message: 'refused',
    })
    expect(await recorded.ipc.get('shell:currentStore')!(evil)).toBeNull()
    expect(await recorded.ipc.get('shell:openLocal')!(evil)).toBeNull()
  })
})
