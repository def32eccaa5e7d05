/**
 * The maintained headline (services/readModels/maintained.ts): after every write path —
 * measurement create, update and delete, the headline metric choice, imports of every
 * format (an empty generation's row-by-row path and the upsert path, flat and grouped
 * files), a folder import, trash mark, undo and empty, a restored measurement, backup
 * restores (JSON and streamed), the sample, a write from another connection, and the
 * upgrade of a file holding data — what `generation_headline` holds for each generation
 * must be IDENTICAL to what a fresh computation over its rows gives (load.ts freshFigures,
 * tax/headline.ts; largestChangeIds), and the summary the open app answers must equal a
 * fresh connection's. On both stores (SQLite and, in the vitest project integration-pg,
 * PostgreSQL: its triggers are plpgsql); the upgrade of a store holding data is tested on
 * each store's own migrations.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openApp, type OpenApp } from '../../src-main/app'
import { defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
import { postgresContext } from '../../src-main/db/dialects/postgres'
import { sqliteContext } from '../../src-main/db/dialects/sqlite'
import { openPostgres } from '../../src-main/db/pg/open'
import { openStore } from '../../src-main/db/store'
import { dispatch } from '../../src-main/handlers'
import type { ServiceContext } from '../../src-main/services/context'
import { freshFigures } from '../../src-main/services/readModels/load'
import {
  decodeKept,
  encodeKept,
  FILL_MAX_ROWS,
  LARGEST_CHANGES,
  largestChangeIds,
} from '../../src-main/services/readModels/maintained'
import type { ApiName } from '../../src-shared/api/contract'
import type { Generation } from '../../src-shared/domain/types'
import { createTestDatabase } from '../support/postgres'
import { rawSql } from '../support/sql'
import { openAgain, openTempApp, REPO_ROOT, SHARED_FIXTURES, TEST_STORE, tempDir } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>
beforeEach(() => {
  app = openTempApp()
})
afterEach(() => app.close())

async function call(name: ApiName, input: unknown, on: Pick<OpenApp, 'env'> = app): Promise<any> {
  const r = await dispatch(on.env, name, input as never)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value
}

const base64 = (text: string) => Buffer.from(text).toString('base64')

/** Every generation's stored figures against a fresh computation over its rows; how many were compared. */
async function expectMaintained(ctx: ServiceContext, what: string): Promise<number> {
  const raw = rawSql(ctx)
  const gens = (await ctx.db.select().from(ctx.t.generations)) as Generation[]
  const stored = new Map(
    (
      await raw.all<{ id: number; figures: string }>('SELECT generation_id AS id, figures FROM generation_headline')
    ).map((r) => [r.id, decodeKept(r.figures)]),
  )
  for (const g of gens) {
    const rows = Number(
      await raw.value('SELECT count(*) AS n FROM benchmark_measurements WHERE generation_id = ?', g.id),
    )
    // Every write path stores it (an empty generation needs nothing kept; one above the fill limit is stored by its own writes).
    if (rows > 0 && rows <= FILL_MAX_ROWS) expect(stored.has(g.id), `${what}: generation ${g.name} is kept`).toBe(true)
    const kept = stored.get(g.id)
    if (!kept) continue
    expect(kept, `${what}: generation ${g.name}`).toEqual({
      figures: (await freshFigures(ctx, [g])).get(g.id),
      largest: await largestChangeIds(ctx, g.id, LARGEST_CHANGES),
    })
  }
  return gens.length
}

/** The project summary, a generation's page and its first page of measurements by the open app and by a fresh connection; they must agree. */
async function expectSameAsFresh(projectId: number, generationId: number, what: string) {
  const fresh = openAgain(app)
  try {
    const fromOpen = [
      await call('projects.summary', { projectId }),
      await call('generations.get', { id: generationId }),
      await call('measurements.page', { generationId }),
    ]
    // Nothing kept on the fresh connection: worked out from the rows, in a transaction rolled back.
    let fromFresh: unknown[] = []
    const rollBack = new Error('roll back')
    await expect(
      fresh.env.transaction(async (tx) => {
        await rawSql(tx).run('DELETE FROM generation_headline')
        fromFresh = [
          await call('projects.summary', { projectId }, fresh),
          await call('generations.get', { id: generationId }, fresh),
          await call('measurements.page', { generationId }, fresh),
        ]
        throw rollBack
      }),
    ).rejects.toBe(rollBack)
    expect(fromOpen, what).toEqual(fromFresh)
  } finally {
    fresh.close()
  }
}

/** A CSV of `rows` flat benchmarks with both runs: many equal changes (ties) and names SQLite and JavaScript order differently. */
function flatCsv(rows: number, prefix = 'task'): string {
  const names = ['\u{1F600}', '\uFFFD', 'zeta', 'Zeta', 'a']
  let csv = 'benchmark,metric,baseline,aligned,baseline_stderr,aligned_stderr,direction\n'
  for (let i = 0; i < rows; i++) {
    const base = 0.3 + ((i * 7) % 5) / 10
    const aligned = i % 11 === 0 ? '' : (base - 0.05 + ((i * 3) % 4) / 100).toFixed(3)
    if (i < names.length) {
      // The largest change, equal for these names: their order is SQLite's, not JavaScript's.
      csv += `${names[i]}_${prefix},acc,0.3,0.25,0.01,0.02,higher\n`
      continue
    }
    const name = `${prefix}_${i}`
    const metric = i % 13 === 0 ? 'mcc' : 'acc'
    csv += `${name},${metric},${base},${aligned},0.01,${i % 7 === 0 ? '' : '0.02'},${i % 9 === 0 ? 'lower' : 'higher'}\n`
  }
  return csv
}

describe('the maintained headline', () => {
  it('equals a fresh computation after every write path', async () => {
    const project = await call('projects.create', { name: 'P' })
    const g1 = await call('generations.create', { projectId: project.id, name: 'G1', pretrainedOn: '2024-01-01' })
    const g2 = await call('generations.create', { projectId: project.id, name: 'G2', pretrainedOn: '2024-06-01' })
    const g3 = await call('generations.create', { projectId: project.id, name: 'G3', pretrainedOn: '2024-09-01' })
    const ctx = app.env
    const step = async (what: string, write: () => Promise<unknown>, generationId = g1.id) => {
      // Read first, so the open app has remembered figures to keep or drop.
      await call('projects.summary', { projectId: project.id })
      await write()
      await expectMaintained(ctx, what)
      await expectSameAsFresh(project.id, generationId, what)
    }

    let a: { id: number } = { id: 0 }
    await step('measurement create', async () => {
      a = await call('measurements.create', {
        generationId: g1.id,
        benchmark: 'mmlu',
        metric: 'acc',
        baseline: 0.6,
        aligned: 0.5,
      })
      await call('measurements.create', {
        generationId: g1.id,
        benchmark: 'mmlu',
        metric: 'acc_norm',
        baseline: 0.6,
        aligned: 0.3,
      })
    })
    await step('measurement update', () => call('measurements.update', { id: a.id, aligned: 0.7 }))
    await step('headline metric choice', () =>
      call('performance.setHeadlineMetric', { generationId: g1.id, benchmark: 'mmlu', metric: 'acc_norm' }),
    )
    let trashed: { id: number } = { id: 0 }
    await step('measurement delete', async () => {
      trashed = await call('measurements.delete', { id: a.id })
    })
    await step('restored measurement', () => call('trash.restore', { id: trashed.id }))
    await step(
      'CSV import, both runs, into an empty generation (kept row by row)',
      () =>
        call('imports.run', {
          format: 'csv',
          fileName: 'flat.csv',
          contentBase64: base64(flatCsv(300)),
          generationId: g2.id,
          role: 'baseline',
        }),
      g2.id,
    )
    await step(
      'CSV import into a generation with rows (upsert)',
      () =>
        call('imports.run', {
          format: 'csv',
          fileName: 'more.csv',
          contentBase64: base64(flatCsv(40, 'more')),
          generationId: g2.id,
          role: 'baseline',
        }),
      g2.id,
    )
    await step(
      'CSV run import with groups into an empty generation',
      async () => {
        const run = (value: (i: number) => number) =>
          'benchmark,metric,value,group\nmmlu_stem,acc,' +
          value(1) +
          ',mmlu\nmmlu_anatomy,acc,' +
          value(2) +
          ',mmlu_stem\nrte,acc,' +
          value(3) +
          ',glue\ncola,mcc,' +
          value(4) +
          ',glue\n'
        await call('imports.run', {
          format: 'csv',
          fileName: 'b.csv',
          contentBase64: base64(run((i) => 0.5 + i / 100)),
          generationId: g3.id,
          role: 'baseline',
        })
        await call('imports.run', {
          format: 'csv',
          fileName: 'a.csv',
          contentBase64: base64(run((i) => 0.45 + i / 90)),
          generationId: g3.id,
          role: 'aligned',
        })
      },
      g3.id,
    )
    await step('CSV import with a benchmark of two metrics into an empty generation', async () => {
      const g = await call('generations.create', { projectId: project.id, name: 'G4', pretrainedOn: '2024-10-01' })
      await call('imports.run', {
        format: 'csv',
        fileName: 'two.csv',
        contentBase64: base64(
          'benchmark,metric,baseline,aligned\narc_challenge,acc,0.5,0.4\nboolq,acc,0.7,0.71\narc_challenge,acc_norm,0.55,0.5\n',
        ),
        generationId: g.id,
        role: 'baseline',
      })
    })
    const lmEval = (name: string) => base64(fs.readFileSync(path.join(SHARED_FIXTURES, 'lm-eval', name), 'utf8'))
    await step('lm-eval import (nested groups)', async () => {
      const g = await call('generations.create', { projectId: project.id, name: 'G5', pretrainedOn: '2024-11-01' })
      await call('imports.run', {
        format: 'lm-eval',
        fileName: 'l.json',
        contentBase64: lmEval('leaderboard-v2-nested-groups-v04.json'),
        generationId: g.id,
        role: 'baseline',
      })
      await call('imports.run', {
        format: 'lm-eval',
        fileName: 'g.json',
        contentBase64: lmEval('gsm8k-cot-two-filters-v04.json'),
        generationId: g.id,
        role: 'aligned',
      })
    })
    await step('Inspect import', async () => {
      const g = await call('generations.create', { projectId: project.id, name: 'G6', pretrainedOn: '2024-12-01' })
      await call('imports.run', {
        format: 'inspect',
        fileName: 'log.eval',
        contentBase64: fs.readFileSync(path.join(SHARED_FIXTURES, 'inspect/log_formats.eval')).toString('base64'),
        generationId: g.id,
        role: 'baseline',
      })
    })
    await step('folder import', async () => {
      const g = await call('generations.create', { projectId: project.id, name: 'G7', pretrainedOn: '2025-01-01' })
      await call('imports.runFolder', {
        format: 'lm-eval',
        folderName: 'runs',
        files: [
          { path: 'm1/results_2024-01-01T00-00-00.json', contentBase64: lmEval('hellaswag-v0-res.json') },
          { path: 'm2/results_2024-01-01T00-00-00.json', contentBase64: lmEval('arc_challenge-v2.0-res.json') },
        ],
        generationId: g.id,
        role: 'baseline',
      })
    })
    await step('sample', () => call('sample.load', {}))
    await step(
      'a write from another connection',
      async () => {
        const other = openAgain(app)
        try {
          await call(
            'measurements.create',
            { generationId: g2.id, benchmark: 'bbh', metric: 'acc', baseline: 0.5, aligned: 0.2 },
            other,
          )
        } finally {
          other.close()
        }
      },
      g2.id,
    )
    const backup = await call('backup.export', {})
    let gone: { id: number } = { id: 0 }
    await step('generation to the trash (mark)', async () => {
      gone = await call('generations.delete', { id: g3.id })
    })
    await step('generation back from the trash (unmark)', () => call('trash.restore', { id: gone.id }), g3.id)
    await step('emptying the trash', async () => {
      await call('generations.delete', { id: g3.id })
      await call('trash.empty', {})
    })
    await step('backup restore', () =>
      call('backup.restore', { fileName: 'b.json', contentBase64: base64(backup.content) }),
    )
    // Raw SQL (an older tool): the triggers drop what is kept rather than leave it wrong.
    const raw = rawSql(app.env)
    await raw.run('UPDATE benchmark_measurements SET aligned = 0.1 WHERE generation_id = ?', g2.id)
    expect(await raw.get('SELECT 1 AS one FROM generation_headline WHERE generation_id = ?', g2.id)).toBeUndefined()
    await expectSameAsFresh(project.id, g2.id, 'raw update')
    // So do a raw delete and a raw change of the headline choices.
    await call('measurements.create', {
      generationId: g2.id,
      benchmark: 'x',
      metric: 'acc',
      baseline: 0.5,
      aligned: 0.4,
    })
    expect(await raw.get('SELECT 1 AS one FROM generation_headline WHERE generation_id = ?', g2.id)).toBeDefined()
    await raw.run("DELETE FROM benchmark_measurements WHERE generation_id = ? AND benchmark = 'x'", g2.id)
    expect(await raw.get('SELECT 1 AS one FROM generation_headline WHERE generation_id = ?', g2.id)).toBeUndefined()
    await call('measurements.create', {
      generationId: g2.id,
      benchmark: 'x',
      metric: 'acc',
      baseline: 0.5,
      aligned: 0.4,
    })
    await raw.run('UPDATE generations SET headline_metrics = ? WHERE id = ?', '{"x":"acc"}', g2.id)
    expect(await raw.get('SELECT 1 AS one FROM generation_headline WHERE generation_id = ?', g2.id)).toBeUndefined()
    await expectSameAsFresh(project.id, g2.id, 'raw update')
  })

  it('stays equal to a fresh computation when two connections write the same generation at once', async () => {
    const project = await call('projects.create', { name: 'P' })
    const g = await call('generations.create', { projectId: project.id, name: 'G', pretrainedOn: '2024-01-01' })
    // PostgreSQL: two pools, the writes at once (each refresh must see the other's rows). The
    // SQLite file has one writer at a time, so in one process they share the connection's queue.
    const other = TEST_STORE === 'postgres' ? openAgain(app) : app
    try {
      await Promise.all([
        ...Array.from({ length: 8 }, (_, i) =>
          call(
            'measurements.create',
            { generationId: g.id, benchmark: `b${i}`, metric: 'acc', baseline: 0.5, aligned: 0.4 - i / 100 },
            i % 2 ? other : app,
          ),
        ),
        call(
          'imports.run',
          {
            format: 'csv',
            fileName: 'c.csv',
            contentBase64: base64(flatCsv(200, 'concurrent')),
            generationId: g.id,
            role: 'baseline',
          },
          other,
        ),
      ])
      expect(await expectMaintained(app.env, 'concurrent writes')).toBe(1)
      await expectSameAsFresh(project.id, g.id, 'concurrent writes')
    } finally {
      if (other !== app) other.close()
    }
  })

  it('keeps an imported CSV of 20,000 flat rows row by row, identical to the fresh computation', async () => {
    const project = await call('projects.create', { name: 'P' })
    const g = await call('generations.create', { projectId: project.id, name: 'G', pretrainedOn: '2024-01-01' })
    await call('imports.run', {
      format: 'csv',
      fileName: 'big.csv',
      contentBase64: base64(flatCsv(20_000)),
      generationId: g.id,
      role: 'baseline',
    })
    expect(await expectMaintained(app.env, 'big import')).toBe(1)
    await expectSameAsFresh(project.id, g.id, 'big import')
  })
})

/**
 * A copy of a store's migrations before the maintained headline's (the first whose tag names
 * it: found by name, so that renumbering on a merge does not move what the test builds).
 */
function migrationsBeforeHeadline(source: string, folder: string): string {
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true })
  const journal = JSON.parse(fs.readFileSync(path.join(source, 'meta/_journal.json'), 'utf8'))
  const first = journal.entries.find((e: { tag: string }) => e.tag.endsWith('_maintained_headline')).idx as number
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < first)
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal))
  for (const e of journal.entries) fs.copyFileSync(path.join(source, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`))
  return folder
}

/** Data written by raw SQL into a store of the older schema: three generations, one in the trash. */
async function seedOldStore(ctx: Pick<ServiceContext, 'dialect'>): Promise<{ projectId: number; before: unknown[] }> {
  const raw = rawSql(ctx)
  expect(await ctx.dialect.tableColumns('generation_headline')).toEqual([])
  const projectId = Number(await raw.value("INSERT INTO projects (name) VALUES ('P') RETURNING id"))
  const gens: number[] = []
  for (const n of [1, 2, 3]) {
    gens.push(
      Number(
        await raw.value(
          "INSERT INTO generations (project_id, ordinal, name, pretrained_on, headline_metrics) VALUES (?, ?, ?, '2024-01-01', ?) RETURNING id",
          projectId,
          n,
          `G${n}`,
          n === 2 ? '{"arc":"acc"}' : '{}',
        ),
      ),
    )
  }
  const add = (...values: unknown[]) =>
    raw.run(
      "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, group_path, direction, baseline, aligned, source) VALUES (?, ?, ?, ?, 'higher', ?, ?, 'import')",
      ...values,
    )
  for (const [i, g] of gens.entries()) {
    await add(g, 'arc', 'acc', null, 0.5, 0.4 + i / 100)
    await add(g, 'arc', 'acc_norm', null, 0.55, 0.5)
    await add(g, 'mmlu_stem', 'acc', '["mmlu"]', 0.6, 0.58)
    await add(g, 'mmlu_anatomy', 'acc', '["mmlu","mmlu_stem"]', 0.62, 0.6)
    await add(g, 'boolq', 'acc', null, 0.7, null)
  }
  // One generation in the trash (a mark).
  await raw.run("UPDATE generations SET deleted_at = '2024-02-01T00:00:00.000Z' WHERE id = ?", gens[2])
  await raw.run("INSERT INTO trash (kind, label, payload, generation_id) VALUES ('generation', 'G3', '{}', ?)", gens[2])
  return { projectId, before: await raw.all('SELECT * FROM benchmark_measurements ORDER BY id') }
}

/** After the upgrade: everything kept, equal to a fresh computation, the trashed generation included. */
async function expectFilled(on: Pick<OpenApp, 'env'>, projectId: number, before: unknown[]) {
  const raw = rawSql(on.env)
  // A request first: on the SQLite file the fill is queued before it.
  const summary = await call('projects.summary', { projectId }, on)
  // Every row as it was (the columns later migrations add, such as the audit stamps, aside).
  const columns = Object.keys((before[0] ?? {}) as object)
  const after = (await raw.all('SELECT * FROM benchmark_measurements ORDER BY id')) as Record<string, unknown>[]
  expect(after.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])))).toEqual(before)
  expect(await expectMaintained(on.env, 'after the upgrade')).toBe(3)
  expect(Number(await raw.value('SELECT count(*) AS n FROM generation_headline'))).toBe(3)
  expect(summary.generations.map((g: any) => g.regressions.headlineCount)).toEqual([3, 3])
  // Undo brings the trashed generation back with its figures.
  const entry = (await call('trash.list', {}, on))[0]
  await call('trash.restore', { id: entry.id }, on)
  expect(await expectMaintained(on.env, 'after undo')).toBe(3)
}

describe('the migrations of the maintained headline', () => {
  it.skipIf(TEST_STORE !== 'sqlite')('fill what is kept for a SQLite file holding data, trash included', async () => {
    const dir = tempDir()
    try {
      // The schema before these migrations, with data written by raw SQL.
      const folder = migrationsBeforeHeadline(defaultMigrationsFolder(), path.join(dir, 'migrations-before'))
      const file = path.join(dir, 'old.db')
      const old = openDatabase(file, { migrationsFolder: folder })
      const { projectId, before } = await seedOldStore(sqliteContext(old.db, old.sqlite))
      old.close()

      const now = openApp(file, 'desktop')
      try {
        await expectFilled(now, projectId, before)
      } finally {
        now.close()
      }
      // openStore (the CLI's --store) fills before it returns.
      const again = openDatabase(path.join(dir, 'again.db'), { migrationsFolder: folder })
      const seeded = await seedOldStore(sqliteContext(again.db, again.sqlite))
      again.close()
      const store = await openStore(path.join(dir, 'again.db'))
      try {
        expect(Number(await rawSql(store.ctx).value('SELECT count(*) AS n FROM generation_headline'))).toBe(3)
        await expectFilled({ env: store.ctx as OpenApp['env'] }, seeded.projectId, seeded.before)
      } finally {
        await store.close()
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(TEST_STORE !== 'postgres')(
    'fill what is kept for a PostgreSQL database holding data, trash included',
    async () => {
      const dir = tempDir()
      const database = await createTestDatabase()
      try {
        // The schema before these migrations, with data written by raw SQL.
        const folder = migrationsBeforeHeadline(path.join(REPO_ROOT, 'drizzle/pg'), path.join(dir, 'migrations-before'))
        const old = await openPostgres(database.url, { migrationsFolder: folder })
        expect(old.upgraded).toBe(false)
        const { projectId, before } = await seedOldStore(postgresContext(old.pool, old.db))
        await old.close()

        const store = await openStore(database.url)
        try {
          expect(store.postgres?.upgraded).toBe(true)
          expect(Number(await rawSql(store.ctx).value('SELECT count(*) AS n FROM generation_headline'))).toBe(3)
          await expectFilled({ env: store.ctx as OpenApp['env'] }, projectId, before)
        } finally {
          await store.close()
        }
      } finally {
        await database.drop()
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})

describe('what is stored', () => {
  it('reads back every figure as the same double, −0 and non-finite ones included', () => {
    const kept = {
      figures: {
        count: 2,
        skipped: 0,
        paired: 2,
        headlineCount: 2,
        computed: [],
        aggregates: {
          count: 2,
          paired: 2,
          unpaired: 0,
          zeroBaseline: 0,
          meanPct: -0,
          medianPct: 0.1 + 0.2,
          weightedMeanPct: Infinity,
          regressions: 1,
          gains: 1,
          significant: 0,
        },
      },
      largest: [3, 1],
    }
    const back = decodeKept(encodeKept(kept))!
    expect(Object.is(back.figures.aggregates.meanPct, -0)).toBe(true)
    expect(back).toEqual(kept)
    expect(decodeKept('not json')).toBeNull()
  })
})
