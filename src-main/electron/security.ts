/**
 * The window's security settings, kept in one place so the wiring test can check
 * them: isolated, sandboxed renderer without Node, a strict CSP, no navigation away
 * from the app, no new windows, and IPC answered only for the app's own page.
 */
import type { WebContents, WebPreferences } from 'electron'

export { CONTENT_SECURITY_POLICY } from '../csp'

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  }
}

/** True for the app's own page: the built renderer file, or the dev server in development. */
export function isTrustedUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url)
    const r = new URL(rendererUrl)
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname
    return u.origin === r.origin
  } catch {
    return false
  }
}

/** Denies navigation and new windows for a window's web contents. */
export function lockDownContents(contents: WebContents, rendererUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, rendererUrl)) event.preventDefault()
  })
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-attach-webview', (event) => event.preventDefault())
}
