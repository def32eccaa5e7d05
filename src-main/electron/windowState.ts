/** Remembers the window's size and position between launches (a small JSON file in userData). */
import fs from 'node:fs'
import path from 'node:path'
import { writeFileAtomically } from '../files/atomic'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

const DEFAULT: WindowState = { width: 1280, height: 840, maximized: false }

export function loadWindowState(dir: string): WindowState {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'window-state.json'), 'utf8')) as Partial<WindowState>
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n)
    if (!ok(raw.width) || !ok(raw.height) || raw.width! < 400 || raw.height! < 300) return DEFAULT
    return {
      x: ok(raw.x) ? raw.x : undefined,
      y: ok(raw.y) ? raw.y : undefined,
      width: raw.width!,
      height: raw.height!,
      maximized: raw.maximized === true,
    }
  } catch {
    return DEFAULT
  }
}

export function saveWindowState(dir: string, state: WindowState): void {
  fs.mkdirSync(dir, { recursive: true })
  writeFileAtomically(path.join(dir, 'window-state.json'), JSON.stringify(state))
}
