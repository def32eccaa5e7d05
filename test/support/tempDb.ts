/** Real SQLite files in a fresh temp folder for each test, removed afterwards. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openApp, type OpenApp } from '../../src-main/app'

export function tempDir(prefix = 'atax-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function openTempApp(mode: 'desktop' | 'web' = 'desktop'): OpenApp & { dir: string; file: string } {
  const dir = tempDir()
  const file = path.join(dir, 'test.db')
  const app = openApp(file, mode)
  return {
    ...app,
    dir,
    file,
    close: () => {
      app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED_FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures')
