/**
 * Keyboard shortcuts, mapped to the same actions as the native menu. Ctrl+N is
 * taken by browsers, so every action also has an Alt shortcut that works in web mode.
 */

export type AppAction = 'new-project' | 'new-generation' | 'new-measurement' | 'import' | 'export' | 'search' | 'about'

export const APP_ACTIONS: readonly AppAction[] = [
  'new-project',
  'new-generation',
  'new-measurement',
  'import',
  'export',
  'search',
  'about',
]

export function isAppAction(value: unknown): value is AppAction {
  return typeof value === 'string' && (APP_ACTIONS as readonly string[]).includes(value)
}

export interface KeyPress {
  key: string
  code: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/** Shortcuts shown in the UI (aria-keyshortcuts uses the same text). */
export const SHORTCUTS: Record<Exclude<AppAction, 'about'>, { desktop: string; web: string; aria: string }> = {
  'new-project': { desktop: 'Ctrl/⌘+N', web: 'Alt+N', aria: 'Control+N Alt+N' },
  'new-generation': { desktop: 'Ctrl/⌘+Shift+G', web: 'Alt+G', aria: 'Control+Shift+G Alt+G' },
  'new-measurement': { desktop: 'Ctrl/⌘+Shift+M', web: 'Alt+M', aria: 'Control+Shift+M Alt+M' },
  import: { desktop: 'Ctrl/⌘+I', web: 'Alt+I', aria: 'Control+I Alt+I' },
  export: { desktop: 'Ctrl/⌘+E', web: 'Alt+E', aria: 'Control+E Alt+E' },
  search: { desktop: 'Ctrl/⌘+K', web: 'Ctrl/⌘+K', aria: 'Control+K Meta+K' },
}

/** The action a key press asks for, or null. Uses the physical key so Alt on macOS works too. */
export function actionForKey(press: KeyPress): AppAction | null {
  const letter = press.code.startsWith('Key') ? press.code.slice(3).toLowerCase() : press.key.toLowerCase()
  const mod = press.ctrlKey || press.metaKey
  if (mod && !press.altKey) {
    if (!press.shiftKey) {
      if (letter === 'n') return 'new-project'
      if (letter === 'k') return 'search'
      if (letter === 'i') return 'import'
      if (letter === 'e') return 'export'
    } else {
      if (letter === 'g') return 'new-generation'
      if (letter === 'm') return 'new-measurement'
    }
    return null
  }
  if (press.altKey && !mod && !press.shiftKey) {
    if (letter === 'n') return 'new-project'
    if (letter === 'g') return 'new-generation'
    if (letter === 'm') return 'new-measurement'
    if (letter === 'i') return 'import'
    if (letter === 'e') return 'export'
    if (letter === 'k') return 'search'
  }
  return null
}
