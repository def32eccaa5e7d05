/**
 * Electron's door: one `ipcMain.handle` per contract entry, each checking that the
 * sender is the app's own page before dispatching (which validates the input).
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { API_NAMES } from '../../src-shared/api/contract'
import { dispatch, type HandlerEnv } from '../handlers'
import { isTrustedUrl } from './security'

export const channelOf = (name: string) => `api:${name}`

export function registerApiHandlers(ipcMain: Pick<IpcMain, 'handle'>, env: HandlerEnv, rendererUrl: string): void {
  for (const name of API_NAMES) {
    ipcMain.handle(channelOf(name), (event: IpcMainInvokeEvent, input: unknown) => {
      const senderUrl = event.senderFrame?.url ?? ''
      if (!isTrustedUrl(senderUrl, rendererUrl)) {
        return {
          ok: false,
          error: { code: 'invalid-input', message: `request from an untrusted page refused: ${senderUrl}` },
        }
      }
      return dispatch(env, name, input)
    })
  }
}
