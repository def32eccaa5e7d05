/**
 * One bad row never breaks a page (issue 11 item 2). Rows the API refuses but a backup
 * or an older version could have stored — a measurement with direction "sideways", a
 * generation with a date "not a date", a policy row with fraction 7 — are written with
 * raw SQL. Every view, report and `atax summary --json` still answers, says what it left
 * out, and shows everything else as it was.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import type { ApiName } from '../../src-shared/api/contract'
import { openTempApp, REPO_ROOT } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
beforeEach(() => {
  app = openTempApp()
})
afterEach(() => app.close())

async function call(name: ApiName, input: unknown): Promise<any> {
  const r = await dispatch(app.env, name, input as never)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value
}

describe('rows the engine cannot compute', () => {
  it('are left out and named; every view still shows the rest', async () => {
    const { projectId } = await call('sample.load', {})
    const gens = (await rawSql(app.env).all(
      'SELECT id, name FROM generations WHERE project_id = ? ORDER BY ordinal',
      projectId,
    )) as { id: number; name: string }[]
    const [first, second] = gens
    const ids = gens.map((g) => g.id)
    const before = await call('projects.summary', { projectId })
    expect(before.warnings).toEqual([])

    const raw = app.env.sqlite
    // The database may refuse them by CHECK constraints one day: a stored file from before could still hold them.
    raw.pragma('ignore_check_constraints = 1')
    const bad = raw
      .prepare('SELECT id, benchmark FROM benchmark_measurements WHERE generation_id = ? ORDER BY id LIMIT 1')
      .get(first.id) as { id: number; benchmark: string }
    raw.prepare("UPDATE benchmark_measurements SET direction = 'sideways' WHERE id = ?").run(bad.id)
    raw.prepare("UPDATE generations SET deployed_on = 'not a date' WHERE id = ?").run(second.id)
    const policyRow = raw
      .prepare(
        'SELECT r.id, p.generation_id AS generationId, p.name FROM policy_rows r JOIN inference_policies p ON p.id = r.policy_id ORDER BY r.id LIMIT 1',
      )
      .get() as { id: number; generationId: number; name: string }
    expect(policyRow).toBeDefined()
    raw.prepare('UPDATE policy_rows SET fraction = 7 WHERE id = ?').run(policyRow.id)
    const policyGen = gens.find((g) => g.id === policyRow.generationId)!

    const summary = await call('projects.summary', { projectId })
    expect(summary.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${first.name}: 1 measurement with a direction other than higher or lower`),
        expect.stringContaining(`${second.name}: time to deployment left out`),
        expect.stringContaining(`${policyGen.name}: inference policy "${policyRow.name}" left out`),
      ]),
    )
    // Everything else is as it was: generations untouched by a bad row keep every figure.
    const untouched = new Set([first.id, second.id, policyGen.id])
    for (const [i, g] of before.generations.entries()) {
      if (untouched.has(g.generation.id)) continue
      const { shrink: _s, ...rest } = summary.generations[i]
      const { shrink: _b, ...was } = g
      expect(rest).toEqual({ ...was, warnings: [] })
    }
    const firstNow = summary.generations.find((g: any) => g.generation.id === first.id)
    const firstBefore = before.generations.find((g: any) => g.generation.id === first.id)
    expect(firstNow.regressions.count).toBe(firstBefore.regressions.count - 1)
    expect(firstNow.ttdMonths).toBe(firstBefore.ttdMonths)
    expect(summary.generations.find((g: any) => g.generation.id === second.id).ttdMonths).toBeNull()

    const timeline = await call('timeline.get', {})
    expect(timeline.warnings).toEqual(summary.warnings)
    expect(timeline.projects[0].generations).toHaveLength(gens.length)
    const compare = await call('compare.get', { generationIds: ids })
    expect(compare.warnings).toEqual(summary.warnings)
    expect(compare.benchmarks.length).toBeGreaterThan(0)
    const detail = await call('generations.get', { id: policyGen.id })
    expect(detail.warnings.join('\n')).toMatch(/inference policy .* left out/)
    const page = await call('measurements.page', { generationId: first.id })
    expect(page.warnings).toEqual([expect.stringMatching(/1 measurement with a direction other than higher or lower/)])
    expect(page.rows.map((r: any) => r.measurement.id)).not.toContain(bad.id)
    expect(page.total).toBe(firstBefore.regressions.count - 1)
    for (const format of ['md', 'html', 'csv', 'json'] as const) {
      const report = await call('reports.export', { format, projectId })
      if (format === 'md') expect(report.content).toMatch(/Left out[\s\S]*direction other than higher or lower/)
      if (format === 'json')
        expect(JSON.parse(report.content).warnings).toEqual(expect.arrayContaining(summary.warnings))
    }
    await call('performance.list', { generationId: first.id })

    // The CLI: exit 0, the warnings in --json and in words.
    const atax = (args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), '--db', app.file, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ATAX_DB: '' },
      })
    const json = atax(['--json', 'summary', '--project', summary.project.name])
    expect(json.status, json.stderr).toBe(0)
    const rows = JSON.parse(json.stdout) as { name: string; warnings: string[] }[]
    expect(rows.flatMap((r) => r.warnings)).toEqual(summary.warnings)
    const words = atax(['summary', '--project', summary.project.name])
    expect(words.status, words.stderr).toBe(0)
    expect(words.stdout).toMatch(/warning: .*time to deployment left out/)
  })
})
