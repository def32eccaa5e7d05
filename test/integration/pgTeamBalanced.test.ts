/**
 * Issue 12, item 6: several stateless `serve` processes over one store behind ANY load
 * balancer. Two real `serve` processes over one PostgreSQL database (a SQLite file when
 * ATAX_SKIP_PG=1), and in front of them a round-robin HTTP proxy written here that sends
 * each request to the other process than the one before — no sticky sessions. The built CLI
 * imports files (`atax --server PROXY import lm-eval …`) and pushes a project (`atax push`)
 * through it, several times: all succeed, because a request with a file is one HTTP request
 * (`POST /api/<name>?file=F`, src-main/web/server.ts). The older two-step form (`/upload`, then
 * a request naming its id) is shown failing behind the same proxy: the reason for the change.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, SKIP_PG, type TestDatabase } from '../support/postgres'
import { addUser, api, startServe, type ServeProcess } from '../support/teamServe'
import { REPO_ROOT, SHARED_FIXTURES, tempDir } from '../support/tempDb'

const LM_EVAL = path.join(SHARED_FIXTURES, 'lm-eval')
const PROJECT = 'RLHF pipeline (sample)'

/** The built CLI, spawned asynchronously (the proxy runs in this process and must keep serving). */
function atax(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), ...args], {
      cwd,
      env: { ...process.env, ATAX_DB: '', ATAX_SERVER: '', ATAX_TOKEN: '', ATAX_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * A round-robin reverse proxy: every request (not every connection: a kept-alive connection
 * does not stick either) goes to the next backend in turn, its body and answer streamed.
 */
async function startRoundRobin(backends: string[]) {
  let next = 0
  const seen: { backend: number; path: string }[] = []
  const server = http.createServer((req, res) => {
    const backend = next++ % backends.length
    seen.push({ backend, path: req.url ?? '' })
    const target = new URL(req.url ?? '/', backends[backend])
    const forward = http.request(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end()
      else res.destroy()
    })
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('two serve processes behind a round-robin balancer (no sticky sessions)', () => {
  const dir = tempDir('atax-balanced-')
  let database: TestDatabase | null = null
  let store = ''
  const servers: ServeProcess[] = []
  let proxy: Awaited<ReturnType<typeof startRoundRobin>>
  let editor = ''

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'out/main/cli.js'))) throw new Error('build first: npx electron-vite build')
    if (SKIP_PG) store = path.join(dir, 'team.db')
    else {
      database = await createTestDatabase('atax_balanced')
      store = database.url
    }
    editor = addUser(store, 'eddie', 'editor')
    servers.push(...(await Promise.all([startServe(store), startServe(store)])))
    proxy = await startRoundRobin(servers.map((s) => s.url))
  }, 120_000)

  afterAll(async () => {
    await proxy?.close()
    await Promise.all(servers.map((s) => s.stop()))
    await database?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the two-step /upload form fails there (the reason for the one-request form)', async () => {
    const uploaded = await fetch(`${proxy.url}/upload?name=x.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editor}` },
      body: 'benchmark,metric,value\nt,acc,0.5\n',
    })
    expect(uploaded.status).toBe(200)
    const { upload } = ((await uploaded.json()) as { value: { upload: string } }).value
    // The next request goes to the other process, which never saw that upload.
    const named = await api(proxy.url, editor, 'imports.run', {
      format: 'csv',
      fileName: 'x.csv',
      upload,
      generationId: 1,
      role: 'baseline',
    })
    expect(named.status).toBe(400)
    expect(named.body.error?.message).toMatch(/is not a file this app was given/)
  })

  it('atax --server PROXY import lm-eval, several times: every import succeeds, on either process', async () => {
    const remote = (...args: string[]) => atax(dir, ['--server', proxy.url, '--token', editor, ...args])
    const ok = async (...args: string[]) => {
      const r = await remote(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return r
    }
    const project = JSON.parse((await ok('--json', 'project', 'add', 'Balanced')).stdout) as { id: number }
    await ok('gen', 'add', '--project', 'Balanced', '--name', 'G1', '--pretrained', '2025-01-01')
    const imports: [string, 'baseline' | 'aligned'][] = [
      ['arc_challenge-v2.0-res.json', 'baseline'],
      ['hellaswag-v0-res.json', 'aligned'],
      ['leaderboard-v2-nested-groups-v04.json', 'baseline'],
      ['leaderboard-v2-nested-groups-v04.json', 'aligned'],
      ['truthfulqa_mc-v1-res.json', 'baseline'],
    ]
    const before = proxy.seen.length
    for (const [file, role] of imports) {
      const r = await ok(
        '--json',
        'import',
        'lm-eval',
        path.join(LM_EVAL, file),
        '--project',
        'Balanced',
        '--gen',
        'G1',
        '--role',
        role,
      )
      expect(JSON.parse(r.stdout), file).toMatchObject({ duplicate: false })
      expect((JSON.parse(r.stdout) as { imported: number }).imported, file).toBeGreaterThan(0)
    }
    // The same file again: recognised as a duplicate, whichever process answers.
    for (let k = 0; k < 2; k++) {
      const again = await ok(
        'import',
        'lm-eval',
        path.join(LM_EVAL, imports[0][0]),
        '--project',
        'Balanced',
        '--gen',
        'G1',
        '--role',
        imports[0][1],
      )
      expect(again.stdout).toMatch(/already imported into this generation/)
    }
    // The file requests went through the balancer as single requests, to both processes.
    const fileRequests = proxy.seen.slice(before).filter((r) => r.path.includes('?file='))
    expect(fileRequests.length).toBe(imports.length + 2)
    expect(proxy.seen.slice(before).some((r) => r.path.startsWith('/upload'))).toBe(false)
    expect(new Set(proxy.seen.slice(before).map((r) => r.backend))).toEqual(new Set([0, 1]))
    // Each process reads every import, whichever one took it.
    for (const server of servers) {
      const listed = await api(server.url, editor, 'imports.list', { projectId: project.id })
      expect(listed.status).toBe(200)
      expect((listed.body.value as unknown[]).length).toBe(imports.length)
    }
  }, 120_000)

  it('atax push through the balancer, several times: created once, then updated in place', async () => {
    const local = path.join(dir, 'local.db')
    const atLocal = async (...args: string[]) => {
      const r = await atax(dir, ['--db', local, ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return r
    }
    await atLocal('sample')
    await atLocal('gen', 'add', '--project', PROJECT, '--name', 'G-lm-eval', '--pretrained', '2025-01-01')
    for (const [file, role] of [
      ['arc_challenge-v2.0-res.json', 'baseline'],
      ['hellaswag-v0-res.json', 'aligned'],
    ]) {
      await atLocal(
        'import',
        'lm-eval',
        path.join(LM_EVAL, file),
        '--project',
        PROJECT,
        '--gen',
        'G-lm-eval',
        '--role',
        role,
      )
    }
    const ids = new Set<number>()
    for (let k = 0; k < 4; k++) {
      if (k === 2) await atLocal('gen', 'add', '--project', PROJECT, '--name', 'G-later', '--pretrained', '2025-02-01')
      const r = await atLocal('--json', 'push', '--project', PROJECT, '--server', proxy.url, '--token', editor)
      const pushed = JSON.parse(r.stdout) as { result: string; serverProjectId: number }
      expect(pushed.result).toBe(k === 0 ? 'created' : 'updated')
      ids.add(pushed.serverProjectId)
    }
    expect(ids.size).toBe(1)
    // Read back through each process directly: the same project, with the later generation.
    for (const server of servers) {
      const gens = await api(server.url, editor, 'generations.list', { projectId: [...ids][0] })
      expect(gens.status).toBe(200)
      expect((gens.body.value as { name: string }[]).map((g) => g.name)).toEqual(
        expect.arrayContaining(['G-lm-eval', 'G-later']),
      )
    }
  }, 180_000)
})
