/**
 * The read-model indexes migration (drizzle/sqlite/0004_read_model_indexes.sql: partial indexes
 * of grouped rows and of rows the engine cannot compute) on a database made by the
 * previous schema and holding data: every row survives, the indexes exist, and the
 * page's groups and warnings read from them.
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

/**
 * A migrations folder holding the migrations up to `last` (0003: before the one under test;
 * 0004: up to it — later rebuilds move rows that break the CHECKs aside, which is theirs to test).
 */
function migrationsUpTo(last: number): string {
  const folder = path.join(dir, `migrations-${last}`)
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true })
  const source = defaultMigrationsFolder()
  const journal = JSON.parse(fs.readFileSync(path.join(source, 'meta/_journal.json'), 'utf8'))
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= last)
  expect(journal.entries.at(-1).tag).toBe(
    last === 3 ? '0003_row_rules_check_constraints' : last === 4 ? '0004_read_model_indexes' : undefined,
  )
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal))
  for (const e of journal.entries as { tag: string }[]) {
    fs.copyFileSync(path.join(source, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`))
  }
  return folder
}

const indexes = (sqlite: import('better-sqlite3').Database) =>
  (
    sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'benchmark_measurements'")
      .all() as { name: string }[]
  ).map((r) => r.name)

describe('migration to the read-model indexes', () => {
  it('keeps every row and serves groups and warnings from the new indexes', async () => {
    const file = path.join(dir, 'old.db')
    const old = openDatabase(file, { migrationsFolder: migrationsUpTo(3) })
    expect(indexes(old.sqlite)).not.toContain('benchmark_measurements_gen_group')
    const projectId = (
      old.sqlite.prepare("INSERT INTO projects (name) VALUES ('Old') RETURNING id").get() as { id: number }
    ).id
    const generationId = (
      old.sqlite
        .prepare(
          "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'G', '2024-01-01') RETURNING id",
        )
        .get(projectId) as { id: number }
    ).id
    const add = old.sqlite.prepare(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, group_path, direction, baseline, aligned, source) VALUES (?, ?, 'acc', ?, ?, 0.5, 0.4, 'import')",
    )
    add.run(generationId, 'mmlu', null, 'higher')
    add.run(generationId, 'mmlu_anatomy', '["mmlu"]', 'higher')
    add.run(generationId, 'arc', null, 'higher')
    // A row the CHECK constraints (0003) refuse, as an older version or another tool could
    // have stored it: written with the checks switched off, as such a writer would.
    old.sqlite.pragma('ignore_check_constraints = ON')
    add.run(generationId, 'odd', null, 'sideways')
    old.sqlite.pragma('ignore_check_constraints = OFF')
    const before = old.sqlite.prepare('SELECT * FROM benchmark_measurements ORDER BY id').all()
    old.close()

    const now = openDatabase(file, { migrationsFolder: migrationsUpTo(4) })
    try {
      expect(indexes(now.sqlite)).toEqual(
        expect.arrayContaining(['benchmark_measurements_gen_group', 'benchmark_measurements_gen_uncomputable']),
      )
      expect(now.sqlite.prepare('SELECT * FROM benchmark_measurements ORDER BY id').all()).toEqual(before)
    } finally {
      now.close()
    }
    // Today's services on today's schema: a later rebuild moved the sideways row aside (its
    // own test: upgradeQuarantine), so one is written again as such a writer would.
    const today = openDatabase(file)
    try {
      expect(today.quarantined).toHaveLength(1)
      today.sqlite.pragma('ignore_check_constraints = ON')
      today.sqlite
        .prepare(
          "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, direction, baseline, aligned, source) VALUES (?, 'odd', 'acc', 'sideways', 0.5, 0.4, 'import')",
        )
        .run(generationId)
      today.sqlite.pragma('ignore_check_constraints = OFF')
      const env: HandlerEnv = {
        ...sqliteContext(today.db, today.sqlite),
        version: 'test',
        dbFile: file,
        mode: 'desktop',
      }
      const page = await dispatch(env, 'measurements.page', { generationId, expanded: [] })
      expect(page).toMatchObject({
        ok: true,
        value: { groups: ['mmlu'], total: 2, warnings: [expect.stringContaining('1 measurement with a direction')] },
      })
    } finally {
      today.close()
    }
  })
})
