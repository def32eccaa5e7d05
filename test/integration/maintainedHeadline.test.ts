/**
 * The maintained headline (services/readModels/maintained.ts): after every write path —
 * measurement create, update and delete, the headline metric choice, imports of every
 * format (an empty generation's row-by-row path and the upsert path, flat and grouped
 * files), a folder import, trash mark, undo and empty, a restored measurement, backup
 * restores (JSON and streamed), the sample, a write from another connection, and the
 * upgrade of a file holding data — what `generation_headline` holds for each generation
 * must be IDENTICAL to what a fresh computation over its rows gives (load.ts freshFigures,
 * tax/headline.ts; largestChangeIds), and the summary the open app answers must equal a
 * fresh connection's.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openApp, type OpenApp } from '../../src-main/app'
import { defaultMigrationsFolder, openDatabase } from '../../src-main/db/open'
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
import { openTempApp, SHARED_FIXTURES, tempDir } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>
beforeEach(() => {
  app = openTempApp()
})
afterEach(() => app.close())

async function call(name: ApiName, input: unknown, on: OpenApp = app): Promise<any> {
  const r = await dispatch(on.env, name, input as never)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value
}

const base64 = (text: string) => Buffer.from(text).toString('base64')

/** Every generation's stored figures against a fresh computation over its rows; how many were compared. */
function expectMaintained(ctx: ServiceContext, what: string): number {
  const gens = ctx.db.query.generations.findMany().sync() as Generation[]
  const stored = new Map(
    (
      ctx.sqlite.prepare('SELECT generation_id AS id, figures FROM generation_headline').all() as {
        id: number
        figures: string
      }[]
    ).map((r) => [r.id, decodeKept(r.figures)]),
  )
  for (const g of gens) {
    const rows = (
      ctx.sqlite.prepare('SELECT count(*) AS n FROM benchmark_measurements WHERE generation_id = ?').get(g.id) as {
        n: number
      }
    ).n
    // Every write path stores it (an empty generation needs nothing kept; one above the fill limit is stored by its own writes).
    if (rows > 0 && rows <= FILL_MAX_ROWS) expect(stored.has(g.id), `${what}: generation ${g.name} is kept`).toBe(true)
    const kept = stored.get(g.id)
    if (!kept) continue
    expect(kept, `${what}: generation ${g.name}`).toEqual({
      figures: freshFigures(ctx, [g]).get(g.id),
      largest: largestChangeIds(ctx, g.id, LARGEST_CHANGES),
    })
  }
  return gens.length
}

/** The project summary, a generation's page and its first page of measurements by the open app and by a fresh connection; they must agree. */
async function expectSameAsFresh(projectId: number, generationId: number, what: string) {
  const fresh = openApp(app.file, 'desktop')
  try {
    const fromOpen = [
      await call('projects.summary', { projectId }),
      await call('generations.get', { id: generationId }),
      await call('measurements.page', { generationId }),
    ]
    // Nothing kept on the fresh connection: worked out from the rows (and rolled back).
    fresh.env.sqlite.exec('BEGIN; DELETE FROM generation_headline')
    const fromFresh = [
      await call('projects.summary', { projectId }, fresh),
      await call('generations.get', { id: generationId }, fresh),
      await call('measurements.page', { generationId }, fresh),
    ]
    fresh.env.sqlite.exec('ROLLBACK')
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
      expectMaintained(ctx, what)
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
        const other = openApp(app.file, 'desktop')
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
    app.env.sqlite.prepare('UPDATE benchmark_measurements SET aligned = 0.1 WHERE generation_id = ?').run(g2.id)
    expect(
      app.env.sqlite.prepare('SELECT 1 FROM generation_headline WHERE generation_id = ?').get(g2.id),
    ).toBeUndefined()
    await expectSameAsFresh(project.id, g2.id, 'raw update')
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
    expect(expectMaintained(app.env, 'big import')).toBe(1)
    await expectSameAsFresh(project.id, g.id, 'big import')
  })
})

describe('migration 0005 (the maintained headline)', () => {
  it('fills what is kept for a database holding data, trash included', async () => {
    const dir = tempDir()
    try {
      // The schema before this migration (0000–0004), with data written by its services' SQL.
      const folder = path.join(dir, 'migrations-0004')
      fs.mkdirSync(path.join(folder, 'meta'), { recursive: true })
      const source = defaultMigrationsFolder()
      const journal = JSON.parse(fs.readFileSync(path.join(source, 'meta/_journal.json'), 'utf8'))
      journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 4)
      fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal))
      for (const e of journal.entries)
        fs.copyFileSync(path.join(source, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`))
      const file = path.join(dir, 'old.db')
      const old = openDatabase(file, { migrationsFolder: folder })
      const sql = old.sqlite
      expect(sql.prepare("SELECT 1 FROM sqlite_master WHERE name = 'generation_headline'").get()).toBeUndefined()
      const projectId = (sql.prepare("INSERT INTO projects (name) VALUES ('P') RETURNING id").get() as { id: number })
        .id
      const gens = [1, 2, 3].map(
        (n) =>
          (
            sql
              .prepare(
                "INSERT INTO generations (project_id, ordinal, name, pretrained_on, headline_metrics) VALUES (?, ?, ?, '2024-01-01', ?) RETURNING id",
              )
              .get(projectId, n, `G${n}`, n === 2 ? '{"arc":"acc"}' : '{}') as { id: number }
          ).id,
      )
      const add = sql.prepare(
        "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, group_path, direction, baseline, aligned, source) VALUES (?, ?, ?, ?, 'higher', ?, ?, 'import')",
      )
      for (const [i, g] of gens.entries()) {
        add.run(g, 'arc', 'acc', null, 0.5, 0.4 + i / 100)
        add.run(g, 'arc', 'acc_norm', null, 0.55, 0.5)
        add.run(g, 'mmlu_stem', 'acc', '["mmlu"]', 0.6, 0.58)
        add.run(g, 'mmlu_anatomy', 'acc', '["mmlu","mmlu_stem"]', 0.62, 0.6)
        add.run(g, 'boolq', 'acc', null, 0.7, null)
      }
      // One generation in the trash (a mark).
      sql.prepare("UPDATE generations SET deleted_at = '2024-02-01T00:00:00.000Z' WHERE id = ?").run(gens[2])
      sql
        .prepare("INSERT INTO trash (kind, label, payload, generation_id) VALUES ('generation', 'G3', '{}', ?)")
        .run(gens[2])
      const before = sql.prepare('SELECT * FROM benchmark_measurements ORDER BY id').all()
      old.close()

      const now = openApp(file, 'desktop')
      try {
        expect(now.env.sqlite.prepare('SELECT * FROM benchmark_measurements ORDER BY id').all()).toEqual(before)
        expect(expectMaintained(now.env, 'after the upgrade')).toBe(3)
        expect(now.env.sqlite.prepare('SELECT count(*) AS n FROM generation_headline').get()).toEqual({ n: 3 })
        const summary = await call('projects.summary', { projectId }, now)
        expect(summary.generations.map((g: any) => g.regressions.headlineCount)).toEqual([3, 3])
        // Undo brings the trashed generation back with its figures.
        const entry = (await call('trash.list', {}, now))[0]
        await call('trash.restore', { id: entry.id }, now)
        expect(expectMaintained(now.env, 'after undo')).toBe(3)
      } finally {
        now.close()
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
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
