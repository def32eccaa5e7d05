/**
 * `atax web` (what `npm run web` runs after building), spawned for real: it prints its URL with the token on
 * one line, listens on 127.0.0.1 only, serves the built renderer and refuses API
 * requests without the token. (The e2e tests drive the same server in Chromium.)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const dir = tempDir()
let child: ChildProcess | null = null
afterAll(() => {
  child?.kill('SIGTERM')
  fs.rmSync(dir, { recursive: true, force: true })
})

function start(args: string[]): Promise<{ line: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), 'web', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ATAX_DB: '' },
    })
    let out = ''
    let stderr = ''
    child.stdout!.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve({ line: out.split('\n')[0], stderr, code: null })
    })
    child.stderr!.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ line: out, stderr, code }))
  })
}

describe('atax web (npm run web)', () => {
  it('refuses a bad --port with a clear message', async () => {
    const r = await start(['--port', 'eighty', '--db', path.join(dir, 'x.db')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--port: "eighty" is not a port number/)
  })

  it('prints its URL with the token on one line and serves the app on 127.0.0.1', async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'out/renderer/index.html')))
      throw new Error('build first: npm test runs npm run build')
    const r = await start(['--port', '0', '--db', path.join(dir, 'web.db')])
    const match = /^Alignment Tax Planner \(web mode\) at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))$/.exec(r.line)
    expect(match, r.line + r.stderr).not.toBeNull()
    const [, url, port, token] = match!
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app">')
    const refused = await fetch(`http://127.0.0.1:${port}/api/app.info`, { method: 'POST', body: '{}' })
    expect(refused.status).toBe(401)
    const info = await fetch(`http://127.0.0.1:${port}/api/app.info`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-atax-token': token },
    })
    expect(await info.json()).toMatchObject({ ok: true, value: { mode: 'web', firstRun: true } })
    // fetch cannot set Host; a DNS-rebinding page would arrive with its own name.
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: Number(port), path: '/', headers: { host: 'attacker.example' } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        .on('error', reject),
    )
    expect(status).toBe(421)
    expect((await fetch(`http://127.0.0.1:${port}/%E0%A4%A`)).status).toBe(400)
    const badName = await fetch(`http://127.0.0.1:${port}/api/%ZZ`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-atax-token': token },
    })
    expect(badName.status).toBe(400)
  })
})
