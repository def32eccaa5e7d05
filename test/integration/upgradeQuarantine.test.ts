/**
 * A database written by an older version (the schema before the CHECK constraints) that
 * holds rows breaking the row rules: the upgrade moves those rows, with what belongs to
 * them, into trash entries of kind "quarantine" and keeps every other row identical; the
 * rules hold afterwards, the summary works, a backup round trip keeps the quarantine, and
 * the CLI says what happened on stderr.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
import { backupData, exportBackup, restoreBackup } from '../../src-main/services/backup'
import { projectSummary } from '../../src-main/services/readModels/projectSummary'
import { listTrash, restoreFromTrash } from '../../src-main/services/trash'
import { parseQuarantinePayload, QUARANTINE_KIND } from '../../src-shared/api/rows'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { loadSampleInto, onlyColumnsOf } from '../support/olderSchema'
import { sqliteContext } from '../../src-main/db/dialects/sqlite'

const dirs: string[] = []
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterEach(async () => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

type Row = Record<string, unknown>

/** A copy of the migrations folder without the CHECK-constraint migration and those after it. */
function migrationsBeforeChecks(dir: string): string {
  const old = path.join(dir, 'old-migrations')
  fs.cpSync(defaultMigrationsFolder(), old, { recursive: true })
  const journal = JSON.parse(fs.readFileSync(path.join(old, 'meta/_journal.json'), 'utf8'))
  const checks = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith('_row_rules_check_constraints'))
  expect(checks).toBeGreaterThan(0)
  journal.entries = journal.entries.slice(0, checks)
  fs.writeFileSync(path.join(old, 'meta/_journal.json'), JSON.stringify(journal))
  return old
}

/**
 * An old file holding the sample plus bad rows of several kinds, closed. Returns its
 * rows as they were and which rows are bad (table → ids).
 */
async function oldFileWithBadRows(dir: string) {
  const file = path.join(dir, 'old.db')
  const first = openDatabase(file, { migrationsFolder: migrationsBeforeChecks(dir) })
  const { sqlite } = first
  await loadSampleInto(sqlite)
  const sample = await backupData(sqliteContext(first.db, sqlite))
  const gens = sample.generations as Row[]
  const measurementsOf = (g: Row) => (sample.benchmark_measurements as Row[]).filter((m) => m.generation_id === g.id)
  // A generation with records of several kinds gets the bad date; another one's measurements get the rest.
  const badGen = gens.find(
    (g) => measurementsOf(g).length && (sample.cost_items as Row[]).some((c) => c.generation_id === g.id),
  )!
  const goodGen = gens.find((g) => g.id !== badGen.id && measurementsOf(g).length >= 4)!
  const [sideways, fractional, infinite] = measurementsOf(goodGen)
  // A policy row of another generation than the bad one (whose rows all go with it).
  const policyOfBadGen = new Set(
    (sample.inference_policies as Row[]).filter((p) => p.generation_id === badGen.id).map((p) => p.id),
  )
  const policyRow = (sample.policy_rows as Row[]).find((r) => !policyOfBadGen.has(r.policy_id))!
  expect(policyRow).toBeDefined()
  sqlite.prepare("UPDATE generations SET pretrained_on = 'not a date' WHERE id = ?").run(badGen.id)
  sqlite.prepare("UPDATE benchmark_measurements SET direction = 'sideways' WHERE id = ?").run(sideways.id)
  sqlite.prepare('UPDATE benchmark_measurements SET shots = 1.5 WHERE id = ?').run(fractional.id)
  sqlite.prepare('UPDATE benchmark_measurements SET baseline = 9e999 WHERE id = ?').run(infinite.id)
  sqlite.prepare('UPDATE policy_rows SET fraction = 7 WHERE id = ?').run(policyRow.id)
  const project = sqlite.prepare("INSERT INTO projects (name) VALUES ('  ') RETURNING id").get() as { id: number }
  const projectGen = sqlite
    .prepare(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 0, 'gen of a nameless project', '2022-01-01') RETURNING id",
    )
    .get(project.id) as { id: number }
  sqlite
    .prepare(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, baseline, aligned) VALUES (?, 'mmlu', 0.5, 0.4)",
    )
    .run(projectGen.id)
  // An import record of an unknown format, which a good measurement points at (ON DELETE SET NULL).
  const badImport = sqlite
    .prepare(
      "INSERT INTO import_records (project_id, file_name, sha256, format) VALUES (?, 'old.zip', 'x', 'zip') RETURNING id",
    )
    .get(goodGen.project_id) as { id: number }
  const importedMeasurement = measurementsOf(goodGen)[3]
  sqlite
    .prepare('UPDATE benchmark_measurements SET import_id = ? WHERE id = ?')
    .run(badImport.id, importedMeasurement.id)
  const before = await backupData(sqliteContext(first.db, sqlite))
  first.close()
  return {
    file,
    before,
    badGen: badGen.id as number,
    projectGen: projectGen.id,
    project: project.id,
    badMeasurements: [sideways.id, fractional.id, infinite.id] as number[],
    policyRow: policyRow.id as number,
    badImport: badImport.id,
    importedMeasurement: importedMeasurement.id as number,
  }
}

describe('upgrading a database that holds rows breaking the row rules', () => {
  it('moves them, with what belongs to them, into labelled quarantine entries and keeps the rest identical', async () => {
    const dir = fresh()
    const old = await oldFileWithBadRows(dir)
    const opened = openDatabase(old.file)
    const ctx = sqliteContext(opened.db, opened.sqlite)
    expect(opened.backupFile).not.toBeNull()

    // One entry per bad row; a bad row's children go with it.
    expect(opened.quarantined).toHaveLength(7)
    const labels = opened.quarantined.join('\n')
    expect(labels).toMatch(
      /generations #\d+ "[^"]+" breaks the rule for pretrained_on: got "not a date" \(with \d+ row/,
    )
    expect(labels).toMatch(/benchmark_measurements #\d+ breaks the rule for direction: got "sideways"/)
    expect(labels).toMatch(/benchmark_measurements #\d+ breaks the rule for shots: got 1.5/)
    expect(labels).toMatch(/benchmark_measurements #\d+ breaks the rule for baseline: got Infinity/)
    expect(labels).toMatch(/import_records #\d+ breaks the rule for format: got "zip"/)
    expect(labels).toMatch(/policy_rows #\d+ breaks the rule for fraction: got 7/)
    expect(labels).toMatch(/projects #\d+ breaks the rule for name: got " {2}" \(with 2 row/)

    const entries = (await listTrash(ctx)).filter((e) => e.kind === QUARANTINE_KIND)
    expect(entries.map((e) => e.label).sort()).toEqual([...opened.quarantined].sort())
    const payloads = (
      opened.sqlite.prepare('SELECT payload FROM trash WHERE kind = ?').pluck().all(QUARANTINE_KIND) as string[]
    ).map((p) => {
      const parsed = parseQuarantinePayload(p)
      if (!parsed.ok) throw new Error(parsed.problem)
      return parsed.quarantine
    })
    const quarantinedRows = new Map<string, Row>()
    for (const q of payloads) {
      for (const [table, rows] of Object.entries(q.rows))
        for (const r of rows) quarantinedRows.set(`${table}:${String(r.id)}`, r)
    }

    // Every row either stayed identical or is in the quarantine verbatim (Infinity included); none is in both.
    const after = await backupData(ctx)
    const expectedGone = new Set<string>([
      `generations:${old.badGen}`,
      `generations:${old.projectGen}`,
      `projects:${old.project}`,
      `policy_rows:${old.policyRow}`,
      `import_records:${old.badImport}`,
      ...old.badMeasurements.map((id) => `benchmark_measurements:${id}`),
    ])
    for (const [table, rows] of Object.entries(old.before)) {
      if (table === 'sqlite_sequence' || table === 'trash' || table === 'settings') continue
      const now = new Map((after[table] as Row[]).map((r) => [r.id, r]))
      for (const row of rows as Row[]) {
        const key = `${table}:${String(row.id)}`
        const belongsToBadGeneration = row.generation_id === old.badGen || row.generation_id === old.projectGen
        if (expectedGone.has(key) || belongsToBadGeneration) {
          expect(now.has(row.id), key).toBe(false)
          expect(quarantinedRows.get(key), key).toEqual(row)
        } else if (key === `benchmark_measurements:${old.importedMeasurement}`) {
          // Its import record went to the quarantine: the reference is cleared, as deleting it would.
          expect(onlyColumnsOf(row, now.get(row.id)!), key).toEqual({ ...row, import_id: null })
        } else if (!quarantinedRows.has(key)) {
          const current = { ...now.get(row.id) }
          if (table === 'projects') {
            // The upgrade gives each project its identity (a random UUID), the one new value.
            expect(current.uid, key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
          }
          // Columns later migrations add (the audit stamps) are empty on the old rows.
          for (const [c, v] of Object.entries(current))
            if (!(c in row) && c !== 'uid') expect(v, `${key}.${c}`).toBeNull()
          expect(onlyColumnsOf(row, current), key).toEqual(row)
        }
      }
      expect(now.size, table).toBe(
        (rows as Row[]).filter((r) => !quarantinedRows.has(`${table}:${String(r.id)}`)).length,
      )
    }
    // Counters are kept (ids of quarantined rows are never reused).
    const counters = (rows: Row[]) => rows.filter((r) => (r.seq as number) > 0 && r.name !== 'trash')
    expect(counters(after.sqlite_sequence as Row[])).toEqual(counters(old.before.sqlite_sequence as Row[]))
    const infinite = quarantinedRows.get(`benchmark_measurements:${old.badMeasurements[2]}`)!
    expect(infinite.baseline).toBe(Infinity)
    // Children of children: the bad generation's curve points, policy rows… are all in its entry.
    const badGenEntry = payloads.find((q) => q.table === 'generations' && q.id === old.badGen)!
    expect(badGenEntry.rows.benchmark_measurements?.length).toBeGreaterThan(0)
    expect(badGenEntry.rows.cost_items?.length).toBeGreaterThan(0)

    // The rules hold now, the file is sound, and the pages still work.
    expect(() =>
      opened.sqlite
        .prepare(
          "UPDATE benchmark_measurements SET direction = 'sideways' WHERE id = (SELECT min(id) FROM benchmark_measurements)",
        )
        .run(),
    ).toThrow(/CHECK constraint failed/)
    expect(opened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(opened.sqlite.pragma('foreign_key_check')).toEqual([])
    const project = (after.projects as Row[])[0]
    const summary = await projectSummary(ctx, project.id as number)
    expect(summary.generations.length).toBeGreaterThan(0)

    // A quarantine entry cannot be put back as it is: it says why.
    await expect(restoreFromTrash(ctx, entries[0].id)).rejects.toThrow(/breaks the row rules/)

    // A backup round trip keeps the quarantine as it is.
    const exported = await exportBackup(ctx)
    const trashBefore = opened.sqlite.prepare('SELECT * FROM trash ORDER BY id').all()
    opened.close()
    const other = openDatabase(path.join(dir, 'restored.db'))
    await restoreBackup(sqliteContext(other.db, other.sqlite), exported.content, exported.fileName)
    expect(other.sqlite.prepare('SELECT * FROM trash ORDER BY id').all()).toEqual(trashBefore)
    expect(other.quarantined).toEqual([])
    other.close()

    // Opening the upgraded file again moves nothing.
    const again = openDatabase(old.file)
    expect(again.quarantined).toEqual([])
    again.close()
  })

  it('is said on the CLI stderr by the built atax, and the command still runs', async () => {
    const dir = fresh()
    const old = await oldFileWithBadRows(dir)
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), '--db', old.file, 'project', 'list'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ATAX_DB: '', HOME: dir },
    })
    expect(r.stderr).toMatch(
      /moved a row that breaks the row rules to the trash: Quarantined on upgrade: generations #/,
    )
    expect(r.stderr.match(/moved a row/g)).toHaveLength(7)
    expect(r.status).toBe(0)
  })
})
