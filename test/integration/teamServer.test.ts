/**
 * The team server (issue 12, item 2) over a real SQLite file, by real HTTP: 401 without
 * credentials, 403 for a viewer writing and for a cookie write without its CSRF token,
 * the cookie's flags (Secure under TLS), the login rate limit kept in the database (and
 * shared by two servers on one store), token rotation, and no secret in clear anywhere
 * in the database file.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appVersion, openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { startTeamServer, type TeamServer } from '../../src-main/web/teamServer'
import { API_ACCESS } from '../../src-shared/api/access'
import { API_NAMES } from '../../src-shared/api/contract'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const rendererDir = path.join(REPO_ROOT, 'out', 'renderer')
const dir = tempDir('atax-team-')
const file = path.join(dir, 'team.db')
const PASSWORDS = { ada: 'ada-correct-horse', vic: 'vic-battery-staple', eddie: 'eddie-s3cret-pass' }
const tokens: Record<string, string> = {}
const secretsSeen = new Set<string>()
let server: TeamServer

/** Users are made as the CLI makes them: through the handler table on the store. */
async function addUser(name: string, role: 'viewer' | 'editor' | 'admin', password?: string) {
  const app = openApp(file, 'desktop')
  try {
    const r = await dispatch(app.env, 'users.add', { name, role, ...(password ? { password } : {}) })
    if (!r.ok) throw new Error(r.error.message)
    const token = (r.value as { token: string }).token
    tokens[name] = token
    secretsSeen.add(token)
    if (password) secretsSeen.add(password)
    return token
  } finally {
    app.close()
  }
}

beforeAll(async () => {
  await addUser('ada', 'admin', PASSWORDS.ada)
  await addUser('eddie', 'editor', PASSWORDS.eddie)
  await addUser('vic', 'viewer', PASSWORDS.vic)
  server = await startTeamServer({ dbFile: file, version: appVersion(), rendererDir, port: 0 })
}, 60_000)
afterAll(async () => {
  await server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const base = () => `http://127.0.0.1:${server.port}`
function api(name: string, input: unknown, headers: Record<string, string> = {}, at = base()) {
  return fetch(`${at}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  })
}
const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` })
/** A request with its file in one HTTP request (`?file=`, the input in x-atax-input). */
const withFile = (name: string, headers: Record<string, string> = {}) =>
  fetch(`${base()}/api/${name}?file=x.csv`, {
    method: 'POST',
    body: 'a,b\n1,2\n',
    headers: { 'x-atax-input': Buffer.from(JSON.stringify({ fileName: 'x.csv' })).toString('base64url'), ...headers },
  })

async function login(name: string, password: string, at = base(), headers: Record<string, string> = {}) {
  const r = await fetch(`${at}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, password }),
  })
  const body = (await r.json()) as {
    ok: boolean
    value?: { csrfToken: string; role: string }
    error?: { code: string }
  }
  const setCookie = r.headers.get('set-cookie') ?? ''
  const cookie = /atax_session=([^;]*)/.exec(setCookie)?.[1] ?? ''
  if (cookie) secretsSeen.add(cookie)
  return { status: r.status, body, setCookie, cookie, retryAfter: r.headers.get('retry-after') }
}

describe('team server code runs on either store', () => {
  it('is async drizzle builders only: no SQLite-only calls, no SQL text but one portable increment', () => {
    const folder = path.join(REPO_ROOT, 'src-main', 'team')
    for (const name of fs.readdirSync(folder)) {
      const text = fs.readFileSync(path.join(folder, name), 'utf8')
      // The executors of drizzle's SQLite driver take no argument (`.values({...})` of an insert is a builder).
      expect(text, name).not.toMatch(/\.(all|get|run|values)\(\)|better-sqlite3|\.prepare\(/)
      const sqlTexts = [...text.matchAll(/sql`([^`]*)`/g)].map((m) => m[1])
      expect(sqlTexts, name).toEqual(name === 'sessions.ts' ? ['${t.count} + 1'] : [])
    }
  })
})

describe('team server: who may do what', () => {
  it('classifies every request of the contract', () => {
    expect(Object.keys(API_ACCESS).sort()).toEqual([...API_NAMES].sort())
  })

  it('answers 401 without credentials, or with a wrong token, in the usual envelope', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer atax_not-a-real-token' },
      { cookie: 'atax_session=forged' },
    ]
    for (const headers of attempts) {
      const r = await api('projects.list', {}, headers)
      expect(r.status).toBe(401)
      const body = (await r.json()) as { ok: boolean; error: { code: string; message: string } }
      expect(body.ok).toBe(false)
      expect(body.error.code).toBe('unauthenticated')
    }
    const upload = await fetch(`${base()}/upload?name=x.csv`, { method: 'POST', body: 'a,b\n1,2\n' })
    expect(upload.status).toBe(401)
    expect((await withFile('imports.run')).status).toBe(401)
    // The page itself (and the sign-in form) is public: the API is what needs a user.
    expect((await fetch(`${base()}/`)).status).toBe(200)
    const page = await fetch(`${base()}/login`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<form method="post" action="/login">')
  })

  it("lets a viewer read and refuses its writes with 403; an editor writes; users.* is the admin's", async () => {
    expect((await api('projects.list', {}, bearer('vic'))).status).toBe(200)
    const refused = await api('projects.create', { name: 'By viewer' }, bearer('vic'))
    expect(refused.status).toBe(403)
    const body = (await refused.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('forbidden')
    expect(body.error.message).toMatch(/needs the editor role; vic is a viewer/)
    const upload = await fetch(`${base()}/upload?name=x.csv`, { method: 'POST', body: 'a', headers: bearer('vic') })
    expect(upload.status).toBe(403)
    // A request with its file needs what its name needs: a viewer may not import, an editor
    // may not restore (the admin's), though both could upload to /upload as an editor.
    const viewerImport = await withFile('imports.run', bearer('vic'))
    expect(viewerImport.status).toBe(403)
    expect(viewerImport.headers.get('x-content-type-options')).toBe('nosniff')
    const editorRestore = await withFile('backup.restore', bearer('eddie'))
    expect(editorRestore.status).toBe(403)
    expect(((await editorRestore.json()) as { error: { message: string } }).error.message).toMatch(/admin/)

    const created = await api('projects.create', { name: 'Team project' }, bearer('eddie'))
    expect(created.status).toBe(200)
    expect(((await created.json()) as { value: { name: string } }).value.name).toBe('Team project')
    expect((await api('users.list', {}, bearer('eddie'))).status).toBe(403)
    expect((await api('backup.restore', { fileName: 'b.json' }, bearer('eddie'))).status).toBe(403)

    const listed = await api('users.list', {}, bearer('ada'))
    expect(listed.status).toBe(200)
    const users = ((await listed.json()) as { value: { name: string; role: string; hasPassword: boolean }[] }).value
    expect(users.map((u) => [u.name, u.role, u.hasPassword])).toEqual([
      ['ada', 'admin', true],
      ['eddie', 'editor', true],
      ['vic', 'viewer', true],
    ])
    expect(JSON.stringify(users)).not.toMatch(/token|scrypt/i)
  })

  it('refuses a cross-origin POST', async () => {
    const r = await api('projects.list', {}, { ...bearer('ada'), origin: 'https://evil.example' })
    expect(r.status).toBe(403)
    const same = await api('projects.list', {}, { ...bearer('ada'), origin: base() })
    expect(same.status).toBe(200)
  })
})

describe('team server: browser sessions', () => {
  it('signs in with a password: an HttpOnly, SameSite=Strict cookie (not Secure over plain http)', async () => {
    const r = await login('eddie', PASSWORDS.eddie)
    expect(r.status).toBe(200)
    expect(r.body.value?.role).toBe('editor')
    const flags = r.setCookie.split(';').map((f) => f.trim())
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']))
    expect(flags).not.toContain('Secure')
    expect(r.cookie).toMatch(/^[\w-]{43}$/)
  })

  it('refuses a cookie write without the CSRF header (403), takes it with the header; reads need none', async () => {
    const s = await login('eddie', PASSWORDS.eddie)
    const cookie = { cookie: `atax_session=${s.cookie}` }
    expect((await api('projects.list', {}, cookie)).status).toBe(200)
    const noCsrf = await api('projects.create', { name: 'Cookie, no CSRF' }, cookie)
    expect(noCsrf.status).toBe(403)
    expect(((await noCsrf.json()) as { error: { message: string } }).error.message).toMatch(/x-csrf-token/)
    const wrong = await api(
      'projects.create',
      { name: 'Cookie, wrong CSRF' },
      { ...cookie, 'x-csrf-token': 'x'.repeat(43) },
    )
    expect(wrong.status).toBe(403)
    const upload = await fetch(`${base()}/upload?name=x.csv`, { method: 'POST', body: 'a', headers: cookie })
    expect(upload.status).toBe(403)
    expect((await withFile('imports.run', cookie)).status).toBe(403)
    const ok = await api(
      'projects.create',
      { name: 'Cookie with CSRF' },
      { ...cookie, 'x-csrf-token': s.body.value!.csrfToken },
    )
    expect(ok.status).toBe(200)

    const me = await fetch(`${base()}/auth/session`, { headers: cookie })
    expect(await me.json()).toEqual({
      ok: true,
      value: { name: 'eddie', role: 'editor', via: 'cookie', csrfToken: s.body.value!.csrfToken },
    })
    // Signing out needs the CSRF header too, and ends the session for good.
    expect((await fetch(`${base()}/logout`, { method: 'POST', headers: cookie })).status).toBe(403)
    const out = await fetch(`${base()}/logout`, {
      method: 'POST',
      headers: { ...cookie, 'x-csrf-token': s.body.value!.csrfToken },
    })
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/atax_session=;.*Max-Age=0/)
    expect((await api('projects.list', {}, cookie)).status).toBe(401)
  })

  it('a viewer signed in by cookie still cannot write, CSRF header or not', async () => {
    const s = await login('vic', PASSWORDS.vic)
    const r = await api(
      'projects.create',
      { name: 'Viewer cookie' },
      { cookie: `atax_session=${s.cookie}`, 'x-csrf-token': s.body.value!.csrfToken },
    )
    expect(r.status).toBe(403)
  })

  it('the sign-in form (no script) sets the cookie and goes to the app', async () => {
    const r = await fetch(`${base()}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base() },
      body: new URLSearchParams({ name: 'vic', password: PASSWORDS.vic }).toString(),
      redirect: 'manual',
    })
    expect(r.status).toBe(303)
    expect(r.headers.get('location')).toBe('/')
    const cookie = /atax_session=([^;]*)/.exec(r.headers.get('set-cookie') ?? '')![1]
    secretsSeen.add(cookie)
    expect((await api('projects.list', {}, { cookie: `atax_session=${cookie}` })).status).toBe(200)
    const wrong = await fetch(`${base()}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'vic', password: 'nope-nope' }).toString(),
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('Wrong user name or password.')
    // A login form posted from another site is refused (login CSRF).
    const foreign = await fetch(`${base()}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ name: 'vic', password: PASSWORDS.vic }).toString(),
    })
    expect(foreign.status).toBe(403)
  })
})

describe('team server: the login rate limit', () => {
  it('answers 429 with Retry-After after 5 failures per name and address, even to the right password', async () => {
    // A name of its own: the other tests' failures do not count here.
    await addUser('rita', 'viewer', 'rita-password-1')
    for (let i = 0; i < 5; i++) expect((await login('rita', `wrong-${i}`)).status).toBe(401)
    const blocked = await login('rita', 'rita-password-1')
    expect(blocked.status).toBe(429)
    expect(blocked.body.error?.code).toBe('rate-limited')
    expect(Number(blocked.retryAfter)).toBeGreaterThan(14 * 60)
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(15 * 60)
    // Another user's name from the same address is not blocked.
    expect((await login('vic', PASSWORDS.vic)).status).toBe(200)
    // The count is in the database, not in this process.
    const raw = new Database(file, { readonly: true })
    const row = raw.prepare('SELECT count FROM login_attempts WHERE key LIKE ?').get('["rita",%') as { count: number }
    raw.close()
    expect(row.count).toBe(5)
  })

  it('a success clears the count; a window that ended starts again; two servers on one store share both', async () => {
    await addUser('sam', 'viewer', 'sam-password-12')
    const other = await startTeamServer({
      dbFile: file,
      version: appVersion(),
      rendererDir,
      port: 0,
      loginLimit: { failures: 3, windowMs: 1500 },
    })
    const second = `http://127.0.0.1:${other.port}`
    try {
      // A session made by one server is good on the other (stateless servers).
      const s = await login('sam', 'sam-password-12')
      expect((await api('projects.list', {}, { cookie: `atax_session=${s.cookie}` }, second)).status).toBe(200)

      for (let i = 0; i < 2; i++) expect((await login('sam', 'wrong', second)).status).toBe(401)
      expect((await login('sam', 'sam-password-12', second)).status).toBe(200)
      // Cleared: two more failures do not reach the limit of 3.
      for (let i = 0; i < 2; i++) expect((await login('sam', 'wrong', second)).status).toBe(401)
      expect((await login('sam', 'sam-password-12', second)).status).toBe(200)

      // Failures on the first server count on the second.
      for (let i = 0; i < 3; i++) expect((await login('sam', 'wrong')).status).toBe(401)
      const blocked = await login('sam', 'sam-password-12', second)
      expect(blocked.status).toBe(429)
      expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(2)
      await new Promise((resolve) => setTimeout(resolve, 1600))
      expect((await login('sam', 'sam-password-12', second)).status).toBe(200)
    } finally {
      await other.close()
    }
  })

  it('behind a trusted proxy, counts per client address from X-Forwarded-For', async () => {
    await addUser('pia', 'viewer', 'pia-password-12')
    const proxied = await startTeamServer({
      dbFile: file,
      version: appVersion(),
      rendererDir,
      port: 0,
      trustProxy: true,
      loginLimit: { failures: 2, windowMs: 60_000 },
    })
    const at = `http://127.0.0.1:${proxied.port}`
    try {
      const from = (ip: string) => ({ 'x-forwarded-for': ip, 'x-forwarded-proto': 'https' })
      for (let i = 0; i < 2; i++) expect((await login('pia', 'wrong', at, from('203.0.113.7'))).status).toBe(401)
      expect((await login('pia', 'pia-password-12', at, from('203.0.113.7'))).status).toBe(429)
      const elsewhere = await login('pia', 'pia-password-12', at, from('198.51.100.2'))
      expect(elsewhere.status).toBe(200)
      // https seen by the proxy: the cookie is Secure.
      expect(elsewhere.setCookie.split(';').map((f) => f.trim())).toContain('Secure')
    } finally {
      await proxied.close()
    }
  })
})

describe('team server: tokens', () => {
  it('rotating a token ends the old one at once', async () => {
    const old = await addUser('tom', 'editor')
    expect((await api('projects.list', {}, { authorization: `Bearer ${old}` })).status).toBe(200)
    const r = await api('users.rotateToken', { name: 'tom' }, bearer('ada'))
    expect(r.status).toBe(200)
    const rotated = ((await r.json()) as { value: { name: string; role: string; token: string } }).value
    secretsSeen.add(rotated.token)
    expect(rotated.name).toBe('tom')
    expect(rotated.token).toMatch(/^atax_[\w-]{43}$/)
    expect(rotated.token).not.toBe(old)
    expect((await api('projects.list', {}, { authorization: `Bearer ${old}` })).status).toBe(401)
    expect((await api('projects.list', {}, { authorization: `Bearer ${rotated.token}` })).status).toBe(200)
    // Removing a user ends their token too.
    expect((await api('users.remove', { name: 'tom' }, bearer('ada'))).status).toBe(200)
    expect((await api('projects.list', {}, { authorization: `Bearer ${rotated.token}` })).status).toBe(401)
  })

  it('a new password ends the sessions made with the old one', async () => {
    const s = await login('eddie', PASSWORDS.eddie)
    const cookie = { cookie: `atax_session=${s.cookie}` }
    expect((await api('projects.list', {}, cookie)).status).toBe(200)
    const next = 'eddie-new-password'
    secretsSeen.add(next)
    expect((await api('users.setPassword', { name: 'eddie', password: next }, bearer('ada'))).status).toBe(200)
    expect((await api('projects.list', {}, cookie)).status).toBe(401)
    expect((await login('eddie', PASSWORDS.eddie)).status).toBe(401)
    expect((await login('eddie', next)).status).toBe(200)
  })

  it('the database never holds a token, password or session secret in clear: not in any row, not in the file', async () => {
    expect(secretsSeen.size).toBeGreaterThan(10)
    const raw = new Database(file, { readonly: true })
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    )
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'login_attempts']))
    let cells = 0
    for (const table of tables) {
      for (const row of raw.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
        for (const value of Object.values(row)) {
          cells++
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value)
          for (const secret of secretsSeen) expect(text.includes(secret), `${table}: a secret in clear`).toBe(false)
        }
      }
    }
    expect(cells).toBeGreaterThan(20)
    const users = raw.prepare('SELECT token_hash, password_hash FROM users').all() as {
      token_hash: string
      password_hash: string | null
    }[]
    for (const u of users) {
      expect(u.token_hash).toMatch(/^[0-9a-f]{64}$/)
      if (u.password_hash !== null) expect(u.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    }
    for (const s of raw.prepare('SELECT id_hash FROM sessions').all() as { id_hash: string }[])
      expect(s.id_hash).toMatch(/^[0-9a-f]{64}$/)
    raw.close()
    // The file's bytes, and its write-ahead log's (pages not yet checkpointed), as text of both encodings.
    for (const f of [file, `${file}-wal`].filter((f) => fs.existsSync(f))) {
      const bytes = fs.readFileSync(f)
      for (const secret of secretsSeen) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${path.basename(f)} holds a secret`).toBe(false)
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${path.basename(f)} holds a secret`).toBe(false)
      }
    }
  })
})

describe('team server over TLS', () => {
  it('serves https, and the session cookie is Secure', async () => {
    const key = path.join(dir, 'key.pem')
    const cert = path.join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'ignore' },
    )
    const tls = await startTeamServer({
      dbFile: file,
      version: appVersion(),
      rendererDir,
      port: 0,
      tls: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
    })
    try {
      expect(tls.url).toBe(`https://127.0.0.1:${tls.port}/`)
      const r = await httpsPost(tls.port, '/login', { name: 'vic', password: PASSWORDS.vic }, fs.readFileSync(cert))
      expect(r.status).toBe(200)
      const flags = String(r.headers['set-cookie'])
        .split(';')
        .map((f) => f.trim())
      expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Secure']))
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000')
      const denied = await httpsPost(tls.port, '/api/projects.list', {}, fs.readFileSync(cert))
      expect(denied.status).toBe(401)
    } finally {
      await tls.close()
    }
  })
})

function httpsPost(port: number, pathname: string, body: unknown, ca: Buffer) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        ca,
        servername: 'localhost',
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on('error', reject)
    req.setHeader('content-type', 'application/json')
    req.end(JSON.stringify(body))
  })
}
