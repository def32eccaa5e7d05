/**
 * Moving a project between stores (src-main/services/projectTransfer.ts), through the
 * handler table on the store under test (SQLite, and PostgreSQL in the integration-pg
 * project): a project file written from one store is received by another; receiving it
 * again refills the same project (same id, no duplicate); the figures are the same on both
 * sides; a cancel, a bad file, a name taken by another project or a copy in the trash
 * leaves the receiving store exactly as it was. Every project has a uid; a backup without
 * uids gets them on restore.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import { exportBackup } from '../../src-main/services/backup'
import { writeProjectFile } from '../../src-main/services/projectTransfer'
import { ServiceError } from '../../src-main/services/errors'
import type { ProjectReceiveResult } from '../../src-shared/api/transfer'
import { openApp } from '../../src-main/app'
import { bigCsv } from '../support/bigCsv'
import { rawSql } from '../support/sql'
import { openTempApp, SHARED_FIXTURES, storeContents, tempDir } from '../support/tempDb'

/** The local side is a SQLite file, as on a desktop; the receiving side is the store under test. */
let source: ReturnType<typeof openTempApp>
let target: ReturnType<typeof openTempApp>

function openLocalFile(): ReturnType<typeof openTempApp> {
  const dir = tempDir()
  const file = path.join(dir, 'local.db')
  const app = openApp(file, 'desktop')
  return {
    ...app,
    dir,
    file,
    close: () => {
      app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
let projectId = 0

const call = async <T = unknown>(app: typeof source, name: string, input: unknown, extra: object = {}) => {
  const r = await dispatch({ ...app.env, ...extra }, name, input)
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`)
  return r.value as T
}

beforeEach(async () => {
  source = openLocalFile()
  target = openTempApp()
  projectId = (await call<{ projectId: number }>(source, 'sample.load', {})).projectId
  // Real lm-eval results in a generation of their own, both sides.
  const gen = await call<{ id: number }>(source, 'generations.create', {
    projectId,
    name: 'G-lm-eval',
    pretrainedOn: '2025-01-01',
  })
  const file = path.join(SHARED_FIXTURES, 'lm-eval/leaderboard-v2-nested-groups-v04.json')
  for (const role of ['baseline', 'aligned']) {
    await call(source, 'imports.run', {
      format: 'lm-eval',
      fileName: path.basename(file),
      contentBase64: fs.readFileSync(file).toString('base64'),
      generationId: gen.id,
      role,
    })
  }
  // A generation in the local trash stays behind.
  const trashed = await call<{ id: number }>(source, 'generations.create', {
    projectId,
    name: 'G-trashed',
    pretrainedOn: '2024-01-01',
  })
  await call(source, 'generations.delete', { id: trashed.id })
})
afterEach(() => {
  source.close()
  target.close()
})

const projectFile = async (onProgress?: (f: number) => void) => {
  const file = path.join(source.dir, `project-${Date.now()}-${Math.random()}.jsonl`)
  await writeProjectFile(source.env, projectId, file, onProgress)
  return file
}
const receive = (file: string, onProgress?: (f: number) => void) =>
  dispatch({ ...target.env, inputFile: file, onProgress }, 'projects.receive', { fileName: path.basename(file) })

/** A project's summary without ids (each store gives rows its own). */
const summary = async (app: typeof source, id: number) =>
  JSON.stringify(await call(app, 'projects.summary', { projectId: id }), (key, value: unknown) =>
    /^(id|projectId|generationId|importId|policyId|curveId)$/.test(key) ? undefined : value,
  )

describe('pushing a project between stores', () => {
  it('receives a project file whole: the same figures, the trash left behind; again: the same project refilled', async () => {
    const fractions: number[] = []
    const file = await projectFile()
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'alignment-tax-planner-project', version: 1 })
    expect(lines.join('\n')).not.toContain('G-trashed')

    const first = await receive(file, (f) => fractions.push(f))
    expect(first.ok, JSON.stringify(first)).toBe(true)
    const created = (first as { value: ProjectReceiveResult }).value
    expect(created).toMatchObject({ result: 'created', name: 'RLHF pipeline (sample)' })
    expect(created.counts.benchmark_measurements).toBeGreaterThan(20)
    expect(fractions.at(-1)).toBe(1)
    expect(await summary(target, created.serverProjectId)).toBe(await summary(source, projectId))
    const [local] = await call<{ uid: string }[]>(source, 'projects.list', {})
    expect(created.projectUid).toBe(local.uid)

    // A local change, received again: the same project, refilled.
    const gens = await call<{ id: number; name: string }[]>(source, 'generations.list', { projectId })
    await call(source, 'costs.create', {
      generationId: gens.find((g) => g.name === 'G-lm-eval')!.id,
      category: 'compute',
      amountUsd: 4321,
    })
    await call(source, 'generations.delete', { id: gens[0].id })
    const again = await receive(await projectFile())
    expect(again).toMatchObject({
      ok: true,
      value: { result: 'updated', serverProjectId: created.serverProjectId, projectUid: created.projectUid },
    })
    expect(await summary(target, created.serverProjectId)).toBe(await summary(source, projectId))
    const projects = await call<{ id: number }[]>(target, 'projects.list', {})
    expect(projects.map((p) => p.id)).toEqual([created.serverProjectId])
    // Each push is in the project's activity (newest first), and every generation's headline is kept.
    const events = await call<{ action: string; summary: string }[]>(target, 'audit.list', {
      projectId: created.serverProjectId,
      limit: 10,
    })
    expect(events.map((e) => e.action)).toEqual(['update', 'create'])
    expect(events[1].summary).toMatch(
      /^pushed project "RLHF pipeline \(sample\)" \(created\): \d+ generations?, \d+ measurements?$/,
    )
    expect(events[0].summary).toMatch(/\(its contents replaced\)/)
    const kept = await rawSql(target.env).value(
      'SELECT count(*) AS n FROM generation_headline h JOIN generations g ON g.id = h.generation_id WHERE g.project_id = ?',
      created.serverProjectId,
    )
    const all = await rawSql(target.env).value(
      'SELECT count(*) AS n FROM generations WHERE project_id = ?',
      created.serverProjectId,
    )
    expect(Number(kept)).toBe(Number(all))
  })

  it('a cancel, a bad or truncated file, a taken name, a copy in the trash: nothing changes', async () => {
    const file = await projectFile()
    const first = await receive(file)
    expect(first.ok).toBe(true)
    const id = (first as { value: ProjectReceiveResult }).value.serverProjectId
    const before = await storeContents(target.env)

    // Cancelled half-way through the writing (as the engine's onProgress throws).
    const cancelled = await receive(file, (f) => {
      if (f > 0.5 && f < 1) throw new ServiceError('cancelled', 'projects.receive was cancelled: nothing was written')
    })
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(await storeContents(target.env)).toBe(before)

    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n')
    const truncated = path.join(source.dir, 'truncated.jsonl')
    fs.writeFileSync(truncated, lines.slice(0, -1).join('\n'))
    expect(await receive(truncated)).toMatchObject({ ok: false, error: { code: 'invalid-data', message: /truncated/ } })
    const at = lines.findIndex((l) => l.startsWith('{"table":"benchmark_measurements"'))
    const columns = JSON.parse(lines[at]).columns as string[]
    const row = JSON.parse(lines[at + 1]) as unknown[]
    row[columns.indexOf('generation_id')] = 999_999
    const orphan = path.join(source.dir, 'orphan.jsonl')
    fs.writeFileSync(orphan, [...lines.slice(0, at + 1), JSON.stringify(row), ...lines.slice(at + 2)].join('\n'))
    expect(await receive(orphan)).toMatchObject({
      ok: false,
      error: { code: 'invalid-data', message: /generation_id: 999999 is not a row of generations in this file/ },
    })
    const backup = path.join(source.dir, 'not-a-project.jsonl')
    await dispatch({ ...source.env, outputFile: backup }, 'backup.export', {})
    expect(await receive(backup)).toMatchObject({
      ok: false,
      error: { code: 'invalid-data', message: /not a project file/ },
    })
    expect(await storeContents(target.env)).toBe(before)

    // Another project (another uid) holds the name on the receiving store.
    await call(target, 'projects.update', { id, name: 'Renamed there' })
    await call(target, 'projects.create', { name: 'RLHF pipeline (sample)' })
    const taken = await storeContents(target.env)
    expect(await receive(file)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: /already has another project named "RLHF pipeline \(sample\)"/ },
    })
    expect(await storeContents(target.env)).toBe(taken)

    // The receiving store's copy in its trash.
    await call(target, 'projects.delete', { id })
    const trashed = await storeContents(target.env)
    expect(await receive(file)).toMatchObject({ ok: false, error: { code: 'conflict', message: /is in its trash/ } })
    expect(await storeContents(target.env)).toBe(trashed)
  })

  it('streams a large project (60 000 measurements) in pages and chunks, with progress', async () => {
    const gen = await call<{ id: number }>(source, 'generations.create', {
      projectId,
      name: 'G-big',
      pretrainedOn: '2025-02-01',
    })
    await call(source, 'imports.run', {
      format: 'csv',
      fileName: 'big.csv',
      contentBase64: bigCsv(60_000).toString('base64'),
      generationId: gen.id,
      role: 'baseline',
    })
    const written: number[] = []
    const file = await projectFile((f) => written.push(f))
    expect(fs.statSync(file).size).toBeGreaterThan(2 << 20)
    expect(written.filter((f) => f > 0 && f < 1).length).toBeGreaterThan(5)
    const fractions: number[] = []
    const r = await receive(file, (f) => fractions.push(f))
    expect(r.ok, JSON.stringify(r)).toBe(true)
    const value = (r as { value: ProjectReceiveResult }).value
    expect(value.counts.benchmark_measurements).toBeGreaterThan(60_000)
    expect(fractions.filter((f) => f > 0.4 && f < 1).length).toBeGreaterThan(10)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
    expect(await summary(target, value.serverProjectId)).toBe(await summary(source, projectId))
  })

  it('every project has a uid; a backup made before uids gets them on restore', async () => {
    const created = await call<{ uid: string }>(target, 'projects.create', { name: 'Fresh' })
    expect(created.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const backup = JSON.parse((await exportBackup(source.env)).content) as {
      tables: Record<string, Record<string, unknown>[]>
    }
    for (const p of backup.tables.projects) delete p.uid
    const restored = await dispatch(target.env, 'backup.restore', {
      fileName: 'old.json',
      contentBase64: Buffer.from(JSON.stringify(backup)).toString('base64'),
    })
    expect(restored).toMatchObject({ ok: true })
    const [project] = await call<{ uid: string | null }[]>(target, 'projects.list', {})
    expect(project.uid).toMatch(/^[0-9a-f-]{36}$/)
  })
})
