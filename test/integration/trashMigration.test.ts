/**
 * The trash-marks migration (drizzle/sqlite/0001_trash_marks.sql) on a database made by the
 * previous schema and holding data, a generation already in the old trash format (a
 * JSON snapshot of its rows) included: the data survive, the old entry still
 * restores, and new deletions are marks.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
import { dispatch, type HandlerEnv } from '../../src-main/handlers'
import { tempDir } from '../support/tempDb'
import { sqliteContext } from '../../src-main/db/dialects/sqlite'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A migrations folder holding only the first migration: the schema before trash marks. */
function previousMigrations(): string {
  const folder = path.join(dir, 'migrations-0000')
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true })
  const source = defaultMigrationsFolder()
  const journal = JSON.parse(fs.readFileSync(path.join(source, 'meta/_journal.json'), 'utf8'))
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx === 0)
  expect(journal.entries[0].tag).toBe('0000_init')
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal))
  fs.copyFileSync(path.join(source, '0000_init.sql'), path.join(folder, '0000_init.sql'))
  return folder
}

const camel = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  )

describe('migration to trash marks', () => {
  it('keeps every row, restores a generation trashed in the old format, and marks new deletions', async () => {
    const file = path.join(dir, 'old.db')
    const old = openDatabase(file, { migrationsFolder: previousMigrations() })
    const sql = old.sqlite
    expect(
      sql.prepare("SELECT 1 FROM pragma_table_info('generations') WHERE name = 'deleted_at'").get(),
    ).toBeUndefined()
    const projectId = (sql.prepare("INSERT INTO projects (name) VALUES ('Old') RETURNING id").get() as { id: number })
      .id
    const addGeneration = (name: string, ordinal: number, on: string) =>
      (
        sql
          .prepare(
            'INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, ?, ?, ?) RETURNING id',
          )
          .get(projectId, ordinal, name, on) as { id: number }
      ).id
    const kept = addGeneration('kept', 1, '2024-01-01')
    const trashed = addGeneration('trashed', 2, '2024-06-01')
    const addMeasurement = sql.prepare(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, direction, baseline, aligned, source) VALUES (?, ?, 'acc', 'higher', 0.5, 0.4, 'manual')",
    )
    for (let i = 0; i < 30; i++) addMeasurement.run(kept, `task_${i}`)
    for (let i = 0; i < 20; i++) addMeasurement.run(trashed, `task_${i}`)
    // What the old deleteGeneration did: copy the rows into a snapshot, then delete them.
    const snapshot = {
      generations: [
        camel(sql.prepare('SELECT * FROM generations WHERE id = ?').get(trashed) as Record<string, unknown>),
      ],
      benchmarkMeasurements: (
        sql.prepare('SELECT * FROM benchmark_measurements WHERE generation_id = ?').all(trashed) as Record<
          string,
          unknown
        >[]
      ).map(camel),
    }
    snapshot.generations[0].techniqueChange = false
    sql
      .prepare("INSERT INTO trash (kind, label, payload) VALUES ('generation', 'generation \"trashed\"', ?)")
      .run(JSON.stringify(snapshot))
    sql.prepare('DELETE FROM generations WHERE id = ?').run(trashed)
    old.close()

    const migrated = openDatabase(file)
    expect(migrated.backupFile).not.toBeNull()
    const env: HandlerEnv = {
      ...sqliteContext(migrated.db, migrated.sqlite),
      version: '0',
      dbFile: migrated.file,
      mode: 'desktop',
    }
    const ok = async (name: string, input: unknown): Promise<any> => {
      const r = await dispatch(env, name, input)
      expect(r, name).toMatchObject({ ok: true })
      return (r as { value: unknown }).value
    }
    const count = () =>
      (migrated.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements').get() as { n: number }).n
    expect(count()).toBe(30)
    expect((await ok('generations.list', { projectId })).map((g: any) => [g.name, g.deletedAt])).toEqual([
      ['kept', null],
    ])

    // The old-format entry restores, with its rows and ids.
    const [entry] = await ok('trash.list', {})
    expect(entry.label).toBe('generation "trashed"')
    await ok('trash.restore', { id: entry.id })
    expect(count()).toBe(50)
    expect((await ok('generations.list', { projectId })).map((g: any) => [g.id, g.ordinal])).toEqual([
      [kept, 1],
      [trashed, 2],
    ])

    // A new deletion is a mark: nothing copied, hidden, undone by unmarking.
    const marked = await ok('generations.delete', { id: kept })
    expect(count()).toBe(50)
    expect(migrated.sqlite.prepare('SELECT payload, generation_id FROM trash').all()).toEqual([
      { payload: '{}', generation_id: kept },
    ])
    expect((await ok('generations.list', { projectId })).map((g: any) => [g.name, g.ordinal])).toEqual([['trashed', 1]])
    await ok('trash.restore', { id: marked.id })
    expect((await ok('generations.list', { projectId })).map((g: any) => g.name)).toEqual(['kept', 'trashed'])
    expect(await ok('measurements.page', { generationId: kept })).toMatchObject({ total: 30 })
    migrated.close()
  })
})
