/**
 * `atax users …` and `atax --store URL serve` as a user runs them (the built CLI, spawned):
 * the token is printed once (`--json`: { name, role, token }), never listed, rotated on
 * request; the server prints its address on one line and answers 401 without a token.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const dir = tempDir('atax-team-cli-')
const store = path.join(dir, 'team.db')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function atax(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, ATAX_DB: '', ATAX_DEBUG: '' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('atax users', () => {
  let adminToken = ''

  it('adds a user and prints the token once; --json gives { name, role, token }', () => {
    const r = atax(
      ['--store', store, '--json', 'users', 'add', 'ada', '--role', 'admin', '--password-stdin'],
      'pw-ada-12345\n',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const added = JSON.parse(r.stdout) as { name: string; role: string; token: string }
    expect(Object.keys(added).sort()).toEqual(['name', 'role', 'token'])
    expect(added).toMatchObject({ name: 'ada', role: 'admin' })
    expect(added.token).toMatch(/^atax_[\w-]{43}$/)
    adminToken = added.token

    const human = atax(['--db', store, 'users', 'add', 'vic', '--role', 'viewer'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^added vic \(viewer\)\. Their token, shown this once .*\natax_[\w-]{43}\n$/)
  })

  it('lists users without tokens or password hashes', () => {
    const r = atax(['--store', store, '--json', 'users', 'list'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as { name: string; role: string; hasPassword: boolean }[]
    expect(list.map((u) => [u.name, u.role, u.hasPassword])).toEqual([
      ['ada', 'admin', true],
      ['vic', 'viewer', false],
    ])
    expect(r.stdout).not.toContain(adminToken)
    expect(r.stdout).not.toMatch(/scrypt|token/)
    const table = atax(['--store', store, 'users', 'list'])
    expect(table.stdout).toMatch(/^name\s+role\s+password\s+since\n/)
    expect(table.stdout).toMatch(/\nvic\s+viewer\s+-\s+\d{4}-\d\d-\d\d\n/)
  })

  it('refuses a duplicate name (a conflict, exit 6), an unknown role and an empty password (exit 1)', () => {
    const dup = atax(['--store', store, 'users', 'add', 'ada', '--role', 'viewer'])
    expect(dup.code).toBe(6)
    expect(dup.stderr).toBe('atax: a user named "ada" already exists\n')
    const role = atax(['--store', store, 'users', 'add', 'bob', '--role', 'boss'])
    expect(role.code).toBe(1)
    expect(role.stderr).toMatch(/^atax: --role: /)
    const short = atax(['--store', store, 'users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], 'short\n')
    expect(short.code).toBe(1)
    expect(short.stderr).toMatch(/at least 8 characters/)
    const empty = atax(['--store', store, 'users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], '')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toBe('atax: no password on standard input\n')
    expect(atax(['--store', store, 'users', 'add', 'bob'])).toMatchObject({ code: 2 })
    // A PostgreSQL store that cannot be reached: said (exit 1), its password never printed.
    const pg = atax(['--store', 'postgres://x:s3cret-pw@127.0.0.1:1/atax', 'users', 'list'])
    expect(pg.code).toBe(1)
    expect(pg.stderr).toMatch(/^atax: .*127\.0\.0\.1:1/)
    expect(pg.stderr).not.toContain('s3cret-pw')
    expect(atax(['--store', store, '--db', path.join(dir, 'other.db'), 'users', 'list']).code).toBe(2)
  })

  it('rotate-token, set-password and remove', () => {
    const rotated = atax(['--store', store, '--json', 'users', 'rotate-token', 'vic'])
    expect(rotated.code).toBe(0)
    const value = JSON.parse(rotated.stdout) as { name: string; role: string; token: string }
    expect(value).toMatchObject({ name: 'vic', role: 'viewer' })
    expect(value.token).toMatch(/^atax_/)
    const pw = atax(['--store', store, 'users', 'set-password', 'vic'], 'vic-password-1\n')
    expect(pw).toMatchObject({ code: 0, stdout: 'password set for vic\n' })
    const missing = atax(['--store', store, 'users', 'remove', 'nobody'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('atax: user "nobody" does not exist\n')
    expect(atax(['--store', store, 'users', 'remove', 'vic'])).toMatchObject({ code: 0, stdout: 'removed vic\n' })
    expect(JSON.parse(atax(['--store', store, '--json', 'users', 'list']).stdout)).toHaveLength(1)
  })

  it('serve: prints its address on one line; 401 without a token, 200 with one', async () => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/atax.mjs'), '--store', store, 'serve', '--port', '0'],
      {
        cwd: dir,
        env: { ...process.env, ATAX_DB: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          if (out.includes('\n')) resolve(out.split('\n')[0])
        })
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)))
      })
      const url = /^Alignment Tax Planner \(team server\) at (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line)?.[1]
      expect(url, line).toBeDefined()
      const post = (headers: Record<string, string>) =>
        fetch(`${url}api/projects.list`, { method: 'POST', headers, body: '{}' })
      expect((await post({})).status).toBe(401)
      expect((await post({ authorization: `Bearer ${adminToken}` })).status).toBe(200)
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  })

  it('serve refuses usage mistakes with exit 2', () => {
    expect(atax(['serve', '--port', '0']).code).toBe(2)
    expect(atax(['--store', store, 'serve']).code).toBe(2)
    expect(atax(['--store', store, 'serve', '--port', 'x']).code).toBe(2)
    expect(atax(['--store', store, 'serve', '--port', '0', '--tls-cert', 'c.pem']).code).toBe(2)
    const missing = atax(['--store', store, 'serve', '--port', '0', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/--tls-cert .*c\.pem: no such file/)
  })
})
