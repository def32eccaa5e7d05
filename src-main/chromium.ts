/**
 * The one place that finds a Chromium to drive with Playwright: the end-to-end tests,
 * the bench and the PDF exporter (`atax export pdf`, web mode's Export → PDF) all ask
 * here. In order:
 *   1. ATAX_CHROMIUM, a path to a Chrome or Chromium binary;
 *   2. the npm package @sparticuz/chromium (Linux x64 only), whose tarball carries a
 *      headless Chromium, unpacked to the temp folder on first use (≈ 2 s);
 *   3. a system Chrome or Chromium at its usual places.
 * None found: one ChromiumNotFoundError that says all three ways to get one.
 * Nothing here downloads a browser. Playwright and @sparticuz/chromium are loaded
 * only when a browser is wanted, so the CLI's other commands start without them.
 */
import fs from 'node:fs'
import os from 'node:os'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import type { Browser } from 'playwright-core'

export type ChromiumSource = 'ATAX_CHROMIUM' | '@sparticuz/chromium' | 'system'

export interface FoundChromium {
  executablePath: string
  source: ChromiumSource
}

export class ChromiumNotFoundError extends Error {
  override name = 'ChromiumNotFoundError'
}

/** Flags for a headless browser that must never reach the network by itself. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Where a system Chrome or Chromium usually lives, per platform. */
export function systemChromiumPaths(platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
    ]
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(Boolean) as string[]
    return roots.flatMap((root) => [
      path.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.join(root, 'Chromium', 'Application', 'chrome.exe'),
    ])
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ]
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  arch?: string
  /** The browser of @sparticuz/chromium, unpacked; null when the package is not installed. */
  packaged?: () => Promise<string | null>
  systemPaths?: string[]
}

/** The folder of the installed @sparticuz/chromium package, or null. */
function sparticuzDir(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium')
    let dir = path.dirname(entry)
    while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
    return dir
  } catch {
    return null
  }
}

/**
 * Unpacks @sparticuz/chromium's Brotli-compressed browser once per version and user
 * into the temp folder. Written under a temporary name and renamed, so a process
 * stopped half-way, or two unpacking at once, never leave a truncated binary (the
 * package's own executablePath() writes /tmp/chromium in place).
 */
export async function unpackSparticuzChromium(): Promise<string | null> {
  const dir = sparticuzDir()
  if (!dir) return null
  const source = path.join(dir, 'bin', 'chromium.br')
  if (!fs.existsSync(source)) throw new Error(`${source} is missing: reinstall @sparticuz/chromium`)
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  const target = path.join(os.tmpdir(), `atax-chromium-${version}-${uid}`, 'chromium')
  if (fs.existsSync(target)) return target
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
  const partial = `${target}.${process.pid}.partial`
  try {
    await pipeline(
      fs.createReadStream(source),
      zlib.createBrotliDecompress(),
      fs.createWriteStream(partial, { mode: 0o755 }),
    )
    fs.renameSync(partial, target)
  } finally {
    fs.rmSync(partial, { force: true })
  }
  return target
}

// One unpacking per process, even when several callers ask at once.
let packagedPath: Promise<string | null> | null = null

export async function findChromium(options: FindOptions = {}): Promise<FoundChromium> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const arch = options.arch ?? process.arch
  const fromEnv = env.ATAX_CHROMIUM
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      throw new ChromiumNotFoundError(
        `ATAX_CHROMIUM=${fromEnv}: no such file (unset it, or point it at a Chrome or Chromium binary)`,
      )
    }
    return { executablePath: fromEnv, source: 'ATAX_CHROMIUM' }
  }
  let packagedProblem = ''
  if (platform === 'linux' && arch === 'x64') {
    try {
      const unpacked = options.packaged ? await options.packaged() : await (packagedPath ??= unpackSparticuzChromium())
      if (unpacked) return { executablePath: unpacked, source: '@sparticuz/chromium' }
    } catch (err) {
      packagedPath = null
      packagedProblem = ` (@sparticuz/chromium is installed but its browser could not be unpacked: ${(err as Error).message})`
    }
  }
  const system = (options.systemPaths ?? systemChromiumPaths(platform, env)).find((p) => fs.existsSync(p))
  if (system) return { executablePath: system, source: 'system' }
  throw new ChromiumNotFoundError(
    'no Chromium found (needed for PDF export and the browser tests)' +
      packagedProblem +
      '. Any of these works: set ATAX_CHROMIUM to a Chrome or Chromium binary; ' +
      (platform === 'linux' && arch === 'x64'
        ? 'npm install @sparticuz/chromium (it carries its own browser; Node ≥ 22.17); '
        : '') +
      'or install Google Chrome or Chromium (e.g. apt-get install chromium).',
  )
}

/**
 * The fonts @sparticuz/chromium brings are used only where the machine has no
 * fontconfig of its own (a container); a desktop's own fonts are better.
 */
async function launchEnv(found: FoundChromium): Promise<NodeJS.ProcessEnv | undefined> {
  const dir = sparticuzDir()
  if (found.source !== '@sparticuz/chromium' || !dir || fs.existsSync('/etc/fonts/fonts.conf')) return undefined
  const { inflate } = await import('@sparticuz/chromium')
  return { ...process.env, FONTCONFIG_PATH: await inflate(path.join(dir, 'bin', 'fonts.tar.br')) }
}

/** A headless Chromium driven by Playwright. */
export async function launchChromium(): Promise<Browser> {
  const found = await findChromium()
  const { chromium } = await import('playwright-core')
  const env = await launchEnv(found)
  try {
    return await chromium.launch({
      executablePath: found.executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      env,
    })
  } catch (err) {
    throw new ChromiumNotFoundError(
      `Chromium at ${found.executablePath} (from ${found.source}) did not start: ${(err as Error).message.split('\n')[0]}`,
    )
  }
}
