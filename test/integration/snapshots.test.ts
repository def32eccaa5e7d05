/** Rolling snapshots on real files: one a day, the last 7 kept, restorable, the restore undoable. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { backupData } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'
import { DAILY_KEPT, listSnapshots, takeDailySnapshotIfDue } from '../../src-main/services/snapshots'
import { openTempApp, REPO_ROOT } from '../support/tempDb'

const opened: ReturnType<typeof openTempApp>[] = []
const fresh = () => {
  const app = openTempApp()
  opened.push(app)
  return app
}
afterEach(async () => {
  for (const app of opened.splice(0)) app.close()
})
async function ok<T = any>(app: ReturnType<typeof openTempApp>, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(app.env, name, input)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value as T
}
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 9, 30))

describe('daily snapshots', () => {
  it('one a day beside the file, none for an empty database, the last 7 kept', async () => {
    const app = fresh()
    expect(await takeDailySnapshotIfDue(app.env, app.file, day(0))).toBeNull()
    await loadSample(app.env)
    expect((await takeDailySnapshotIfDue(app.env, app.file, day(0)))?.kind).toBe('daily')
    expect(await takeDailySnapshotIfDue(app.env, app.file, new Date(day(0).getTime() + 3600_000))).toBeNull()
    for (let n = 1; n < 10; n++) await takeDailySnapshotIfDue(app.env, app.file, day(n))
    const list = listSnapshots(app.file)
    expect(list).toHaveLength(DAILY_KEPT)
    expect(list[0].takenAt).toBe('2026-01-10T09:30:00.000Z')
    expect(list.at(-1)!.takenAt).toBe('2026-01-04T09:30:00.000Z')
    for (const s of list) {
      const copy = new Database(path.join(app.dir, s.name), { readonly: true })
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(copy.prepare('SELECT count(*) FROM projects').pluck().get()).toBe(1)
      copy.close()
    }
    // Only complete files under snapshot names: no temporary file is left behind.
    expect(fs.readdirSync(app.dir).filter((f) => f.includes('partial'))).toEqual([])
  })

  it("the desktop app and web mode take today's snapshot when they open; the CLI does not", async () => {
    const app = fresh()
    await loadSample(app.env)
    const cli = openApp(app.file, 'desktop')
    cli.close()
    expect(listSnapshots(app.file)).toEqual([])
    const desktop = openApp(app.file, 'desktop', { interactive: true })
    desktop.close()
    expect(listSnapshots(app.file).map((s) => s.kind)).toEqual(['daily'])
  })
})

describe('restoring a snapshot', () => {
  it('replaces the data, and restoring the before-restore snapshot undoes it', async () => {
    const app = fresh()
    await loadSample(app.env)
    const atSnapshot = JSON.stringify(await backupData(app.env))
    const taken = await ok(app, 'snapshots.take')
    const extra = await ok(app, 'projects.create', { name: 'Added after the snapshot' })
    const beforeRestore = JSON.stringify(await backupData(app.env))

    const r = await ok(app, 'snapshots.restore', { name: taken.name })
    expect(r.restored).toBe(taken.name)
    expect(r.undo.kind).toBe('before-restore')
    expect(await backupData(app.env)).toEqual(JSON.parse(atSnapshot))
    expect((await ok(app, 'projects.list')).map((p: any) => p.id)).not.toContain(extra.id)

    await ok(app, 'snapshots.restore', { name: r.undo.name })
    expect(JSON.stringify(await backupData(app.env))).toBe(beforeRestore)
    expect(listSnapshots(app.file).filter((s) => s.kind === 'before-restore')).toHaveLength(2)
    expect(app.env.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it.each(['../test.db', 'test.db', 'nope.db'])('refuses %j: not one of the listed snapshots', async (name) => {
    const app = fresh()
    await loadSample(app.env)
    const before = JSON.stringify(await backupData(app.env))
    expect(await dispatch(app.env, 'snapshots.restore', { name })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(JSON.stringify(await backupData(app.env))).toBe(before)
  })
})

describe('atax snapshot', () => {
  it('takes, lists and restores, printing how to undo', async () => {
    const app = fresh()
    await loadSample(app.env)
    app.close()
    opened.splice(opened.indexOf(app), 1)
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), '--db', app.file, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ATAX_DB: '' },
      })
    try {
      const take = run('--json', 'snapshot', 'take')
      expect(take.status, take.stderr).toBe(0)
      const { name } = JSON.parse(take.stdout)
      expect(run('project', 'add', 'Later').status).toBe(0)
      const list = run('snapshot', 'list')
      expect(list.stdout).toContain(name)
      const restore = run('snapshot', 'restore', name)
      expect(restore.status, restore.stderr).toBe(0)
      expect(restore.stdout).toMatch(/to undo: atax snapshot restore .*snapshot-before-restore-/)
      expect(run('project', 'list').stdout).not.toContain('Later')
    } finally {
      fs.rmSync(app.dir, { recursive: true, force: true })
    }
  })
})
