/**
 * Which store the desktop app has open: its local file (the engine host) or a team
 * server (URL + token), and the switch between them. The IPC door relays to a
 * `StoreSwitch`, which sends each request to the one that is open: to a server through
 * the CLI's client (src-main/cli/remote.ts), over HTTP, exactly as `atax --server` does.
 *
 * The token is kept only encrypted, with Electron's `safeStorage` (the OS keychain: macOS
 * Keychain, Windows DPAPI, GNOME Keyring/KWallet), in `team-server.json` in the app's
 * settings folder. Where safeStorage cannot encrypt (or, on Linux, would only obfuscate
 * under a fixed key: the `basic_text` backend), the server is used for this session and
 * the token is not stored; the app says so.
 *
 * This module takes Electron's safeStorage as an argument: the shell (./main.ts) stays thin
 * and the tests use a stand-in.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { ApiResponse } from '../../src-shared/api/contract'
import { RemoteClient, type RemoteApiError } from '../cli/remote'
import type { Engine, RequestOptions } from '../engine/host'
import { writeFileAtomically } from '../files/atomic'
import { isTrustedUrl } from './security'

export const TEAM_SERVER_FILE = 'team-server.json'
export const APP_TITLE = 'Alignment Tax Planner'

/** The part of Electron's safeStorage this module uses. */
export interface TokenVault {
  isEncryptionAvailable(): boolean
  encryptString(text: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means no keyring, i.e. a fixed key. */
  getSelectedStorageBackend?(): string
}

/** What the window shows about the open store (title bar and status line). */
export type OpenStore =
  { kind: 'local'; file: string; notice: string | null } | { kind: 'server'; url: string; notice: string | null }

interface Saved {
  /** Which one was open last: the app opens it again at start. */
  open: 'local' | 'server'
  server?: { url: string; tokenEncrypted: string }
}

/** Why the token cannot be kept encrypted here, or null when it can. */
export function whyTokenCannotBeKept(vault: TokenVault, platform: NodeJS.Platform): string | null {
  if (!vault.isEncryptionAvailable()) {
    return 'this system offers no encrypted storage for it (Electron safeStorage is not available)'
  }
  if (platform === 'linux' && vault.getSelectedStorageBackend?.() === 'basic_text') {
    return 'no keyring (GNOME Keyring or KWallet) is running, so it could only be stored under a fixed key'
  }
  return null
}

export class StoreSwitch implements Engine {
  private remote: RemoteClient | null = null
  private notice: string | null = null

  constructor(
    private readonly local: Engine,
    private readonly options: {
      localFile: string
      settingsDir: string
      vault: () => TokenVault
      platform?: NodeJS.Platform
    },
  ) {}

  /** Every API request goes to the store that is open. */
  async request(name: string, input: unknown, options?: RequestOptions): Promise<ApiResponse<unknown>> {
    const remote = this.remote
    if (!remote) {
      // A push without a server named goes to the team server the app remembers (its token never reaches the window).
      if (name === 'projects.push' && input && typeof input === 'object') {
        const given = input as { server?: unknown; token?: unknown }
        if (given.server === undefined && given.token === undefined) {
          const saved = this.savedServer()
          if (saved) input = { ...input, server: saved.url, token: saved.token }
        }
      }
      return this.local.request(name, input, options)
    }
    if (name === 'projects.push') {
      return {
        ok: false,
        error: {
          code: 'invalid-input',
          message: 'a push copies a project of the local file: open the local file first',
        },
      }
    }
    const response = await remote.asEngine().request(name, input, options)
    // What the window says about where its data is: this server (not the server's own file),
    // seen from the desktop app.
    if (name === 'app.info' && response.ok) {
      return { ok: true, value: { ...(response.value as object), dbFile: remote.url, mode: 'desktop' } }
    }
    return response
  }

  current(): OpenStore {
    return this.remote
      ? { kind: 'server', url: this.remote.url, notice: this.notice }
      : { kind: 'local', file: this.options.localFile, notice: this.notice }
  }

  /** The window's title: always names the open store. */
  title(): string {
    const open = this.current()
    return open.kind === 'server' ? `${APP_TITLE} — team server ${open.url}` : `${APP_TITLE} — ${open.file}`
  }

  /**
   * Connects to a server: its answer to app.info proves the URL and token before anything
   * switches (a refused token leaves the local file open). The token is then stored
   * encrypted, or not at all where it cannot be.
   */
  async openServer(
    url: string,
    token: string,
  ): Promise<{ ok: true; open: OpenStore } | { ok: false; message: string }> {
    let client: RemoteClient
    try {
      client = new RemoteClient(url.trim(), token.trim())
    } catch (err) {
      return { ok: false, message: (err as Error).message.replace(/^--server: /, '') }
    }
    if (!token.trim()) return { ok: false, message: 'the token is missing' }
    const answer = await client.call('app.info', {})
    if (!answer.ok) {
      const error = answer.error as RemoteApiError
      return {
        ok: false,
        message:
          error.status === 401
            ? `${client.url} refused the token (HTTP 401): check it, or ask the server's admin for a new one`
            : error.status === 403
              ? `${client.url} refused (HTTP 403): ${error.message}`
              : error.message,
      }
    }
    this.remote = client
    const why = whyTokenCannotBeKept(this.options.vault(), this.options.platform ?? process.platform)
    if (why) {
      this.notice = `The token for ${client.url} is not stored: ${why}. It is used until the app quits; open the server again next time.`
      this.save({ open: 'local', server: undefined })
    } else {
      this.notice = null
      const tokenEncrypted = this.options.vault().encryptString(token.trim()).toString('base64')
      this.save({ open: 'server', server: { url: client.url, tokenEncrypted } })
    }
    return { ok: true, open: this.current() }
  }

  /** Back to the local file; the server's URL and encrypted token stay saved for next time. */
  openLocal(): OpenStore {
    this.remote = null
    this.notice = null
    const saved = this.load()
    this.save({ open: 'local', server: saved?.server })
    return this.current()
  }

  /** At start: the server that was open last, when its token can be decrypted; else the local file. */
  restoreLastOpened(): OpenStore {
    const saved = this.load()
    if (saved?.open !== 'server' || !saved.server) return this.current()
    const vault = this.options.vault()
    try {
      if (whyTokenCannotBeKept(vault, this.options.platform ?? process.platform)) throw new Error('no vault')
      const token = vault.decryptString(Buffer.from(saved.server.tokenEncrypted, 'base64'))
      this.remote = new RemoteClient(saved.server.url, token)
      this.notice = null
    } catch {
      this.notice = `The saved token for ${saved.server.url} cannot be read on this system any more: the local file is open. Open the team server again with its token.`
    }
    return this.current()
  }

  /** The remembered team server with its token, decrypted (for a push), or null when there is none or it cannot be read. */
  savedServer(): { url: string; token: string } | null {
    const saved = this.load()?.server
    if (!saved) return null
    const vault = this.options.vault()
    try {
      if (whyTokenCannotBeKept(vault, this.options.platform ?? process.platform)) return null
      return { url: saved.url, token: vault.decryptString(Buffer.from(saved.tokenEncrypted, 'base64')) }
    } catch {
      return null
    }
  }

  /** The saved URL (to fill in the dialog), never the token. */
  savedServerUrl(): string | null {
    return this.load()?.server?.url ?? null
  }

  private file(): string {
    return path.join(this.options.settingsDir, TEAM_SERVER_FILE)
  }

  private load(): Saved | null {
    try {
      const saved = JSON.parse(fs.readFileSync(this.file(), 'utf8')) as Saved
      return saved && (saved.open === 'local' || saved.open === 'server') ? saved : null
    } catch {
      return null
    }
  }

  private save(saved: Saved): void {
    fs.mkdirSync(this.options.settingsDir, { recursive: true })
    writeFileAtomically(this.file(), JSON.stringify(saved, null, 2) + '\n')
  }
}

export const STORE_CHANNELS = {
  openServer: 'shell:openServer',
  openLocal: 'shell:openLocal',
  current: 'shell:currentStore',
} as const

/**
 * The window's three store requests, each only from the app's own page: which store is open
 * (and the saved server URL, for the dialog), open a server (URL + token), back to the file.
 * `switched` runs after each switch (the shell retitles and reloads the window).
 */
export function registerStoreHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  stores: StoreSwitch,
  rendererUrl: string,
  switched: (open: OpenStore) => void,
): void {
  const trusted = (event: IpcMainInvokeEvent) => isTrustedUrl(event.senderFrame?.url ?? '', rendererUrl)
  ipcMain.handle(STORE_CHANNELS.current, (event: IpcMainInvokeEvent) =>
    trusted(event) ? { ...stores.current(), savedUrl: stores.savedServerUrl() } : null,
  )
  ipcMain.handle(STORE_CHANNELS.openServer, async (event: IpcMainInvokeEvent, url: unknown, token: unknown) => {
    if (!trusted(event) || typeof url !== 'string' || typeof token !== 'string' || url.length > 2000) {
      return { ok: false, message: 'refused' }
    }
    const result = await stores.openServer(url, token)
    if (result.ok) switched(result.open)
    return result
  })
  ipcMain.handle(STORE_CHANNELS.openLocal, (event: IpcMainInvokeEvent) => {
    if (!trusted(event)) return null
    const open = stores.openLocal()
    switched(open)
    return open
  })
}
