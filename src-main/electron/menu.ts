/** The native menu; each item sends its action to the page, which runs the same code as its buttons. */
import type { MenuItemConstructorOptions } from 'electron'

export type MenuAction =
  | 'new-project'
  | 'new-generation'
  | 'new-measurement'
  | 'import'
  | 'export'
  | 'search'
  | 'about'
  /** The page asks for the server's URL and token (then shell:openServer). */
  | 'open-server'
  /** Handled by the shell itself: back to the local file. */
  | 'open-local'

export function menuTemplate(send: (action: MenuAction) => void, isMac: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New project', accelerator: 'CmdOrCtrl+N', click: () => send('new-project') },
        { label: 'New generation', accelerator: 'CmdOrCtrl+Shift+G', click: () => send('new-generation') },
        { label: 'New measurement', accelerator: 'CmdOrCtrl+Shift+M', click: () => send('new-measurement') },
        { type: 'separator' },
        { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => send('import') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
        { type: 'separator' },
        { label: 'Open Team Server…', click: () => send('open-server') },
        { label: 'Open Local File', click: () => send('open-local') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Search', accelerator: 'CmdOrCtrl+K', click: () => send('search') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'help', submenu: [{ label: 'About Alignment Tax Planner', click: () => send('about') }] },
  ]
}
