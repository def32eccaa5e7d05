/**
 * Wiring tests of the Electron shell. Electron's binary cannot run on these machines,
 * so the `electron` module is the one stand-in allowed here (vi.mock below): it
 * records what the shell registers. Everything it relays to is real (the engine
 * host's worker threads on a real SQLite file, through the real handler table).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { API_NAMES } from '../../../../src-shared/api/contract'
import { openTempApp, REPO_ROOT } from '../../../support/tempDb'
import { startEngineHost, type EngineHost } from '../../../../src-main/engine/host'
import { bigCsv } from '../../../support/bigCsv'
import { Uploads } from '../../../../src-main/engine/uploads'

const exposed: Record<string, any> = {}
const invoked: { channel: string; input: unknown }[] = []
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      invoked.push({ channel, input })
      return Promise.resolve({ ok: true, value: null })
    },
    on: () => {},
  },
  // The stand-in's File-to-path: a dropped File carries its path (as Electron's does); a page-made one has none.
  webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
}))

describe('preload', () => {
  it('exposes exactly the contract names as window.api, each invoking its own channel', async () => {
    await import('../../../../src-main/electron/preload')
    expect(Object.keys(exposed.api).sort()).toEqual([...API_NAMES].sort())
    await exposed.api['projects.list']({ includeArchived: true })
    expect(invoked).toEqual([{ channel: 'api:projects.list', input: { includeArchived: true } }])
    // Nothing else: no ipcRenderer, no Node.
    expect(Object.keys(exposed).sort()).toEqual(['api', 'shell'])
    expect(Object.keys(exposed.shell).sort()).toEqual([
      'cancel',
      'currentStore',
      'droppedFile',
      'kind',
      'onMenu',
      'onProgress',
      'openFile',
      'openLocal',
      'openServer',
      'saveBackup',
      'saveFile',
      'savePdf',
    ])
  })

  it('hands a dropped file to the shell by its path only (webUtils), and nothing for a file not on disk', async () => {
    await import('../../../../src-main/electron/preload')
    invoked.length = 0
    await exposed.shell.droppedFile({ name: 'run.csv', path: '/data/run.csv' })
    expect(invoked).toEqual([{ channel: 'shell:droppedFile', input: '/data/run.csv' }])
    expect(await exposed.shell.droppedFile({ name: 'made-by-the-page.csv' })).toEqual({ chosen: false })
    expect(invoked).toHaveLength(1)
  })

  it('imports nothing from Node (a sandboxed preload cannot)', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src-main/electron/preload.ts'), 'utf8')
    expect(source).not.toMatch(/from ['"](node:|fs|path|child_process)/)
  })
})

describe('IPC handlers', () => {
  let app: ReturnType<typeof openTempApp>
  let engine: EngineHost
  beforeEach(async () => {
    app = openTempApp()
    engine = await startEngineHost({ dbFile: app.file, version: '0.0.0', mode: 'desktop' })
  })
  afterEach(async () => {
    await engine.close()
    app.close()
  })

  /** A window's sender, as the stand-in sees it: its page URL and what it was sent. */
  const rendererUrl = 'file:///app/out/renderer/index.html'
  function sender(url = rendererUrl) {
    const sent: { channel: string; message: any }[] = []
    return {
      sent,
      event: {
        senderFrame: { url },
        sender: {
          id: 1,
          isDestroyed: () => false,
          send: (channel: string, message: any): void => {
            sent.push({ channel, message })
          },
        },
      },
    }
  }
  async function register() {
    const { registerApiHandlers } = await import('../../../../src-main/electron/ipc')
    const handlers = new Map<string, (event: any, input?: unknown) => Promise<any>>()
    const shellProgress: number[] = []
    const uploads = new Uploads()
    registerApiHandlers(
      { handle: (channel: string, fn: any) => handlers.set(channel, fn) } as any,
      engine,
      rendererUrl,
      {
        uploads,
        onProgress: (fraction) => shellProgress.push(fraction),
      },
    )
    return { handlers, shellProgress, uploads }
  }

  it('registers one handler per contract entry (and cancel) and relays trusted requests to the engine host', async () => {
    const { handlers } = await register()
    expect([...handlers.keys()].sort()).toEqual(
      [...API_NAMES.map((n) => `api:${n}`), 'api:cancel', 'shell:droppedFile'].sort(),
    )

    const trusted = sender().event
    const created = await handlers.get('api:projects.create')!(trusted, { name: 'Via IPC' })
    expect(created.ok).toBe(true)
    const invalid = await handlers.get('api:projects.create')!(trusted, { name: 42 })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } })

    const untrusted = await handlers.get('api:projects.list')!(sender('https://evil.example/').event, {})
    expect(untrusted).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted page/) } })
    // Written by the engine's worker, read here through a connection of the test's own.
    const rows = app.env.sqlite.prepare('SELECT name FROM projects').all()
    expect(rows).toEqual([{ name: 'Via IPC' }])
  })

  it('registers a dropped file by path for a trusted window, and imports it from there', async () => {
    const { handlers } = await register()
    const window = sender()
    const project = await handlers.get('api:projects.create')!(window.event, { name: 'Dropped' })
    const generation = await handlers.get('api:generations.create')!(window.event, {
      projectId: project.value.id,
      name: 'g1',
      pretrainedOn: '2024-01-01',
    })
    const csv = path.join(app.dir, 'dropped.csv')
    fs.writeFileSync(csv, bigCsv(500))
    const drop = handlers.get('shell:droppedFile')!
    const choice = await drop(window.event, csv)
    expect(choice).toMatchObject({ chosen: true, name: 'dropped.csv', size: fs.statSync(csv).size })
    expect(JSON.stringify(choice)).not.toContain(app.dir) // the window gets an id, not the path
    const imported = await handlers.get('api:imports.run')!(window.event, {
      format: 'csv',
      fileName: 'dropped.csv',
      upload: choice.upload,
      generationId: generation.value.id,
      role: 'baseline',
      list: 'summary',
    })
    expect(imported).toMatchObject({ ok: true, value: { imported: 500 } })
    // Refused: another page, a relative path, a folder, a missing file, not a string.
    expect(await drop(sender('https://evil.example/').event, csv)).toEqual({ chosen: false })
    expect(await drop(window.event, 'dropped.csv')).toEqual({ chosen: false })
    expect(await drop(window.event, app.dir)).toEqual({ chosen: false })
    expect(await drop(window.event, path.join(app.dir, 'missing.csv'))).toEqual({ chosen: false })
    expect(await drop(window.event, { path: csv })).toEqual({ chosen: false })
  })

  it('answers a read while an import runs, sends progress to the window, and cancels from the window', async () => {
    const { handlers, shellProgress, uploads } = await register()
    const window = sender()
    const project = await handlers.get('api:projects.create')!(window.event, { name: 'Big' })
    const generation = await handlers.get('api:generations.create')!(window.event, {
      projectId: project.value.id,
      name: 'g1',
      pretrainedOn: '2024-01-01',
    })
    // The open dialog's choice: the shell registers the path, the window gets an id.
    const csv = path.join(app.dir, 'big.csv')
    fs.writeFileSync(csv, bigCsv(200_000))
    const chosen = () => uploads.add(csv).upload
    const input = {
      format: 'csv',
      fileName: 'big.csv',
      upload: chosen(),
      generationId: generation.value.id,
      role: 'baseline',
      list: 'summary',
    }
    const forged = await handlers.get('api:imports.run')!(window.event, { ...input, upload: 'not-an-upload' })
    expect(forged).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/not a file this app was given/) },
    })
    const order: string[] = []
    let read: Promise<any> | null = null
    const progressWindow = sender()
    const originalSend = progressWindow.event.sender.send
    progressWindow.event.sender.send = (channel: string, message: any) => {
      originalSend(channel, message)
      read ??= handlers.get('api:projects.list')!(window.event, {}).then((r) => (order.push('read'), r))
    }
    const imported = await handlers.get('api:imports.run')!(progressWindow.event, input)
    order.push('import')
    expect(imported).toMatchObject({ ok: true, value: { imported: 200_000 } })
    expect(await read).toMatchObject({ ok: true, value: [{ name: 'Big' }] })
    expect(order).toEqual(['read', 'import'])
    const fractions = progressWindow.sent.filter((m) => m.channel === 'api:progress').map((m) => m.message.fraction)
    expect(new Set(fractions).size).toBeGreaterThanOrEqual(2)
    expect(progressWindow.sent[0].message.name).toBe('imports.run')
    expect(shellProgress.at(-1)).toBe(1)

    // The same file again, forced, cancelled from the window as soon as it is under way.
    const cancelling = sender()
    let cancelled: Promise<any> | null = null
    cancelling.event.sender.send = () => {
      cancelled ??= handlers.get('api:cancel')!(cancelling.event, 'imports.run')
    }
    const before = app.env.sqlite.prepare('SELECT count(*) AS n FROM import_records').get()
    const result = await handlers.get('api:imports.run')!(cancelling.event, { ...input, upload: chosen(), force: true })
    expect(await cancelled).toEqual({ cancelled: 1 })
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(app.env.sqlite.prepare('SELECT count(*) AS n FROM import_records').get()).toEqual(before)
  })
})

describe('window security', () => {
  it('isolates and sandboxes the renderer, without Node', async () => {
    const { secureWebPreferences } = await import('../../../../src-main/electron/security')
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
  })

  it('denies navigation away from the app and every new window', async () => {
    const { lockDownContents, isTrustedUrl } = await import('../../../../src-main/electron/security')
    const rendererUrl = 'file:///app/out/renderer/index.html'
    expect(isTrustedUrl('file:///app/out/renderer/index.html#/timeline', rendererUrl)).toBe(true)
    expect(isTrustedUrl('file:///etc/passwd', rendererUrl)).toBe(false)
    expect(isTrustedUrl('https://example.com', rendererUrl)).toBe(false)
    const listeners: Record<string, (event: any, url?: string) => void> = {}
    let windowOpen: (() => { action: string }) | null = null
    lockDownContents(
      {
        on: (name: string, fn: any) => (listeners[name] = fn),
        setWindowOpenHandler: (fn: any) => (windowOpen = fn),
      } as any,
      rendererUrl,
    )
    const prevented = vi.fn()
    listeners['will-navigate']({ preventDefault: prevented }, 'https://example.com/')
    expect(prevented).toHaveBeenCalledOnce()
    const allowed = vi.fn()
    listeners['will-navigate']({ preventDefault: allowed }, rendererUrl)
    expect(allowed).not.toHaveBeenCalled()
    expect(windowOpen!()).toEqual({ action: 'deny' })
  })

  it('carries the same policy in index.html for file:// pages (less frame-ancestors)', async () => {
    const { CONTENT_SECURITY_POLICY } = await import('../../../../src-main/electron/security')
    const html = fs.readFileSync(path.join(REPO_ROOT, 'src-renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    const expected = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ')
    expect(meta).toBe(expected)
  })

  it('sends a strict content security policy', async () => {
    const { CONTENT_SECURITY_POLICY } = await import('../../../../src-main/electron/security')
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/)
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/)
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/)
  })
})

describe('menu', () => {
  it('has File (New project, Import, Export, Quit), Edit, View and Help, wired to actions', async () => {
    const { menuTemplate } = await import('../../../../src-main/electron/menu')
    const sent: string[] = []
    const template = menuTemplate((a) => sent.push(a), false)
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'help'])
    const file = template[0].submenu as any[]
    const labels = file.map((i) => i.label ?? i.role)
    expect(labels).toEqual(expect.arrayContaining(['New project', 'Import…', 'Export…', 'Quit']))
    file.find((i) => i.label === 'New project').click()
    file.find((i) => i.label === 'Import…').click()
    expect(sent).toEqual(['new-project', 'import'])
  })
})

describe('window state', () => {
  it('remembers size and position, and ignores a damaged file', async () => {
    const { loadWindowState, saveWindowState } = await import('../../../../src-main/electron/windowState')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-ws-'))
    expect(loadWindowState(dir)).toMatchObject({ width: 1280, height: 840 })
    saveWindowState(dir, { x: 10, y: 20, width: 1000, height: 700, maximized: true })
    expect(loadWindowState(dir)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true })
    fs.writeFileSync(path.join(dir, 'window-state.json'), '{not json')
    expect(loadWindowState(dir)).toMatchObject({ width: 1280, height: 840 })
    fs.rmSync(dir, { recursive: true })
  })
})
