/**
 * The desktop packages, as far as they can be checked here: electron-builder cannot
 * run on this machine (it downloads Electron), so these tests check its configuration's
 * shape, the icon, and the `atax` launcher shipped inside the app. The launcher runs the
 * app's own Electron binary as Node; Electron's binary cannot run here either, so a
 * stand-in "electron" — a shell script that checks ELECTRON_RUN_AS_NODE=1 and execs
 * this Node — takes its place in a copy of the installed app's layout, whose
 * resources/app is this repo (built by npm test).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REPO_ROOT, tempDir } from '../../support/tempDb'

const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'electron-builder.json'), 'utf8'))
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
const LAUNCHER = path.join(REPO_ROOT, 'build', 'bin', 'atax')

describe('electron-builder configuration', () => {
  it('builds AppImage and deb, dmg and NSIS, with the app icon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.productName).toBe(pkg.productName)
    expect(pkg.scripts.dist).toMatch(/electron-vite build && electron-builder --config electron-builder\.json/)
    const png = fs.readFileSync(path.join(REPO_ROOT, config.icon))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]) // IHDR width, height
  })

  it('ships the built app and the atax launcher where the launcher looks for them', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'drizzle/**', 'package.json']))
    expect(config.asar).toBe(false) // the launcher runs resources/app/out/main/cli.js from disk
    expect(config.extraResources).toContainEqual({ from: 'build/bin', to: 'bin' })
    const launcher = fs.readFileSync(LAUNCHER, 'utf8')
    expect(launcher).toContain(`/${config.linux.executableName}"`)
    expect(launcher).toContain(`MacOS" && pwd -P)/${config.productName}"`)
    expect(fs.readFileSync(path.join(REPO_ROOT, 'build', 'bin', 'atax.cmd'), 'utf8')).toContain(
      `${config.productName}.exe`,
    )
    const afterInstall = fs.readFileSync(path.join(REPO_ROOT, config.deb.afterInstall), 'utf8')
    expect(afterInstall).toContain(`/opt/${config.productName}/resources/bin/atax' /usr/bin/atax`)
  })

  it('is a devDependency that downloads nothing at npm install', () => {
    expect(pkg.devDependencies['electron-builder']).toBeDefined()
    expect(pkg.dependencies['electron-builder']).toBeUndefined()
    expect(pkg.allowScripts?.['electron-builder']).not.toBe(true)
  })
})

describe('the atax launcher inside the desktop app (stand-in Electron)', () => {
  let dir = ''
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  /** An installed app's layout: the stand-in binary, resources/bin/atax, resources/app. */
  function installApp(binary: string, resources: string): void {
    fs.mkdirSync(path.dirname(binary), { recursive: true })
    fs.writeFileSync(
      binary,
      `#!/bin/sh\n# Stand-in for Electron's binary, which cannot run here.\n` +
        `[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "not run as node" >&2; exit 99; }\n` +
        `exec '${process.execPath}' "$@"\n`,
      { mode: 0o755 },
    )
    fs.mkdirSync(path.join(resources, 'bin'), { recursive: true })
    fs.copyFileSync(LAUNCHER, path.join(resources, 'bin', 'atax'))
    fs.chmodSync(path.join(resources, 'bin', 'atax'), 0o755)
    fs.symlinkSync(REPO_ROOT, path.join(resources, 'app'))
  }

  function run(command: string, args: string[]) {
    const r = spawnSync(command, args, { encoding: 'utf8', cwd: dir, env: { ...process.env, ATAX_DB: '' } })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  it('runs the built CLI with the app binary as Node, through a /usr/bin/atax link (Linux)', () => {
    dir = tempDir('atax-launcher-')
    const app = path.join(dir, 'opt', 'Alignment Tax Planner')
    installApp(path.join(app, 'alignment-tax-planner'), path.join(app, 'resources'))
    fs.mkdirSync(path.join(dir, 'usr', 'bin'), { recursive: true })
    const link = path.join(dir, 'usr', 'bin', 'atax')
    fs.symlinkSync(path.join(app, 'resources', 'bin', 'atax'), link)

    const tax = run(link, ['--json', 'tax', 'inference', '--policy', '0.1:4'])
    expect(tax.stderr).toBe('')
    expect(JSON.parse(tax.stdout).taxPct).toBeCloseTo(30, 10)
    const db = path.join(dir, 'launcher.db')
    expect(run(link, ['--db', db, 'sample']).code).toBe(0)
    const gens = JSON.parse(
      run(link, ['--db', db, '--json', 'gen', 'list', '--project', 'RLHF pipeline (sample)']).stdout,
    )
    expect(gens.map((g: { ttdMonths: number }) => g.ttdMonths)).toEqual([9, 3])
  })

  it('finds the binary in Contents/MacOS on macOS', () => {
    dir = tempDir('atax-launcher-')
    const contents = path.join(dir, 'Alignment Tax Planner.app', 'Contents')
    installApp(path.join(contents, 'MacOS', 'Alignment Tax Planner'), path.join(contents, 'Resources'))
    const r = run(path.join(contents, 'Resources', 'bin', 'atax'), [
      '--json',
      'tax',
      'perf',
      '--baseline',
      '80',
      '--aligned',
      '76',
    ])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).regressionPct).toBeCloseTo(5, 10)
  })

  it('says where it belongs when it is run outside an app', () => {
    dir = tempDir('atax-launcher-')
    fs.copyFileSync(LAUNCHER, path.join(dir, 'atax'))
    fs.chmodSync(path.join(dir, 'atax'), 0o755)
    const r = run(path.join(dir, 'atax'), ['--help'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/belongs in the desktop app's resources\/bin folder/)
  })
})
