/**
 * Wiring tests of the Electron shell. Electron's binary cannot run on these machines,
 * so the `electron` module is the one stand-in allowed here (vi.mock below): it
 * records what the shell registers. Everything it dispatches to is real (a real
 * SQLite file through the real handler table).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { API_NAMES } from '../../../../src-shared/api/contract'
import { openTempApp, REPO_ROOT } from '../../../support/tempDb'

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
}))

describe('preload', () => {
  it('exposes exactly the contract names as window.api, each invoking its own channel', async () => {
    await import('../../../../src-main/electron/preload')
    expect(Object.keys(exposed.api).sort()).toEqual([...API_NAMES].sort())
    await exposed.api['projects.list']({ includeArchived: true })
    expect(invoked).toEqual([{ channel: 'api:projects.list', input: { includeArchived: true } }])
    // Nothing else: no ipcRenderer, no Node.
    expect(Object.keys(exposed).sort()).toEqual(['api', 'shell'])
    expect(Object.keys(exposed.shell).sort()).toEqual(['kind', 'onMenu', 'saveFile', 'savePdf'])
  })

  it('imports nothing from Node (a sandboxed preload cannot)', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src-main/electron/preload.ts'), 'utf8')
    expect(source).not.toMatch(/from ['"](node:|fs|path|child_process)/)
  })
})

describe('IPC handlers', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(() => {
    app = openTempApp()
  })
  afterEach(() => app.close())

  it('registers one handler per contract entry and dispatches trusted requests', async () => {
    const { registerApiHandlers } = await import('../../../../src-main/electron/ipc')
    const handlers = new Map<string, (event: any, input: unknown) => Promise<any>>()
    const rendererUrl = 'file:///app/out/renderer/index.html'
    registerApiHandlers(
      { handle: (channel: string, fn: any) => handlers.set(channel, fn) } as any,
      app.env,
      rendererUrl,
    )
    expect([...handlers.keys()].sort()).toEqual(API_NAMES.map((n) => `api:${n}`).sort())

    const trusted = { senderFrame: { url: rendererUrl } }
    const created = await handlers.get('api:projects.create')!(trusted, { name: 'Via IPC' })
    expect(created.ok).toBe(true)
    const invalid = await handlers.get('api:projects.create')!(trusted, { name: 42 })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } })

    const untrusted = await handlers.get('api:projects.list')!({ senderFrame: { url: 'https://evil.example/' } }, {})
    expect(untrusted).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted page/) } })
    const rows = app.env.sqlite.prepare('SELECT name FROM projects').all()
    expect(rows).toEqual([{ name: 'Via IPC' }])
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
