/**
 * Who changed what through the real team server, over HTTP (issue 12, item 4): the server
 * passes the signed-in user to the services, which stamp rows and write audit events with
 * that name; two users editing the same item: the second save gets HTTP 409 naming who changed
 * what, and nothing is overwritten. (The store is a SQLite file: the server's engine opens it by
 * path. The same services on PostgreSQL: audit.test.ts in the integration-pg project.)
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appVersion, openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { startTeamServer, type TeamServer } from '../../src-main/web/teamServer'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { execFile } from 'node:child_process'

const rendererDir = path.join(REPO_ROOT, 'out', 'renderer')
const dir = tempDir('atax-audit-team-')
const file = path.join(dir, 'team.db')
const tokens: Record<string, string> = {}
let server: TeamServer

beforeAll(async () => {
  const app = openApp(file, 'desktop')
  try {
    for (const [name, role] of [
      ['eddie', 'editor'],
      ['edna', 'editor'],
      ['vic', 'viewer'],
    ] as const) {
      const r = await dispatch(app.env, 'users.add', { name, role })
      if (!r.ok) throw new Error(r.error.message)
      tokens[name] = (r.value as { token: string }).token
    }
  } finally {
    app.close()
  }
  server = await startTeamServer({ dbFile: file, version: appVersion(), rendererDir, port: 0 })
}, 60_000)
afterAll(async () => {
  await server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function call(user: string, name: string, input: unknown) {
  const r = await fetch(`http://127.0.0.1:${server.port}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[user]}` },
    body: JSON.stringify(input),
  })
  const body = (await r.json()) as { ok: boolean; value?: any; error?: { code: string; message: string } }
  return { status: r.status, ...body }
}
async function ok(user: string, name: string, input: unknown) {
  const r = await call(user, name, input)
  if (!r.ok) throw new Error(`${name}: ${r.status} ${r.error?.message}`)
  return r.value
}

/** `atax ARGS` as a separate process, without blocking this one (which serves its requests). */
function atax(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/atax.mjs'), ...args],
      { cwd: dir, env: { ...process.env, ATAX_DB: '', ATAX_SERVER: '', ATAX_TOKEN: '' } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr })
      },
    )
  })
}

describe('who changed what, through the team server', () => {
  it('stamps rows and audit events with the signed-in user, and lists them for a viewer', async () => {
    const project = await ok('eddie', 'projects.create', { name: 'Team alpha' })
    expect(project).toMatchObject({ createdBy: 'eddie', updatedBy: 'eddie' })
    const generation = await ok('edna', 'generations.create', {
      projectId: project.id,
      name: 'G1',
      pretrainedOn: '2024-01-01',
    })
    expect(generation.createdBy).toBe('edna')
    const cost = await ok('edna', 'costs.create', { generationId: generation.id, category: 'compute', amountUsd: 10 })
    await ok('eddie', 'costs.update', {
      id: cost.id,
      category: 'compute',
      amountUsd: 12,
      expectedUpdatedAt: cost.createdAt,
    })
    const events = await ok('vic', 'audit.list', { projectId: project.id, limit: 10 })
    expect(
      events.map((e: { actor: string; action: string; entity: string }) => `${e.actor} ${e.action} ${e.entity}`),
    ).toEqual(['eddie update cost', 'edna create cost', 'edna create generation', 'eddie create project'])
    // A viewer reads the activity but writes nothing; no credentials: nothing at all.
    expect((await call('vic', 'projects.update', { id: project.id, description: 'x' })).status).toBe(403)
    const anonymous = await fetch(`http://127.0.0.1:${server.port}/api/audit.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projectId: project.id }),
    })
    expect(anonymous.status).toBe(401)
  })

  it('answers the second of two edits of the same item with 409 naming who changed what', async () => {
    const project = await ok('eddie', 'projects.create', { name: 'Team beta', description: 'start' })
    // Both open the project (read its version); Eddie saves first.
    const [asEddie] = (await ok('eddie', 'projects.list', {})).filter((p: { id: number }) => p.id === project.id)
    const [asEdna] = (await ok('edna', 'projects.list', {})).filter((p: { id: number }) => p.id === project.id)
    const saved = await ok('eddie', 'projects.update', {
      id: project.id,
      description: 'from eddie',
      expectedUpdatedAt: asEddie.updatedAt,
    })
    expect(saved.updatedBy).toBe('eddie')
    const refused = await call('edna', 'projects.update', {
      id: project.id,
      description: 'from edna',
      expectedUpdatedAt: asEdna.updatedAt,
    })
    expect(refused.status).toBe(409)
    expect(refused.error?.code).toBe('conflict')
    expect(refused.error?.message).toMatch(
      /^project "Team beta" was changed by eddie at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, after you opened it \(it now differs from your version in: description\); nothing was saved/,
    )
    const [stored] = (await ok('vic', 'projects.list', {})).filter((p: { id: number }) => p.id === project.id)
    expect(stored).toMatchObject({ description: 'from eddie', updatedBy: 'eddie' })
    // Edna reloads and saves over what she read now.
    const again = await ok('edna', 'projects.update', {
      id: project.id,
      description: 'from edna',
      expectedUpdatedAt: stored.updatedAt,
    })
    expect(again).toMatchObject({ description: 'from edna', updatedBy: 'edna' })
    const events = await ok('vic', 'audit.list', { projectId: project.id, limit: 2 })
    expect(events.map((e: { actor: string; summary: string }) => `${e.actor}: ${e.summary}`)).toEqual([
      'edna: changed project "Team beta": description',
      'eddie: changed project "Team beta": description',
    ])
  })

  it('lists the activity in the CLI of a client, with who did what', async () => {
    const args = ['--server', `http://127.0.0.1:${server.port}`, '--token', tokens.vic]
    const r = await atax([...args, '--json', 'project', 'activity', '--project', 'Team beta', '--limit', '3'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const events = JSON.parse(r.stdout) as { actor: string; summary: string }[]
    expect(events.map((e) => e.actor)).toEqual(['edna', 'eddie', 'eddie'])
    const text = await atax([...args, 'project', 'activity', '--project', 'Team beta'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/edna\s+changed project "Team beta": description/)
    expect(text.stdout).toMatch(/eddie\s+created project "Team beta"/)
  })
})
