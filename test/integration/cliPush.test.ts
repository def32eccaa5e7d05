/**
 * `atax --db FILE push --project P --server URL --token T`: the built CLI pushes a local
 * project (the sample's policies, curves, costs, phases and plans, plus real lm-eval imports)
 * to a real team server (`atax --store FILE serve`, spawned; on PostgreSQL in the integration-pg run). Pushing again after a local
 * change updates the server's copy — the same project id, no duplicate — and every summary
 * figure is the same on both sides. A viewer's token exits 5, a wrong token 4, a copy in the
 * server's trash is a conflict (6).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAtax, type AtaxRun } from '../support/atax'
import { bigCsv } from '../support/bigCsv'
import { openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { pushProject } from '../../src-main/services/pushProject'
import { REPO_ROOT, SHARED_FIXTURES, tempDir } from '../support/tempDb'
import { testStore } from '../support/testStore'

const dir = tempDir('atax-push-')
// The team server's store: a file, or a PostgreSQL database in the integration-pg run. The
// local store pushed from is a file on both (push copies local work up).
const teamStore = path.join(dir, 'team.db')
const local = path.join(dir, 'local.db')
let child: ChildProcess | null = null
let url = ''
const tokens: Record<'editor' | 'viewer' | 'admin', string> = { editor: '', viewer: '', admin: '' }

const ok = (r: AtaxRun) => {
  expect(r.code, r.stderr).toBe(0)
  return r
}
const atLocal = (...args: string[]) => runAtax(dir, ['--db', local, ...args])
const atServer = (token: string, ...args: string[]) => runAtax(dir, ['--server', url, '--token', token, ...args])
const push = (token: string, ...more: string[]) =>
  runAtax(dir, ['--db', local, '--json', 'push', '--project', PROJECT, '--server', url, '--token', token, ...more])

const PROJECT = 'RLHF pipeline (sample)'
const LM_EVAL = path.join(SHARED_FIXTURES, 'lm-eval')

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'out/main/cli.js'))) throw new Error('build first: npx electron-vite build')
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    const r = ok(runAtax(dir, ['--store', testStore(teamStore), '--json', 'users', 'add', `u-${role}`, '--role', role]))
    tokens[role] = (JSON.parse(r.stdout) as { token: string }).token
  }
  child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/atax.mjs'), '--store', testStore(teamStore), 'serve', '--port', '0'],
    {
      cwd: dir,
      env: { ...process.env, ATAX_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    let err = ''
    child!.stdout!.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child!.stderr!.on('data', (d) => (err += d))
    child!.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
  const match = /at (http:\/\/127\.0\.0\.1:\d+)\/$/.exec(line)
  if (!match) throw new Error(`serve printed: ${line}`)
  url = match[1]

  // The local project: the sample (every kind of row), plus a generation with real imports.
  ok(atLocal('sample'))
  ok(atLocal('gen', 'add', '--project', PROJECT, '--name', 'G-lm-eval', '--pretrained', '2025-01-01'))
  for (const [file, role] of [
    ['leaderboard-v2-nested-groups-v04.json', 'baseline'],
    ['leaderboard-v2-nested-groups-v04.json', 'aligned'],
    ['arc_challenge-v2.0-res.json', 'baseline'],
    ['hellaswag-v0-res.json', 'aligned'],
  ]) {
    ok(
      atLocal(
        'import',
        'lm-eval',
        path.join(LM_EVAL, file),
        '--project',
        PROJECT,
        '--gen',
        'G-lm-eval',
        '--role',
        role,
      ),
    )
  }
}, 120_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

interface PushJson {
  projectUid: string
  serverProjectId: number
  result: 'created' | 'updated'
  created: boolean
  server: string
  counts: Record<string, number>
}

/** The summary of the project on both sides, ids left out (the server gives rows its own). */
function summaries(serverProjectName = PROJECT) {
  const strip = (text: string) =>
    JSON.stringify(JSON.parse(text), (key, value: unknown) =>
      /^(id|projectId|generationId|importId|policyId|curveId)$/.test(key) ? undefined : value,
    )
  const here = ok(atLocal('--json', 'summary', '--project', PROJECT)).stdout
  const there = ok(atServer(tokens.viewer, '--json', 'summary', '--project', serverProjectName)).stdout
  return { here: strip(here), there: strip(there), raw: there }
}

describe('atax push', () => {
  let first: PushJson

  it('copies the project to the server, and every summary figure is the same there', () => {
    const r = ok(push(tokens.editor))
    first = JSON.parse(r.stdout) as PushJson
    expect(first).toMatchObject({ result: 'created', created: true, server: url })
    expect(first.projectUid).toMatch(/^[0-9a-f-]{36}$/)
    expect(first.counts.projects).toBe(1)
    expect(first.counts.benchmark_measurements).toBeGreaterThan(20)
    for (const table of ['generations', 'import_records', 'inference_policies', 'policy_rows', 'compute_curves']) {
      expect(first.counts[table], table).toBeGreaterThan(0)
    }
    for (const table of ['curve_points', 'cost_items', 'pipeline_phases', 'plans']) {
      expect(first.counts[table], table).toBeGreaterThan(0)
    }
    const { here, there } = summaries()
    expect(there.length).toBeGreaterThan(200)
    expect(there).toBe(here)
    // The same performance rows, metric for metric, in the imported generation.
    const perf = ['--json', 'perf', 'list', '--project', PROJECT, '--gen', 'G-lm-eval']
    const strip = (t: string) => JSON.stringify(JSON.parse(t), (k, v: unknown) => (/[iI]d$/.test(k) ? undefined : v))
    expect(strip(ok(atServer(tokens.viewer, ...perf)).stdout)).toBe(strip(ok(atLocal(...perf)).stdout))
  })

  it('says what it pushed, and where, in words', () => {
    ok(
      atLocal(
        'dev',
        'add',
        '--project',
        PROJECT,
        '--gen',
        'G-lm-eval',
        '--category',
        'compute',
        '--amount-usd',
        '1234',
      ),
    )
    const r = ok(runAtax(dir, ['--db', local, 'push', '--project', PROJECT, '--server', url, '--token', tokens.editor]))
    expect(r.stdout).toMatch(
      new RegExp(`^pushed "RLHF pipeline \\(sample\\)" to ${url}: updated project #${first.serverProjectId} there\\n`),
    )
    expect(r.stdout).toMatch(/\d+ generation\(s\), \d+ import record\(s\), \d+ measurement\(s\)/)
  })

  it('pushing again after a local change updates the server copy: same id, no duplicate', () => {
    ok(atLocal('gen', 'add', '--project', PROJECT, '--name', 'G-next', '--pretrained', '2025-06-01'))
    ok(atLocal('dev', 'add', '--project', PROJECT, '--gen', 'G-next', '--category', 'other', '--amount-usd', '99'))
    // By id this time: P is a name or an id.
    const localId = (
      JSON.parse(ok(atLocal('--json', 'project', 'list')).stdout) as { id: number; name: string }[]
    ).find((p) => p.name === PROJECT)!.id
    const r = ok(
      runAtax(dir, [
        '--db',
        local,
        '--json',
        'push',
        '--project',
        String(localId),
        '--server',
        url,
        '--token',
        tokens.editor,
      ]),
    )
    const second = JSON.parse(r.stdout) as PushJson
    expect(second).toMatchObject({
      result: 'updated',
      created: false,
      serverProjectId: first.serverProjectId,
      projectUid: first.projectUid,
    })
    expect(second.counts.generations).toBe(first.counts.generations + 1)
    const list = JSON.parse(ok(atServer(tokens.viewer, '--json', 'project', 'list')).stdout) as {
      id: number
      name: string
    }[]
    expect(list.filter((p) => p.name === PROJECT).map((p) => p.id)).toEqual([first.serverProjectId])
    expect(list).toHaveLength(1)
    const { here, there } = summaries()
    expect(there).toBe(here)
    expect(there).toContain('G-next')
  })

  it('a viewer may not push (exit 5), a wrong token exits 4; the server is unchanged', () => {
    const before = ok(atServer(tokens.viewer, '--json', 'summary', '--project', PROJECT)).stdout
    const viewer = push(tokens.viewer)
    expect(viewer.code, viewer.stderr).toBe(5)
    expect(viewer.stderr).toMatch(new RegExp(`^atax: ${url} refused \\(HTTP 403\\)`))
    const wrong = push('atax_not-a-token')
    expect(wrong.code, wrong.stderr).toBe(4)
    expect(wrong.stderr).toMatch(/refused the credentials \(HTTP 401/)
    expect(ok(atServer(tokens.viewer, '--json', 'summary', '--project', PROJECT)).stdout).toBe(before)
  })

  it('needs a server, a token and a known project', () => {
    expect(runAtax(dir, ['--db', local, 'push', '--project', PROJECT]).code).toBe(2)
    expect(runAtax(dir, ['--db', local, 'push', '--project', PROJECT, '--server', url]).code).toBe(2)
    const unknown = runAtax(dir, [
      '--db',
      local,
      'push',
      '--project',
      'nope',
      '--server',
      url,
      '--token',
      tokens.editor,
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^atax: --project: no project named "nope"/)
    // $ATAX_SERVER / $ATAX_TOKEN stand in for the flags.
    const viaEnv = runAtax(dir, ['--db', local, '--json', 'push', '--project', PROJECT], {
      ATAX_SERVER: url,
      ATAX_TOKEN: tokens.editor,
    })
    expect(JSON.parse(ok(viaEnv).stdout)).toMatchObject({ result: 'updated', serverProjectId: first.serverProjectId })
  })

  it('a push cancelled while the server writes leaves the server as it was', async () => {
    const big = openApp(path.join(dir, 'big.db'), 'desktop')
    try {
      const call = async (name: string, input: unknown) => {
        const r = await dispatch(big.env, name, input)
        if (!r.ok) throw new Error(r.error.message)
        return r.value as { id: number }
      }
      const project = await call('projects.create', { name: 'Big one' })
      const gen = await call('generations.create', { projectId: project.id, name: 'G', pretrainedOn: '2025-01-01' })
      await call('imports.run', {
        format: 'csv',
        fileName: 'big.csv',
        contentBase64: bigCsv(60_000).toString('base64'),
        generationId: gen.id,
        role: 'baseline',
      })
      const before = ok(atServer(tokens.viewer, '--json', 'project', 'list')).stdout
      const abort = new AbortController()
      const seen: number[] = []
      const pushing = pushProject(big.env, {
        projectId: project.id,
        server: url,
        token: tokens.editor,
        signal: abort.signal,
        // Past 0.3 the fractions are the server's own (0.3 + 0.7 × its own); past 0.4 of its own it
        // is writing the rows, inside its transaction. Cancel then.
        onProgress: (f) => {
          seen.push(f)
          if (f > 0.3 + 0.7 * 0.5) abort.abort()
        },
      })
      await expect(pushing).rejects.toMatchObject({ code: 'cancelled', message: /nothing changed there/ })
      expect(seen.some((f) => f > 0.65)).toBe(true)
      // The server rolls back when it notices the closed connection: it never shows the project.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(ok(atServer(tokens.viewer, '--json', 'project', 'list')).stdout).toBe(before)
      // And the server takes the next push whole.
      const again = await pushProject(big.env, { projectId: project.id, server: url, token: tokens.editor })
      expect(again).toMatchObject({ result: 'created', name: 'Big one' })
      expect(again.counts.benchmark_measurements).toBe(60_000)
    } finally {
      big.close()
    }
  }, 60_000)

  it("a server copy in the server's trash is a conflict (exit 6)", async () => {
    const res = await fetch(`${url}/api/projects.delete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.editor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: first.serverProjectId }),
    })
    expect(res.status).toBe(200)
    const r = push(tokens.editor)
    expect(r.code, r.stderr).toBe(6)
    expect(r.stderr).toMatch(/is in its trash: restore it there/)
  })
})
