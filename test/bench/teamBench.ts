/**
 * The team server under load (issue 12): requests per second and p99 latency of two reads
 * (`projects.list`, light, and `projects.summary` of the sample project, computed) and of a write (`measurements.create`, each a new
 * row) with 8 and 32 concurrent clients, each an editor with their own bearer token, against a
 * real `atax --store S serve` (the built CLI, its own process) over PostgreSQL (a throwaway
 * server started here, as the tests start one: test/support/postgres.ts) and over a SQLite file.
 * Each client sends its next request as soon as the last is answered, for DURATION_MS.
 * No target: the figures go in the README with the machine they were measured on.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { findPostgresBin, startTestServer } from '../support/postgres'
import { tempDir } from '../support/tempDb'
import { addUser, api, startServe } from '../support/teamServe'

export interface TeamFigure {
  store: 'postgres' | 'sqlite'
  /** read: projects.list (light: the server's own cost), summary: projects.summary (computed), write: measurements.create. */
  request: 'read' | 'summary' | 'write'
  clients: number
  requests: number
  rps: number
  p99Ms: number
  medianMs: number
  /** Answers other than 200 (busy 503 would count here). */
  errors: number
}

const DURATION_MS = 5000
const CLIENT_COUNTS = [8, 32]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

async function load(
  clients: number,
  request: (client: number, i: number) => Promise<boolean>,
): Promise<Pick<TeamFigure, 'requests' | 'rps' | 'p99Ms' | 'medianMs' | 'errors'>> {
  const times: number[] = []
  let errors = 0
  const start = performance.now()
  const end = start + DURATION_MS
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now()
        const ok = await request(c, i)
        times.push(performance.now() - t0)
        if (!ok) errors++
      }
    }),
  )
  const elapsed = performance.now() - start
  times.sort((a, b) => a - b)
  return {
    requests: times.length,
    rps: (times.length / elapsed) * 1000,
    p99Ms: percentile(times, 99),
    medianMs: percentile(times, 50),
    errors,
  }
}

async function benchStore(kind: TeamFigure['store'], store: string): Promise<TeamFigure[]> {
  const admin = addUser(store, 'bench-admin', 'admin')
  const server = await startServe(store)
  const figures: TeamFigure[] = []
  try {
    const call = async (token: string, name: string, input: unknown) => {
      const r = await api(server.url, token, name, input)
      if (!r.body.ok) throw new Error(`${name}: HTTP ${r.status} ${JSON.stringify(r.body.error)}`)
      return r.body.value
    }
    const { projectId } = await call(admin, 'sample.load', {})
    const max = Math.max(...CLIENT_COUNTS)
    const tokens: string[] = []
    for (let c = 0; c < max; c++)
      tokens.push((await call(admin, 'users.add', { name: `ed${c}`, role: 'editor' })).token)
    const generationIds: number[] = []
    for (let c = 0; c < max; c++) {
      const g = await call(tokens[c], 'generations.create', {
        projectId,
        name: `bench ${c}`,
        pretrainedOn: '2024-01-01',
      })
      generationIds.push(g.id)
    }
    // Warm up (the workers' first queries, the connection pools).
    await load(4, async (c) => (await api(server.url, tokens[c], 'projects.summary', { projectId })).status === 200)
    for (const clients of CLIENT_COUNTS) {
      const read = await load(
        clients,
        async (c) => (await api(server.url, tokens[c], 'projects.list', {})).status === 200,
      )
      figures.push({ store: kind, request: 'read', clients, ...read })
      const summary = await load(
        clients,
        async (c) => (await api(server.url, tokens[c], 'projects.summary', { projectId })).status === 200,
      )
      figures.push({ store: kind, request: 'summary', clients, ...summary })
      const write = await load(clients, async (c, i) => {
        const r = await api(server.url, tokens[c], 'measurements.create', {
          generationId: generationIds[c],
          benchmark: `b${clients}-${i}`,
          metric: 'acc',
          baseline: 0.5,
          aligned: 0.49,
        })
        return r.status === 200
      })
      figures.push({ store: kind, request: 'write', clients, ...write })
    }
  } finally {
    await server.stop()
  }
  return figures
}

export async function runTeamBench(): Promise<{ machine: string; figures: TeamFigure[] }> {
  const figures: TeamFigure[] = []
  const bin = findPostgresBin()
  if (!bin) throw new Error("team bench: no PostgreSQL (apt-get install postgresql): it runs on Debian's server")
  const server = await startTestServer(bin)
  const dir = tempDir('atax-team-bench-')
  try {
    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    await admin.query('CREATE DATABASE atax_team_bench')
    await admin.end()
    const url = new URL(server.url)
    url.pathname = '/atax_team_bench'
    figures.push(...(await benchStore('postgres', url.toString())))
    figures.push(...(await benchStore('sqlite', path.join(dir, 'team.db'))))
  } finally {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const cpus = os.cpus()
  // The load average says how much else ran meanwhile (the bench and the server share the cores).
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.versions.node}; load average after ${os.loadavg()[0].toFixed(1)}`
  return { machine, figures }
}
