/**
 * Web mode's answers on a real server and a real database: security headers on every
 * answer (pages, API, errors, 404s), and a cross-origin `text/plain` POST (what a hostile
 * page can send without a preflight) refused, with nothing written.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebServer, TOKEN_HEADER, type WebServer } from '../../src-main/web/server'
import { openTempApp, tempDir } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
let web: WebServer
let rendererDir: string
beforeAll(async () => {
  app = openTempApp('web')
  rendererDir = tempDir('atax-renderer-')
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  web = await startWebServer({ env: app.env, rendererDir })
})
afterAll(async () => {
  await web.close()
  app.close()
  fs.rmSync(rendererDir, { recursive: true, force: true })
})

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}
function request(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: web.port,
        method,
        path: urlPath,
        headers: { host: `127.0.0.1:${web.port}`, ...headers },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
const withToken = (extra: Record<string, string> = {}) => ({
  [TOKEN_HEADER]: web.token,
  'content-type': 'application/json',
  ...extra,
})
const projectCount = async () => await rawSql(app.env).value('SELECT count(*) FROM projects')

describe('security headers on every answer', () => {
  const cases: [string, () => Promise<Answer>, number][] = [
    ['the page', () => request('GET', '/'), 200],
    ['a missing file (404)', () => request('GET', '/nope.js'), 404],
    ['a malformed path (400)', () => request('GET', '/%E0%A4%A'), 400],
    ['a POST to a page (405)', () => request('POST', '/'), 405],
    ['a wrong Host (421)', () => request('GET', '/', { host: 'evil.example' }), 421],
    ['an API answer', () => request('POST', '/api/app.info', withToken(), '{}'), 200],
    ['an API error', () => request('POST', '/api/projects.create', withToken(), '{"name":""}'), 400],
    ['an unknown request', () => request('POST', '/api/nope', withToken(), '{}'), 404],
    ['a missing token (401)', () => request('POST', '/api/app.info', {}, '{}'), 401],
    ['a body that is not JSON', () => request('POST', '/api/app.info', withToken(), '{'), 400],
    ['a GET of the API (405)', () => request('GET', '/api/app.info', withToken()), 405],
  ]
  it.each(cases)('%s', async (_what, send, status) => {
    const r = await send()
    expect(r.status).toBe(status)
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['x-frame-options']).toBe('DENY')
    expect(r.headers['referrer-policy']).toBe('no-referrer')
    expect(r.headers['cache-control']).toBe('no-store')
    expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    if (status !== 200 || r.headers['content-type']?.startsWith('application/json')) {
      expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/)
    }
  })
})

describe('cross-origin requests', () => {
  it.each([
    ['without the token', {}],
    ['even with the token', { [TOKEN_HEADER]: 'TOKEN' }],
  ])('a text/plain POST from another origin is refused %s, and nothing is written', async (_what, extra) => {
    const before = await projectCount()
    const headers: Record<string, string> = {
      origin: 'http://evil.example',
      'content-type': 'text/plain;charset=UTF-8',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v === 'TOKEN' ? web.token : v])),
    }
    const r = await request('POST', '/api/projects.create', headers, JSON.stringify({ name: 'Planted' }))
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { message: 'cross-origin request refused' } })
    expect(await projectCount()).toBe(before)
  })

  it('the same request from the app itself is served (the refusal is about the origin)', async () => {
    const r = await request(
      'POST',
      '/api/projects.create',
      withToken({ origin: `http://127.0.0.1:${web.port}` }),
      JSON.stringify({ name: 'From the app' }),
    )
    expect(r.status).toBe(200)
  })
})
