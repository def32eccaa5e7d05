/**
 * `atax --server URL --token T …`: the real `atax` (built) against the real loopback web
 * mode server (`atax web`, spawned, which accepts its per-launch token as a Bearer
 * token), compared with the same commands run in-process with `--db` on the very file
 * that server serves: the answers are identical. Plus what a client must say when the
 * token is wrong, the server is not there, or the command only makes sense locally.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAtax } from '../support/atax'
import { REPO_ROOT, SHARED_FIXTURES, tempDir } from '../support/tempDb'

const dir = tempDir()
const served = path.join(dir, 'served.db')
let child: ChildProcess | null = null
let base = ''
let token = ''

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'out/renderer/index.html')))
    throw new Error('build first: npm test runs npm run build')
  child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), 'web', '--port', '0', '--db', served], {
    cwd: dir,
    env: { ...process.env, ATAX_DB: '' },
  })
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    let err = ''
    child!.stdout!.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child!.stderr!.on('data', (d) => (err += d))
    child!.on('exit', (code) => reject(new Error(`atax web exited ${code}: ${err}`)))
  })
  const match = /at (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)$/.exec(line)
  if (!match) throw new Error(`atax web printed: ${line}`)
  ;[, base, token] = match
})

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

const remote = (...args: string[]) => runAtax(dir, ['--server', base, '--token', token, ...args])
const local = (file: string, ...args: string[]) => runAtax(dir, ['--db', file, ...args])
const ok = (r: ReturnType<typeof runAtax>) => {
  expect(r.code, r.stderr).toBe(0)
  return r
}

const PROJECT = 'RLHF pipeline (sample)'
const FIXTURE = path.join(SHARED_FIXTURES, 'lm-eval/arc_challenge-v2.0-res.json')

describe('atax --server against the loopback web mode server', () => {
  it('runs the commands over HTTP with the same answers as --db on the same file', () => {
    // A write, then the same write in-process on a file of its own: the same answer.
    const other = path.join(dir, 'other.db')
    expect(ok(remote('--json', 'sample')).stdout).toBe(ok(local(other, '--json', 'sample')).stdout)

    for (const args of [
      ['project', 'list', '--json'],
      ['gen', 'list', '--project', PROJECT, '--json'],
      ['summary', '--project', PROJECT, '--json'],
    ]) {
      const overHttp = ok(remote(...args)).stdout
      expect(overHttp.length).toBeGreaterThan(10)
      expect(overHttp, args.join(' ')).toBe(ok(local(served, ...args)).stdout)
    }

    // An import of a real file, streamed to /upload: the same result as the in-process import.
    const importArgs = ['import', 'lm-eval', FIXTURE, '--project', PROJECT, '--gen', 'G9', '--role', 'baseline']
    ok(remote('gen', 'add', '--project', PROJECT, '--name', 'G9', '--pretrained', '2025-01-01'))
    ok(local(other, 'gen', 'add', '--project', PROJECT, '--name', 'G9', '--pretrained', '2025-01-01'))
    const imported = ok(remote('--json', ...importArgs)).stdout
    expect(JSON.parse(imported)).toMatchObject({ imported: 2, duplicate: false })
    expect(imported).toBe(ok(local(other, '--json', ...importArgs)).stdout)
    // Human output too, and the duplicate is recognised on the server.
    expect(ok(remote(...importArgs)).stdout).toMatch(/already imported into this generation/)
    const perf = ['perf', 'list', '--project', PROJECT, '--gen', 'G9', '--json']
    expect(ok(remote(...perf)).stdout).toBe(ok(local(served, ...perf)).stdout)
  })

  it('exports to --out (the backup streamed into the file) as --db does', () => {
    const stamp = (text: string) =>
      text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"…"').replace(/Generated on \S+ \(\S+\)/, 'Generated on … (…)')
    for (const format of ['json', 'md', 'csv']) {
      const viaServer = path.join(dir, `server.${format}`)
      const viaDb = path.join(dir, `db.${format}`)
      expect(ok(remote('export', format, '--out', viaServer)).stderr).toBe(`wrote ${viaServer}\n`)
      ok(local(served, 'export', format, '--out', viaDb))
      const text = fs.readFileSync(viaServer, 'utf8')
      expect(text.length, format).toBeGreaterThan(100)
      expect(stamp(text), format).toBe(stamp(fs.readFileSync(viaDb, 'utf8')))
    }
    // An existing --out is only replaced with --force, as locally; no partial file is left behind.
    const existing = path.join(dir, 'server.json')
    const refused = remote('export', 'json', '--out', existing)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/already exists: pass --force/)
    ok(remote('export', 'json', '--out', existing, '--force'))
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
  })

  it('restores a backup by uploading it', () => {
    const backup = path.join(dir, 'server.json')
    expect(ok(remote('import', 'backup', backup)).stdout).toMatch(/^restored 1 project\(s\)/)
    expect(JSON.parse(ok(remote('project', 'list', '--json')).stdout)).toHaveLength(1)
  })

  it('takes the server and token from $ATAX_SERVER and $ATAX_TOKEN, or the token from the URL web mode prints', () => {
    const viaEnv = runAtax(dir, ['project', 'list', '--json'], { ATAX_SERVER: base, ATAX_TOKEN: token })
    expect(ok(viaEnv).stdout).toBe(ok(local(served, 'project', 'list', '--json')).stdout)
    ok(runAtax(dir, ['--server', `${base}/?token=${token}`, 'project', 'list']))
    // Messages name the server without the token its URL carried.
    const refused = runAtax(dir, ['--server', `${base}/?token=wrong-token`, 'project', 'list'])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(new RegExp(`^atax: ${base} refused the credentials`))
    expect(refused.stderr).not.toContain('wrong-token')
  })

  it('a wrong token exits 4; no token, --db beside --server and local-only commands are usage errors', () => {
    const wrong = runAtax(dir, ['--server', base, '--token', 'not-the-token', 'project', 'list'])
    expect(wrong.code).toBe(4)
    expect(wrong.stderr).toBe(
      `atax: ${base} refused the credentials (HTTP 401: missing or wrong token): check --token or $ATAX_TOKEN\n`,
    )
    expect(wrong.stdout).toBe('')

    const noToken = runAtax(dir, ['--server', base, 'project', 'list'])
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toMatch(/--server needs a token: --token T or \$ATAX_TOKEN/)

    const both = runAtax(dir, ['--server', base, '--token', token, '--db', served, 'project', 'list'])
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/--server and --db name two different stores/)
    const envAndDb = runAtax(dir, ['--db', served, 'project', 'list'], { ATAX_SERVER: base, ATAX_TOKEN: token })
    expect(envAndDb.code).toBe(2)
    expect(envAndDb.stderr).toMatch(/unset ATAX_SERVER, or drop --db/)

    for (const args of [
      ['snapshot', 'list'],
      ['web', '--port', '0'],
    ]) {
      const r = remote(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`atax ${args[0]}( list)? works on a local database only`))
    }
    // The tax commands need no store: they just run.
    expect(ok(remote('tax', 'inference', '--policy', '0.1:4')).stdout).toMatch(/30(\.0)?% more inference compute/)
  })

  it('an unreachable server is one line naming its URL, exit 1', () => {
    const r = runAtax(dir, ['--server', 'http://127.0.0.1:9', '--token', 't', 'project', 'list'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'atax: cannot reach the server at http://127.0.0.1:9: connection refused: is the server running, on that port? (ECONNREFUSED)\n',
    )
    const notUrl = runAtax(dir, ['--server', 'ftp://example.org', '--token', 't', 'project', 'list'])
    expect(notUrl.code).toBe(2)
    expect(notUrl.stderr).toMatch(/is not an http:\/\/ or https:\/\/ URL/)
  })

  it('Ctrl-C (SIGINT) closes the connection, which cancels the request on the server; exit 130', async () => {
    // A server that takes its time (a long import): it sees the connection close.
    let arrived: () => void = () => {}
    let closed: () => void = () => {}
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve))
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve))
    const slow = http.createServer((req, res) => {
      res.on('close', closed)
      req.resume()
      arrived()
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`
      const cli = spawn(
        process.execPath,
        [path.join(REPO_ROOT, 'bin/atax.mjs'), '--server', url, '--token', 't', 'project', 'list'],
        { cwd: dir, env: { ...process.env, ATAX_DB: '' } },
      )
      let stderr = ''
      cli.stderr.on('data', (d) => (stderr += d))
      const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)))
      await requestArrived
      cli.kill('SIGINT')
      expect(await exited).toBe(130)
      await connectionClosed
      expect(stderr).toBe(
        `atax: cancelled: the connection to ${url} was closed, which stops the request on the server\n`,
      )
    } finally {
      slow.closeAllConnections()
      await new Promise((resolve) => slow.close(resolve))
    }
  })
})
