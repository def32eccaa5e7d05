/**
 * "Push to team server…" in the desktop app: a push that names no server goes to the team
 * server the app remembers, its token decrypted by the shell (never sent to the window); a
 * push that names one is left as it is; with a team server open, a push (which copies a
 * project of the local file) is refused.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StoreSwitch, TEAM_SERVER_FILE, type TokenVault } from '../../../../src-main/electron/teamServer'
import type { Engine } from '../../../../src-main/engine/host'
import { tempDir } from '../../../support/tempDb'

const KEY = 0x33
const vault: TokenVault = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text) => Buffer.from(Buffer.from(text).map((b) => b ^ KEY)),
  decryptString: (data) => Buffer.from(data.map((b) => b ^ KEY)).toString(),
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function setUp(saved: object | null) {
  const settingsDir = tempDir('atax-push-desktop-')
  dirs.push(settingsDir)
  if (saved) fs.writeFileSync(path.join(settingsDir, TEAM_SERVER_FILE), JSON.stringify(saved))
  const seen: { name: string; input: unknown }[] = []
  const local: Engine = {
    request: async (name, input) => {
      seen.push({ name, input })
      return { ok: true, value: null }
    },
  }
  const stores = new StoreSwitch(local, {
    localFile: '/tmp/local.db',
    settingsDir,
    vault: () => vault,
    platform: 'linux',
  })
  return { stores, seen }
}

const remembered = {
  open: 'local',
  server: { url: 'https://atax.example.org', tokenEncrypted: vault.encryptString('atax_secret').toString('base64') },
}

describe('pushing from the desktop app', () => {
  it('sends a push without a server to the remembered team server, with its token', async () => {
    const { stores, seen } = setUp(remembered)
    await stores.request('projects.push', { id: 3 })
    expect(seen).toEqual([
      { name: 'projects.push', input: { id: 3, server: 'https://atax.example.org', token: 'atax_secret' } },
    ])
  })

  it('leaves a push that names its server as it is, and other requests untouched', async () => {
    const { stores, seen } = setUp(remembered)
    await stores.request('projects.push', { id: 3, server: 'https://other.example.org', token: 'atax_other' })
    await stores.request('projects.list', {})
    expect(seen).toEqual([
      { name: 'projects.push', input: { id: 3, server: 'https://other.example.org', token: 'atax_other' } },
      { name: 'projects.list', input: {} },
    ])
  })

  it('without a remembered server the push goes as it is (the handler asks for a server)', async () => {
    const { stores, seen } = setUp(null)
    await stores.request('projects.push', { id: 3 })
    expect(seen).toEqual([{ name: 'projects.push', input: { id: 3 } }])
  })

  it('with a team server open, a push is refused without reaching anything', async () => {
    const { stores, seen } = setUp({ ...remembered, open: 'server' })
    expect(stores.restoreLastOpened().kind).toBe('server')
    const answer = await stores.request('projects.push', { id: 3 })
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input', message: /open the local file first/ } })
    expect(seen).toEqual([])
  })
})
