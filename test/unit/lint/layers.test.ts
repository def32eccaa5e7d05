/**
 * The layer rules of STYLE.md, as ESLint enforces them (eslint.config.js): each
 * forbidden import is fed to the real linter as if it were in that folder.
 */
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../support/tempDb'

const eslint = new ESLint({ cwd: REPO_ROOT })

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('layer rules', () => {
  it.each([
    ["import fs from 'node:fs'", /no Node modules/],
    ["import { app } from 'electron'", /must not use Electron/],
    ["import { ref } from 'vue'", /must not use the UI stack/],
    ["import { openApp } from '../../src-main/app'", /imports no other layer/],
    ["import Database from 'better-sqlite3'", /must not touch the database/],
  ])('src-shared refuses %s', async (line, message) => {
    const found = await problems('src-shared/tax/example.ts', `${line}\nexport const x = 1\n`)
    expect(found.join('\n')).toMatch(message)
  })

  it('src-shared refuses DOM and Node globals', async () => {
    const found = await problems('src-shared/tax/example.ts', 'export const w = window.innerWidth + process.pid\n')
    expect(found.filter((p) => p.startsWith('no-restricted-globals'))).toHaveLength(2)
  })

  it('src-main never imports the renderer', async () => {
    const found = await problems(
      'src-main/services/example.ts',
      "import { api } from '../../src-renderer/src/api/client'\nexport const x = api\n",
    )
    expect(found.join('\n')).toMatch(/src-main never imports the renderer/)
  })

  it.each([
    ["import { dispatch } from '../../../src-main/handlers'", /never imports src-main/],
    ["import fs from 'node:fs'", /no Node access/],
    ["import { ipcRenderer } from 'electron'", /no Node or database access/],
  ])('src-renderer refuses %s', async (line, message) => {
    const found = await problems('src-renderer/src/stores/example.ts', `${line}\nexport const x = 1\n`)
    expect(found.join('\n')).toMatch(message)
  })

  it('lets each layer import what is below it', async () => {
    expect(
      await problems(
        'src-main/services/example.ts',
        "import { formatPct } from '../../src-shared/tax'\nexport const x = formatPct\n",
      ),
    ).toEqual([])
    expect(
      await problems(
        'src-renderer/src/stores/example.ts',
        "import { formatPct } from '../../../src-shared/tax'\nexport const x = formatPct\n",
      ),
    ).toEqual([])
  })
})
