/**
 * The order in which a Chromium is looked for: ATAX_CHROMIUM, then @sparticuz/chromium
 * (Linux x64), then a system browser; and the one message when there is none. Real
 * files in a temp folder stand for the binaries; the unpacking itself is exercised by
 * every browser test (they launch what findChromium returns).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ChromiumNotFoundError, findChromium, systemChromiumPaths } from '../../../src-main/chromium'
import { tempDir } from '../../support/tempDb'

let dir: string
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

function file(name: string): string {
  const p = path.join(dir, name)
  fs.writeFileSync(p, '')
  return p
}

describe('findChromium', () => {
  it('takes ATAX_CHROMIUM first, before the npm package and the system browser', async () => {
    dir = tempDir()
    const own = file('my-chrome')
    const found = await findChromium({
      env: { ATAX_CHROMIUM: own },
      platform: 'linux',
      arch: 'x64',
      packaged: async () => file('packaged'),
      systemPaths: [file('system')],
    })
    expect(found).toEqual({ executablePath: own, source: 'ATAX_CHROMIUM' })
  })

  it('says so when ATAX_CHROMIUM points at nothing, instead of falling back silently', async () => {
    dir = tempDir()
    const missing = path.join(dir, 'nope')
    await expect(findChromium({ env: { ATAX_CHROMIUM: missing }, systemPaths: [file('system')] })).rejects.toThrow(
      `ATAX_CHROMIUM=${missing}: no such file`,
    )
  })

  it('takes @sparticuz/chromium on Linux x64, before a system browser', async () => {
    dir = tempDir()
    const packaged = file('packaged')
    const found = await findChromium({
      env: {},
      platform: 'linux',
      arch: 'x64',
      packaged: async () => packaged,
      systemPaths: [file('system')],
    })
    expect(found).toEqual({ executablePath: packaged, source: '@sparticuz/chromium' })
  })

  it('does not ask for the npm package on other platforms', async () => {
    dir = tempDir()
    const system = file('system')
    let asked = false
    const found = await findChromium({
      env: {},
      platform: 'linux',
      arch: 'arm64',
      packaged: async () => {
        asked = true
        return file('packaged')
      },
      systemPaths: [path.join(dir, 'absent'), system],
    })
    expect(found).toEqual({ executablePath: system, source: 'system' })
    expect(asked).toBe(false)
  })

  it('falls back to the system browser when the package is not installed or cannot unpack', async () => {
    dir = tempDir()
    const system = file('system')
    const absent = await findChromium({
      env: {},
      platform: 'linux',
      arch: 'x64',
      packaged: async () => null,
      systemPaths: [system],
    })
    expect(absent.source).toBe('system')
    const broken = await findChromium({
      env: {},
      platform: 'linux',
      arch: 'x64',
      packaged: async () => {
        throw new Error('disk full')
      },
      systemPaths: [system],
    })
    expect(broken.source).toBe('system')
  })

  it('names every way to get a browser when none is found', async () => {
    dir = tempDir()
    const error = await findChromium({
      env: {},
      platform: 'linux',
      arch: 'x64',
      packaged: async () => {
        throw new Error('disk full')
      },
      systemPaths: [path.join(dir, 'absent')],
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChromiumNotFoundError)
    const message = (error as Error).message
    expect(message).toContain('ATAX_CHROMIUM')
    expect(message).toContain('@sparticuz/chromium')
    expect(message).toContain('disk full')
    expect(message).toContain('apt-get install chromium')
  })

  it('knows where Chrome lives on each platform', () => {
    expect(systemChromiumPaths('linux')).toContain('/usr/bin/chromium')
    expect(systemChromiumPaths('darwin')[0]).toMatch(/Google Chrome\.app/)
    expect(systemChromiumPaths('win32', { PROGRAMFILES: 'C:\\Program Files' })[0]).toMatch(/chrome\.exe$/)
  })
})
