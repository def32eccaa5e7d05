/**
 * The web server relays to the engine host: while one tab's import runs, another
 * tab's list is answered; progress arrives as JSON Lines; closing the connection
 * cancels the import and writes nothing. Real HTTP, real workers, a real store (a SQLite file,
 * or a PostgreSQL database in the integration-pg run: the workers open its URL).
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startWebServer, TOKEN_HEADER, type WebServer } from '../../src-main/web/server'
import { startEngineHost, type EngineHost } from '../../src-main/engine/host'
import { openTempApp, REPO_ROOT } from '../support/tempDb'
import { rawSql } from '../support/sql'
import { bigCsv } from '../support/bigCsv'

let app: ReturnType<typeof openTempApp>
let engine: EngineHost
let web: WebServer
let generationId: number
beforeEach(async () => {
  app = openTempApp('web')
  const p = (await rawSql(app.env).get<{ id: number }>("INSERT INTO projects (name) VALUES ('Web') RETURNING id"))!
  generationId = (await rawSql(app.env).get<{ id: number }>(
    "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g1', '2024-01-01') RETURNING id",
    p.id,
  ))!.id
  engine = await startEngineHost({ dbFile: app.file, version: '0.0.0', mode: 'web' })
  web = await startWebServer({
    engine,
    rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
    maxUploadBytes: 1_000_000,
  })
})
afterEach(async () => {
  await web.close()
  await engine.close()
  app.close()
})

const post = (name: string, input: unknown, init: RequestInit & { progress?: boolean } = {}) =>
  fetch(`http://127.0.0.1:${web.port}/api/${name}`, {
    method: 'POST',
    body: JSON.stringify(input),
    headers: { 'x-atax-token': web.token, ...(init.progress ? { 'x-atax-progress': '1' } : {}) },
    signal: init.signal,
  })

const importInput = () => ({
  format: 'csv',
  fileName: 'big.csv',
  contentBase64: bigCsv(200_000).toString('base64'),
  generationId,
  role: 'baseline',
  list: 'summary',
})

/** Reads a JSON Lines response, calling `onLine` with each parsed line; resolves with the last. */
async function readLines(response: Response, onLine: (line: any) => void): Promise<any> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  let last: any = null
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffered += decoder.decode(value, { stream: true })
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines.filter(Boolean)) {
      last = JSON.parse(line)
      onLine(last)
    }
  }
  return last
}

describe('web server over the engine host', () => {
  it('answers another tab while an import runs, with progress as JSON Lines', async () => {
    const order: string[] = []
    const fractions: number[] = []
    let read: Promise<any> | null = null
    const response = await post('imports.run', importInput(), { progress: true })
    expect(response.headers.get('content-type')).toMatch(/ndjson/)
    const last = await readLines(response, (line) => {
      if (typeof line.progress !== 'number') return
      fractions.push(line.progress)
      read ??= post('projects.list', {})
        .then((r) => r.json())
        .then((r) => (order.push('read'), r))
    })
    order.push('import')
    expect(last).toMatchObject({ ok: true, value: { imported: 200_000 } })
    expect(await read).toMatchObject({ ok: true, value: [{ name: 'Web' }] })
    expect(order).toEqual(['read', 'import'])
    expect(new Set(fractions).size).toBeGreaterThanOrEqual(2)
  })

  it('an import whose connection closes (the Cancel button) writes nothing', async () => {
    const before = await rawSql(app.env).get('SELECT count(*) AS n FROM benchmark_measurements')
    const abort = new AbortController()
    const response = await post('imports.run', importInput(), { progress: true, signal: abort.signal })
    await expect(
      readLines(response, (line) => {
        if (typeof line.progress === 'number' && line.progress > 0) abort.abort()
      }),
    ).rejects.toThrow(/abort/i)
    // The next write waits for the writer, which has rolled the import back by then.
    const after = await post('projects.create', { name: 'After' })
    expect(after.status).toBe(200)
    expect(await rawSql(app.env).get('SELECT count(*) AS n FROM benchmark_measurements')).toEqual(before)
    expect(await rawSql(app.env).get('SELECT count(*) AS n FROM import_records')).toEqual({ n: 0 })
  })

  it('takes a file as a raw upload, then imports it by its upload id; refuses large and unknown uploads', async () => {
    const upload = (body: Buffer | ReadableStream, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${web.port}/upload?name=run.csv`, {
        method: 'POST',
        body,
        headers: { 'x-atax-token': web.token, ...headers },
        duplex: 'half',
      } as RequestInit)
    const sent = await upload(bigCsv(1_000))
    const answer = (await sent.json()) as { ok: true; value: { upload: string; size: number; name: string } }
    expect(answer).toMatchObject({ ok: true, value: { name: 'run.csv', size: bigCsv(1_000).length } })
    const imported = await post('imports.run', {
      format: 'csv',
      fileName: 'run.csv',
      upload: answer.value.upload,
      generationId,
      role: 'baseline',
    })
    expect(await imported.json()).toMatchObject({ ok: true, value: { imported: 1_000 } })
    // Used once: the id is forgotten (and its temporary file removed) once answered.
    const again = await post('imports.run', {
      format: 'csv',
      fileName: 'run.csv',
      upload: answer.value.upload,
      generationId,
      role: 'baseline',
    })
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({
      error: { message: expect.stringMatching(/not a file this app was given/) },
    })

    // Over the limit: refused from its declared size, before it is read.
    const declared = await upload(Buffer.alloc(2_000_000))
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: { message: expect.stringMatching(/run\.csv.*larger than/) } })
    // Streamed without a declared size: refused once it passes the limit.
    const chunk = new Uint8Array(100_000)
    let left = 30
    const stream = new ReadableStream({
      pull(controller) {
        if (left-- > 0) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await upload(stream as ReadableStream)
    expect(streamed.status).toBe(413)
    expect(await rawSql(app.env).get('SELECT count(*) AS n FROM benchmark_measurements')).toEqual({ n: 1_000 })
  })
})

describe('a request with its file, in one HTTP request (POST /api/<name>?file=F)', () => {
  const withFile = (
    name: string,
    input: unknown,
    body: Buffer | ReadableStream,
    headers: Record<string, string> = {},
    file = 'run.csv',
  ) =>
    fetch(`http://127.0.0.1:${web.port}/api/${name}?file=${encodeURIComponent(file)}`, {
      method: 'POST',
      body,
      headers: {
        'x-atax-token': web.token,
        'content-type': 'application/octet-stream',
        'x-atax-input': Buffer.from(JSON.stringify(input)).toString('base64url'),
        ...headers,
      },
      duplex: 'half',
    } as RequestInit)
  const input = () => ({ format: 'csv', fileName: 'run.csv', generationId, role: 'baseline' })
  // The servers' temporary folders in a folder of this test's own (other runs may upload meanwhile).
  let tmp = ''
  const tmpBefore = process.env.TMPDIR
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-web-tmp-'))
    process.env.TMPDIR = tmp
  })
  afterEach(() => {
    if (tmpBefore === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = tmpBefore
    fs.rmSync(tmp, { recursive: true, force: true })
  })
  const uploadsLeft = () =>
    fs
      .readdirSync(tmp)
      .filter((d) => d.startsWith('atax-uploads-'))
      .flatMap((d) => {
        try {
          return fs.readdirSync(path.join(tmp, d))
        } catch {
          return []
        }
      }).length

  it('imports the body as the file (progress as JSON Lines too), the same security headers; refuses what /upload refuses', async () => {
    const imported = await withFile('imports.run', input(), bigCsv(1_000))
    expect(imported.status).toBe(200)
    expect(imported.headers.get('x-content-type-options')).toBe('nosniff')
    expect(imported.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
    expect(await imported.json()).toMatchObject({ ok: true, value: { imported: 1_000 } })

    // With progress: JSON Lines on the same connection, the envelope last.
    const fractions: number[] = []
    const streamed = await withFile('imports.run', { ...input(), force: true }, bigCsv(30_000), {
      'x-atax-progress': '1',
    })
    expect(streamed.headers.get('content-type')).toMatch(/ndjson/)
    const last = await readLines(streamed, (line) => {
      if ('progress' in line) fractions.push(line.progress)
    })
    expect(last).toMatchObject({ ok: true, value: { imported: 30_000 } })

    // Declared over the limit: 413 before a byte is read; streamed over it: 413 once it passes.
    const declared = await withFile('imports.run', input(), Buffer.alloc(2_000_000))
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: { message: expect.stringMatching(/run\.csv.*larger than/) } })
    const chunk = new Uint8Array(100_000)
    let left = 30
    const stream = new ReadableStream({
      pull(controller) {
        if (left-- > 0) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const over = await withFile('imports.run', input(), stream as ReadableStream)
    expect(over.status).toBe(413)
    await over.text()

    // An input header that is not base64url JSON, or not an object; no file name: 400.
    const status = async (...args: Parameters<typeof withFile>) => {
      const r = await withFile(...args)
      await r.text()
      return r.status
    }
    expect(await status('imports.run', input(), bigCsv(10), { 'x-atax-input': '%%%' })).toBe(400)
    expect(await status('imports.run', [1, 2], bigCsv(10))).toBe(400)
    expect(await status('imports.run', input(), bigCsv(10), {}, '')).toBe(400)
    // The token is needed as for any request.
    expect(await status('imports.run', input(), bigCsv(10), { 'x-atax-token': 'wrong' })).toBe(401)
    // The input cannot name another file: the upload it names is the body's, whatever it says.
    const named = await withFile('imports.run', { ...input(), upload: 'not-an-id', force: true }, bigCsv(7))
    expect(await named.json()).toMatchObject({ ok: true, value: { imported: 7 } })

    // Every temporary file is gone once answered.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(uploadsLeft()).toBe(0)
    expect(await rawSql(app.env).get('SELECT count(*) AS n FROM import_records')).toEqual({ n: 3 })
  })

  it('a file body that stops arriving is refused with 408; nothing is written, no file left', async () => {
    const slow = await startWebServer({
      engine,
      rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
      bodyIdleTimeoutMs: 300,
    })
    try {
      const header = Buffer.from(JSON.stringify(input())).toString('base64url')
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(slow.port, '127.0.0.1', () => {
          socket.write(
            `POST /api/imports.run?file=run.csv HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\n` +
              `${TOKEN_HEADER}: ${slow.token}\r\nx-atax-input: ${header}\r\ncontent-length: 1000\r\n\r\nbenchmark,`,
          )
        })
        let text = ''
        socket.on('data', (chunk) => (text += chunk.toString('utf8')))
        socket.on('close', () => resolve(text))
        socket.on('error', reject)
      })
      expect(answer).toMatch(/^HTTP\/1\.1 408/)
      expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff')
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(uploadsLeft()).toBe(0)
      expect(await rawSql(app.env).get('SELECT count(*) AS n FROM import_records')).toEqual({ n: 0 })
    } finally {
      await slow.close()
    }
  })
})

describe('request bodies that stall', () => {
  it('a body that stops arriving is refused with 408 and its connection closed; nothing is written', async () => {
    const slow = await startWebServer({
      engine,
      rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
      bodyIdleTimeoutMs: 300,
    })
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(slow.port, '127.0.0.1', () => {
          // Headers and the first bytes of a body that promises more, then silence.
          socket.write(
            `POST /api/projects.create HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\n` +
              `${TOKEN_HEADER}: ${slow.token}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"name":`,
          )
        })
        let text = ''
        socket.on('data', (chunk) => (text += chunk.toString('utf8')))
        socket.on('close', () => resolve(text))
        socket.on('error', reject)
      })
      expect(answer).toMatch(/^HTTP\/1\.1 408/)
      expect(answer).toMatch(/the request body stopped arriving/)
      expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff')
      expect(await rawSql(app.env).get('SELECT count(*) AS n FROM projects')).toEqual({ n: 1 })
    } finally {
      await slow.close()
    }
  })

  it('the body timer covers the body only: a long request after it is not cut off', async () => {
    const quick = await startWebServer({
      engine,
      rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
      bodyIdleTimeoutMs: 100,
    })
    try {
      // An import whose work (100,000 rows) takes far longer than the 100 ms body timer.
      const csv = bigCsv(100_000)
      const response = await fetch(`${quick.url.split('?')[0]}api/imports.run`, {
        method: 'POST',
        headers: { [TOKEN_HEADER]: quick.token, 'content-type': 'application/json' },
        body: JSON.stringify({
          format: 'csv',
          fileName: 'big.csv',
          contentBase64: csv.toString('base64'),
          generationId,
          role: 'baseline',
        }),
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ ok: true, value: { imported: 100_000 } })
    } finally {
      await quick.close()
    }
  })
})

describe('request bodies over the limit', () => {
  it('a JSON body over 64 MiB is refused with 413: from its declared size before it is read, or once it passes the limit', async () => {
    const limit = 64 * 1024 * 1024
    // Declared: the server answers without reading the body (only the headers are sent here).
    const declared = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(web.port, '127.0.0.1', () => {
        socket.write(
          `POST /api/projects.create HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n` +
            `${TOKEN_HEADER}: ${web.token}\r\ncontent-type: application/json\r\ncontent-length: ${limit + 1}\r\n\r\n`,
        )
      })
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString('utf8')
        if (text.includes('\r\n\r\n') && text.includes('}')) socket.destroy()
      })
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
    expect(declared).toMatch(/^HTTP\/1\.1 413/)
    expect(declared).toMatch(/request too large/)
    // Streamed without a declared size, past the limit in 1 MiB chunks.
    const chunk = new Uint8Array(1024 * 1024).fill(32)
    let left = 65
    const body = new ReadableStream({
      pull(controller) {
        if (left-- > 0) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await fetch(`http://127.0.0.1:${web.port}/api/projects.create`, {
      method: 'POST',
      body,
      headers: { [TOKEN_HEADER]: web.token, 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    // The server is still there, and nothing was written.
    expect((await post('projects.list', {})).status).toBe(200)
    expect(await rawSql(app.env).get('SELECT count(*) AS n FROM projects')).toEqual({ n: 1 })
  })
})
