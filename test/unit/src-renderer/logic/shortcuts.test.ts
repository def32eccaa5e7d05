import { describe, expect, it } from 'vitest'
import { actionForKey, isAppAction, type KeyPress } from '../../../../src-renderer/src/logic/shortcuts'

const press = (code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key: code.replace('Key', '').toLowerCase(),
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
})

describe('keyboard shortcuts', () => {
  it('maps the desktop shortcuts (Ctrl or Cmd) to the menu actions', () => {
    expect(actionForKey(press('KeyN', { ctrlKey: true }))).toBe('new-project')
    expect(actionForKey(press('KeyN', { metaKey: true }))).toBe('new-project')
    expect(actionForKey(press('KeyG', { ctrlKey: true, shiftKey: true }))).toBe('new-generation')
    expect(actionForKey(press('KeyM', { metaKey: true, shiftKey: true }))).toBe('new-measurement')
    expect(actionForKey(press('KeyK', { ctrlKey: true }))).toBe('search')
    expect(actionForKey(press('KeyI', { ctrlKey: true }))).toBe('import')
    expect(actionForKey(press('KeyE', { ctrlKey: true }))).toBe('export')
  })

  it('has Alt shortcuts for the browser, where Ctrl+N is taken', () => {
    expect(actionForKey(press('KeyN', { altKey: true }))).toBe('new-project')
    expect(actionForKey(press('KeyG', { altKey: true }))).toBe('new-generation')
    expect(actionForKey(press('KeyM', { altKey: true }))).toBe('new-measurement')
    // macOS: Alt+N types "˜", but the physical key is still KeyN.
    expect(actionForKey({ ...press('KeyN', { altKey: true }), key: '˜' })).toBe('new-project')
  })

  it('ignores ordinary typing and other combinations', () => {
    expect(actionForKey(press('KeyN'))).toBeNull()
    expect(actionForKey(press('KeyG', { ctrlKey: true }))).toBeNull()
    expect(actionForKey(press('KeyC', { ctrlKey: true }))).toBeNull()
    expect(actionForKey(press('KeyN', { altKey: true, ctrlKey: true }))).toBeNull()
  })

  it('recognises the native menu actions', () => {
    expect(isAppAction('new-project')).toBe(true)
    expect(isAppAction('about')).toBe(true)
    expect(isAppAction('rm -rf')).toBe(false)
  })
})
