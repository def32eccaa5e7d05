import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generationCreate, measurementCreate, projectCreate } from '../../../../src-shared/api/schemas'
import { REPORT_FORMAT } from '../../../../src-shared/report/model'
import { appVersion } from '../../../../src-main/app'
import { exportReport } from '../../../../src-main/exporters'
import { buildReport } from '../../../../src-main/exporters/reportModel'
import { MEASUREMENT_TABLE_LIMIT } from '../../../../src-main/exporters/reportText'
import { createGeneration } from '../../../../src-main/services/generations'
import { createMeasurement } from '../../../../src-main/services/records'
import { createProject, deleteProject, updateProject } from '../../../../src-main/services/projects'
import { loadSample } from '../../../../src-main/services/sample'
import { compare, generationDetail, measurementsPage, projectSummary } from '../../../../src-main/services/readModels'
import { openTempApp } from '../../../support/tempDb'
import { HOSTILE, parseCsvObjects, seedHostileProject } from './helpers'

describe('buildReport', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(async () => {
    app = openTempApp()
  })
  afterEach(async () => app.close())

  it('dates the report, names the app version, and marks the sample project', async () => {
    const { projectId } = await loadSample(app.env)
    const now = new Date('2024-05-01T12:34:56.000Z')
    const model = await buildReport(app.env, projectId, { now })
    expect(model.format).toBe(REPORT_FORMAT)
    expect(model.generatedAt).toBe('2024-05-01T12:34:56.000Z')
    expect(model.generatedOn).toBe('2024-05-01')
    expect(model.appVersion).toBe(appVersion())
    expect(model.projectId).toBe(projectId)
    expect(model.title).toBe('Alignment tax report: RLHF pipeline (sample)')
    expect(model.projects).toHaveLength(1)
    expect(model.projects[0].isSample).toBe(true)
  })

  it('takes every tax from the summaries services, unchanged', async () => {
    const { projectId } = await loadSample(app.env)
    const [report] = (await buildReport(app.env, projectId)).projects
    const summary = await projectSummary(app.env, projectId)
    expect(report.generations.map((g) => g.generation.id)).toEqual(summary.generations.map((s) => s.generation.id))
    for (const [i, g] of report.generations.entries()) {
      const s = summary.generations[i]
      const detail = await generationDetail(app.env, s.generation.id)
      expect(g.deployment.months).toBe(s.ttdMonths)
      expect(g.deployment.shrink).toEqual(s.shrink)
      expect(g.development.tax).toEqual(s.development)
      expect(g.development.items).toEqual(detail.costs)
      expect(g.performance.aggregates).toEqual(s.regressions)
      expect(g.performance.inferenceTaxPct).toBe(s.inferenceTaxPct)
      expect(g.performance.policies).toEqual(detail.policies)
      expect(g.performance.curves).toEqual(detail.curves)
      // The sample's generations are small: the tables show every measurement, by name.
      expect(g.performance.measurementCount).toBe(detail.measurementCount)
      expect(g.performance.shownMeasurements.map(({ importFile: _, ...row }) => row)).toEqual(
        (await measurementsPage(app.env, { generationId: g.generation.id, offset: 0, limit: 500, sort: 'name' })).rows,
      )
      expect(g.deployment.phases).toEqual(detail.phases)
      expect(g.money).toEqual(s.money)
      expect(g.planChecks).toEqual(s.planChecks)
      expect(g.plan).toEqual(detail.plan)
    }
    expect(report.timeline.forecast).toEqual(summary.forecast)
    expect(report.timeline.entries.map((e) => e.months)).toEqual(summary.generations.map((s) => s.ttdMonths))
    expect(report.timeline.phases).toHaveLength(11)
  })

  it('compares each generation with the one before it', async () => {
    const { projectId } = await loadSample(app.env)
    const [report] = (await buildReport(app.env, projectId)).projects
    const [g1, g2] = (await projectSummary(app.env, projectId)).generations
    expect(report.comparisons).toHaveLength(1)
    const [c] = report.comparisons
    expect(c.from.name).toBe(g1.generation.name)
    expect(c.to.name).toBe(g2.generation.name)
    const figure = (label: string) => c.figures.find((f) => f.label === label)!
    expect(figure('Time to deployment')).toMatchObject({ from: g1.ttdMonths, to: g2.ttdMonths })
    expect(figure('Inference-compute tax')).toMatchObject({ from: g1.inferenceTaxPct, to: g2.inferenceTaxPct })
    expect(figure('Development tax')).toMatchObject({ from: g1.development.totalUsd, to: g2.development.totalUsd })
    expect(c.shrinkExplanation).toBe(g2.shrink!.explanation)
    const view = await compare(app.env, [g1.generation.id, g2.generation.id])
    expect(c.benchmarks.map((b) => [b.key, b.from, b.to])).toEqual(view.benchmarks.map((b) => [b.key, ...b.values]))
  })

  it('skips the comparisons when asked (the CSV export has no use for them)', async () => {
    const { projectId } = await loadSample(app.env)
    expect((await buildReport(app.env, projectId, { comparisons: false })).projects[0].comparisons).toEqual([])
  })

  it('records provenance: the imported files with their hash and date, and where each record came from', async () => {
    const seeded = await seedHostileProject(app.env)
    const [report] = (await buildReport(app.env, seeded.projectId)).projects
    expect(report.isSample).toBe(false)
    const [record] = report.provenance.imports
    expect(report.provenance.imports).toHaveLength(1)
    expect(record).toMatchObject({
      fileName: HOSTILE.importFile,
      sha256: seeded.importSha256,
      format: 'csv',
      role: null, // a file holding both runs
      rowCount: 1,
      generationName: HOSTILE.generation,
    })
    expect(record.importedAt).toMatch(/^\d{4}-\d{2}-\d{2}/)
    expect(report.provenance.sources).toEqual([
      {
        generationId: seeded.generationId,
        generationName: HOSTILE.generation,
        measurements: { manual: 1, import: 1 },
        costs: { manual: 1 },
      },
    ])
    const imported = report.generations[0].performance.shownMeasurements.find(
      (m) => m.measurement.benchmark === 'mmlu',
    )!
    expect(imported.importFile).toBe(HOSTILE.importFile)
    expect(imported.regressionPct).toBeCloseTo(((0.62 - 0.6) / 0.62) * 100, 10)
    const typed = report.generations[0].performance.shownMeasurements.find(
      (m) => m.measurement.benchmark === HOSTILE.benchmark,
    )!
    expect(typed.importFile).toBeNull()
  })

  it('covers every live project without a projectId: archived ones marked, trashed ones left out', async () => {
    await loadSample(app.env)
    const archived = await createProject(app.env, projectCreate.parse({ name: 'Archived effort' }))
    await updateProject(app.env, { id: archived.id, archived: true })
    const trashed = await createProject(app.env, projectCreate.parse({ name: 'Trashed effort' }))
    await deleteProject(app.env, trashed.id)
    const model = await buildReport(app.env)
    expect(model.projectId).toBeNull()
    expect(model.title).toBe('Alignment tax report')
    expect(model.projects.map((p) => [p.project.name, p.isArchived])).toEqual([
      ['Archived effort', true],
      ['RLHF pipeline (sample)', false],
    ])
    const empty = model.projects[0]
    expect(empty.generations).toEqual([])
    expect(empty.comparisons).toEqual([])
    expect(empty.timeline.forecast).toBeNull()
  })

  it('refuses a project that is in the trash or does not exist', async () => {
    const trashed = await createProject(app.env, projectCreate.parse({ name: 'Gone' }))
    await deleteProject(app.env, trashed.id)
    await expect(buildReport(app.env, trashed.id)).rejects.toThrow(/"Gone" is in the trash/)
    await expect(buildReport(app.env, 999)).rejects.toThrow(/project #999 does not exist/)
  })

  it('keeps the 200 largest changes for the tables of a large generation; the CSV still has every row', async () => {
    const project = await createProject(app.env, projectCreate.parse({ name: 'Large' }))
    const generation = await createGeneration(
      app.env,
      generationCreate.parse({ projectId: project.id, name: 'G1', pretrainedOn: '2024-01-01' }),
    )
    // 250 measurements: task_000 changes by 0%, task_249 by 24.9% (a gain when odd), and one without its aligned run.
    for (let i = 0; i < 250; i++) {
      await createMeasurement(
        app.env,
        measurementCreate.parse({
          generationId: generation.id,
          benchmark: `task_${String(i).padStart(3, '0')}`,
          metric: 'acc',
          baseline: 0.5,
          aligned: i % 2 ? 0.5 + i / 2000 : 0.5 - i / 2000,
        }),
      )
    }
    app.env.sqlite.prepare('UPDATE benchmark_measurements SET aligned = NULL WHERE benchmark = ?').run('task_249')
    const [report] = (await buildReport(app.env, project.id)).projects
    const { performance } = report.generations[0]
    expect(performance.measurementCount).toBe(250)
    expect(performance.shownMeasurements).toHaveLength(MEASUREMENT_TABLE_LIMIT)
    // Largest |regression %| first: task_248 (+24.8%), task_247 (-24.7%, a gain), … down to task_049.
    expect(performance.shownMeasurements.slice(0, 3).map((m) => m.measurement.benchmark)).toEqual([
      'task_248',
      'task_247',
      'task_246',
    ])
    expect(performance.shownMeasurements.at(-1)!.measurement.benchmark).toBe('task_049')
    expect(performance.shownMeasurements.every((m) => m.explanation.length > 0)).toBe(true)
    expect(report.provenance.sources[0].measurements).toEqual({ manual: 250 })

    const html = (await exportReport(app.env, 'html', project.id)).content
    expect(html).toContain('Showing the 200 largest changes of 250 measurements')
    expect(html).toContain('The 30 largest changes of 249.')
    const md = (await exportReport(app.env, 'md', project.id)).content
    expect(md).toContain('Showing the 200 largest changes of 250 measurements')
    const rows = parseCsvObjects((await exportReport(app.env, 'csv', project.id)).content)
    expect(rows.map((r) => r.benchmark)).toEqual(
      Array.from({ length: 250 }, (_, i) => `task_${String(i).padStart(3, '0')}`),
    )
    expect(rows[249]).toMatchObject({ aligned: '', regression_pct: '', delta: '' })
    expect(Number(rows[248].regression_pct)).toBeCloseTo(24.8, 9)
    expect(Number(rows[247].regression_pct)).toBeCloseTo(-24.7, 9)
  })

  it('reports an empty workspace as no projects', async () => {
    expect((await buildReport(app.env)).projects).toEqual([])
  })
})
