/**
 * Big generations stay fast (issue 10 item 6), checked by what is read rather than by
 * the clock: a page's headline flags come from its own benchmarks' rows yet equal the
 * whole headline's; Compare and the Timeline prepare the same number of statements
 * however many generations and projects they show.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import { getGeneration, listGenerations } from '../../src-main/services/generations'
import { compare, measurementsPage, timeline } from '../../src-main/services/readModels'
import { headlineOf } from '../../src-main/services/readModels/load'
import { seedLargeWorkspace } from '../bench/seed'
import { openTempApp } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>
beforeEach(async () => {
  app = openTempApp()
})
afterEach(async () => app.close())

/** How many statements `run` prepares on the app's connection, nothing remembered from before. */
function statementsPrepared(run: () => unknown): number {
  const sqlite = app.env.sqlite
  // A write: the summaries' remembered figures are dropped, so each run reads what it needs.
  sqlite.prepare('UPDATE projects SET description = description').run()
  const prepare = sqlite.prepare.bind(sqlite)
  let n = 0
  sqlite.prepare = ((source: string) => {
    n++
    return prepare(source)
  }) as typeof sqlite.prepare
  try {
    run()
  } finally {
    sqlite.prepare = prepare
  }
  return n
}

describe('a page of measurements', () => {
  it('flags the same rows as the whole headline, with groups, subtasks and a metric choice', async () => {
    const loaded = await dispatch(app.env, 'sample.load', {})
    if (!loaded.ok) throw new Error(loaded.error.message)
    const generations = await listGenerations(app.env, (loaded.value as { projectId: number }).projectId)
    let grouped = 0
    for (const g of generations) {
      const rows = app.env.sqlite
        .prepare('SELECT benchmark, metric FROM benchmark_measurements WHERE generation_id = ? AND group_path IS NULL')
        .all(g.id) as { benchmark: string; metric: string }[]
      // A user's choice on one benchmark with several metrics, where there is one.
      const several = rows.find((r, i) => rows.findIndex((o) => o.benchmark === r.benchmark) !== i)
      if (several) {
        const chosen = await dispatch(app.env, 'performance.setHeadlineMetric', {
          generationId: g.id,
          benchmark: several.benchmark,
          metric: several.metric,
        })
        if (!chosen.ok) throw new Error(chosen.error.message)
      }
      const whole = (await headlineOf(app.env, await getGeneration(app.env, g.id))).measurementIds
      for (const sort of ['name', 'largest-change'] as const) {
        for (let offset = 0; ; offset += 7) {
          const page = await measurementsPage(app.env, { generationId: g.id, offset, limit: 7, sort })
          for (const row of page.rows) {
            expect(row.inHeadline, `${row.measurement.benchmark} ${row.measurement.metric}`).toBe(
              whole.has(row.measurement.id),
            )
            if (row.measurement.groupPath) grouped++
          }
          if (offset + 7 >= page.total) break
        }
      }
    }
    // The sample has groups: the check covered subtasks, not only flat rows.
    expect(grouped).toBeGreaterThan(0)
  })
})

describe('Compare and Timeline', () => {
  it('prepare as many statements for 6 generations as for 2, and for 4 projects as for 1', async () => {
    const { generationIds } = seedLargeWorkspace(app.env.sqlite, {
      projects: 4,
      generationsPerProject: 6,
      measurementsPerGeneration: 5,
    })
    const two = statementsPrepared(async () => await compare(app.env, generationIds.slice(0, 2)))
    const six = statementsPrepared(async () => await compare(app.env, generationIds.slice(0, 6)))
    expect(six).toBe(two)
    const projects = (app.env.sqlite.prepare('SELECT id FROM projects ORDER BY id').all() as { id: number }[]).map(
      (p) => p.id,
    )
    const one = statementsPrepared(async () => await timeline(app.env, projects.slice(0, 1)))
    const four = statementsPrepared(async () => await timeline(app.env, projects))
    expect(four).toBe(one)
    expect((await timeline(app.env)).projects.map((p) => p.generations.length)).toEqual([6, 6, 6, 6])
  })
})
