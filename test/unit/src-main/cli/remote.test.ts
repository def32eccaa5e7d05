/**
 * `atax --server`'s answers to what a team server may say, in-process (runCli) against a
 * small HTTP server written here that answers as issue 12's design fixes it (401 bad
 * credentials, 403 role too low, 409 conflict): each has its exit code. Also: the token
 * goes as a Bearer header, a TLS failure and a server that is not atax are one line
 * naming the URL, and Ctrl-C closes the connection (which cancels the work on a server).
 * The real loopback server is driven in test/integration/cliRemote.test.ts.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type Io } from '../../../../src-main/cli/main'
import { RemoteClient } from '../../../../src-main/cli/remote'

let server: http.Server
let base = ''
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => {}
const seen: { url: string; authorization?: string }[] = []
let closedEarly: Promise<void> = Promise.resolve()

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization })
    answer(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const json = (status: number, body: unknown) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

async function atax(args: string[], onInterrupt?: Io['onInterrupt']) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
    env: {},
    cwd: process.cwd(),
    onInterrupt,
  })
  return { code, stdout, stderr }
}

describe('atax --server: what the server says becomes an exit code', () => {
  it('sends the token as a Bearer header and prints the answer', async () => {
    seen.length = 0
    answer = json(200, { ok: true, value: [] })
    const r = await atax(['--server', base, '--token', 'atax_secret', 'project', 'list', '--json'])
    expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: '' })
    expect(seen).toEqual([{ url: '/api/projects.list', authorization: 'Bearer atax_secret' }])
  })

  it.each([
    [401, 4, { code: 'invalid-input', message: 'missing or wrong token' }, /refused the credentials \(HTTP 401/],
    [403, 5, { code: 'invalid-input', message: 'viewer may not write' }, /refused \(HTTP 403\): viewer may not write/],
    [409, 6, { code: 'conflict', message: 'project "P" was changed by bob meanwhile' }, /changed by bob/],
  ])('HTTP %i exits %i', async (status, exit, error, message) => {
    answer = json(status, { ok: false, error })
    const r = await atax(['--server', base, '--token', 't', 'project', 'add', 'P'])
    expect(r.code).toBe(exit)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('a conflict answered in a progress stream (JSON Lines) exits 6 too', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      res.write('{"progress":0.5}\n')
      res.end(`${JSON.stringify({ ok: false, error: { code: 'conflict', message: 'changed meanwhile' } })}\n`)
    }
    const progress: number[] = []
    const client = new RemoteClient(base, 't')
    const response = await client.call('projects.list', {}, { onProgress: (f) => progress.push(f) })
    expect(progress).toEqual([0.5])
    expect(response).toMatchObject({ ok: false, error: { code: 'conflict' } })
  })

  it('a server that is not atax, and a TLS failure, are one line naming the URL (exit 1)', async () => {
    answer = (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>')
    const notAtax = await atax(['--server', base, '--token', 't', 'project', 'list'])
    expect(notAtax.code).toBe(1)
    expect(notAtax.stderr).toBe(
      `atax: ${base} answered HTTP 404 without an atax answer: is it an atax server (web mode or serve)?\n`,
    )
    // https:// to a plain-http port: the TLS handshake fails.
    const tls = base.replace('http:', 'https:')
    const r = await atax(['--server', tls, '--token', 't', 'project', 'list'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `atax: cannot reach the server at ${tls}: TLS failed: wrong version number (EPROTO): is it an https server? (http:// for a plain one)\n`,
    )
  })

  it('warns when a token would cross the network over plain http', async () => {
    // A name that never resolves (.invalid): the warning comes first, then unreachable.
    const r = await atax(['--server', 'http://atax.invalid', '--token', 't', 'project', 'list'])
    expect(r.stderr).toMatch(/^atax: warning: atax\.invalid is reached over plain http: the token travels unencrypted/)
    expect(r.stderr).toMatch(/\natax: cannot reach the server at http:\/\/atax\.invalid: /)
    expect(r.code).toBe(1)
  })

  it('Ctrl-C closes the connection (the server cancels the work) and exits 130', async () => {
    let interrupt: () => void = () => {}
    let arrived: () => void = () => {}
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve))
    closedEarly = new Promise<void>((resolve) => {
      answer = (req, res) => {
        // Never answers: a long import.
        res.on('close', () => resolve())
        req.resume()
        arrived()
      }
    })
    const running = atax(['--server', base, '--token', 't', 'project', 'list'], (handler) => {
      interrupt = handler
      return () => (interrupt = () => {})
    })
    await requestArrived
    interrupt()
    const r = await running
    await closedEarly
    expect(r.code).toBe(130)
    expect(r.stderr).toBe(
      `atax: cancelled: the connection to ${base} was closed, which stops the request on the server\n`,
    )
  })
})
