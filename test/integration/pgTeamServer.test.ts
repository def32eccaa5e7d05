/**
 * The team server over PostgreSQL (issue 12, items 1, 2 and 6), as an administrator runs it:
 * the built CLI on a `postgres://` store (users, any command; file-only commands refused; the
 * URL's password never printed), and two real `serve` processes over one database — stateless:
 * a session cookie from one works on the other, a write through one is read through the other;
 * reads are answered while a long import runs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, PASSWORD_USER, SKIP_PG, type TestDatabase } from '../support/postgres'
import { addUser, api, atax, startServe, type ServeProcess } from '../support/teamServe'

const describePg = SKIP_PG ? describe.skip : describe

describePg('the team server on PostgreSQL', () => {
  let database: TestDatabase
  /** The store's URL, with a password in it (the test server's user has one). */
  let store: string
  const servers: ServeProcess[] = []

  beforeAll(async () => {
    database = await createTestDatabase('atax_serve')
    store = database.url
  }, 60_000)
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    await database?.drop()
  })

  it('runs every command on the store by its URL; file-only commands say so; the password is never printed', () => {
    const admin = atax(
      ['--store', store, '--json', 'users', 'add', 'ada', '--role', 'admin', '--password-stdin'],
      'ada-correct-horse\n',
    )
    expect(admin.stderr).toBe('')
    expect(admin.code).toBe(0)
    expect(JSON.parse(admin.stdout)).toMatchObject({ name: 'ada', role: 'admin' })
    expect(atax(['--store', store, 'users', 'add', 'ada', '--role', 'viewer']).code).toBe(6)

    const made = atax(['--store', store, '--json', 'project', 'add', 'Shared on pg'])
    expect(made.code).toBe(0)
    const listed = atax(['--store', store, '--json', 'project', 'list'])
    expect(listed.code).toBe(0)
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name)).toContain('Shared on pg')

    // The app's JSON backup, taken on the database machine.
    const out = path.join(os.tmpdir(), `atax-pg-backup-${process.pid}.jsonl`)
    try {
      const exported = atax(['--store', store, 'export', 'json', '--out', out])
      expect(exported.stderr).toBe(`wrote ${out}\n`)
      expect(exported.code).toBe(0)
      expect(fs.readFileSync(out, 'utf8')).toContain('Shared on pg')
    } finally {
      fs.rmSync(out, { force: true })
    }

    for (const args of [
      ['snapshot', 'list'],
      ['web', '--port', '0'],
    ]) {
      const r = atax(['--store', store, ...args])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/works on a SQLite file only, not on the PostgreSQL store/)
    }
    const password = new URL(store).password
    const wrongDb = new URL(store)
    wrongDb.pathname = '/atax_no_such_database'
    const missing = atax(['--store', wrongDb.toString(), 'project', 'list'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/atax_no_such_database/)
    // A password the server refuses: said, and never printed.
    const refused = new URL(store)
    refused.username = PASSWORD_USER
    refused.password = 'not-the-Pa55word'
    const login = atax(['--store', refused.toString(), 'project', 'list'])
    expect(login.code).toBe(1)
    expect(login.stderr).toMatch(new RegExp(`^atax: .*${PASSWORD_USER}`))
    expect(login.stdout + login.stderr).not.toContain('not-the-Pa55word')
    if (password) {
      for (const r of [admin, made, listed, missing]) expect(r.stdout + r.stderr).not.toContain(password)
    }
  })

  it('two serve processes over one database: a cookie from one works on the other, a write through one is read through the other', async () => {
    const eddie = addUser(store, 'eddie', 'editor')
    servers.push(...(await Promise.all([startServe(store), startServe(store)])))
    const [a, b] = servers
    expect(a.url).not.toBe(b.url)
    if (new URL(store).password) expect(a.stderr() + b.stderr()).not.toContain(new URL(store).password)

    // A write through A, read through B.
    const created = await api(a.url, eddie, 'projects.create', { name: 'Written through A' })
    expect(created.status).toBe(200)
    const seen = await api(b.url, eddie, 'projects.list', {})
    expect(seen.body.value.map((p: { name: string }) => p.name)).toContain('Written through A')

    // Signed in at A; the cookie (and its CSRF token) works at B, for reads and writes.
    const login = await fetch(`${a.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ada', password: 'ada-correct-horse' }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]
    const { csrfToken } = ((await login.json()) as { value: { csrfToken: string } }).value
    const me = await fetch(`${b.url}/auth/session`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ ok: true, value: { name: 'ada', role: 'admin', via: 'cookie' } })
    const write = await fetch(`${b.url}/api/projects.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'Written through B by cookie' }),
    })
    expect(write.status).toBe(200)
    const both = await api(a.url, eddie, 'projects.list', {})
    expect(both.body.value.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Written through A', 'Written through B by cookie']),
    )
    // Signed out at B: the session is gone at A too.
    const out = await fetch(`${b.url}/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })
    expect(out.status).toBe(200)
    expect((await fetch(`${a.url}/auth/session`, { headers: { cookie } })).status).toBe(401)
    // A user removed through one server's store is refused by both at once.
    expect(atax(['--store', store, 'users', 'remove', 'eddie']).code).toBe(0)
    expect((await api(a.url, eddie, 'projects.list', {})).status).toBe(401)
    expect((await api(b.url, eddie, 'projects.list', {})).status).toBe(401)
  }, 60_000)

  it('answers reads while a long import runs (the import parses in the writer thread)', async () => {
    const ivy = addUser(store, 'ivy', 'editor')
    const [a] = servers
    const project = await api(a.url, ivy, 'projects.create', { name: 'Long import' })
    const gen = await api(a.url, ivy, 'generations.create', {
      projectId: project.body.value.id,
      name: 'big',
      pretrainedOn: '2024-01-01',
    })
    const rows = 60_000
    const csv = `benchmark,metric,value\n${Array.from({ length: rows }, (_, k) => `t${k},acc,0.${k % 10}`).join('\n')}\n`
    const upload = await fetch(`${a.url}/upload?name=big.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ivy}` },
      body: csv,
    })
    expect(upload.status).toBe(200)
    const { upload: id } = ((await upload.json()) as { value: { upload: string } }).value
    let done = false
    const importing = api(a.url, ivy, 'imports.run', {
      format: 'csv',
      fileName: 'big.csv',
      upload: id,
      generationId: gen.body.value.id,
      role: 'baseline',
    }).finally(() => (done = true))
    const during: number[] = []
    while (!done) {
      const t0 = performance.now()
      const r = await api(a.url, ivy, 'projects.list', {})
      expect(r.status).toBe(200)
      if (!done) during.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const imported = await importing
    expect(imported.status).toBe(200)
    expect(imported.body.value.imported).toBe(rows)
    // Answered all along, not after the import: several reads, none waiting for it.
    expect(during.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...during)).toBeLessThan(1500)
  }, 60_000)
})
