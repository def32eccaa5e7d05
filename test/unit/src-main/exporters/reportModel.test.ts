import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { projectCreate } from '../../../../src-shared/api/schemas'
import { REPORT_FORMAT } from '../../../../src-shared/report/model'
import { appVersion } from '../../../../src-main/app'
import { buildReport } from '../../../../src-main/exporters/reportModel'
import { createProject, deleteProject, updateProject } from '../../../../src-main/services/projects'
import { loadSample } from '../../../../src-main/services/sample'
import { compare, generationDetail, projectSummary } from '../../../../src-main/services/summaries'
import { openTempApp } from '../../../support/tempDb'
import { HOSTILE, seedHostileProject } from './helpers'

describe('buildReport', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(() => {
    app = openTempApp()
  })
  afterEach(() => app.close())

  it('dates the report, names the app version, and marks the sample project', () => {
    const { projectId } = loadSample(app.env)
    const now = new Date('2024-05-01T12:34:56.000Z')
    const model = buildReport(app.env, projectId, { now })
    expect(model.format).toBe(REPORT_FORMAT)
    expect(model.generatedAt).toBe('2024-05-01T12:34:56.000Z')
    expect(model.generatedOn).toBe('2024-05-01')
    expect(model.appVersion).toBe(appVersion())
    expect(model.projectId).toBe(projectId)
    expect(model.title).toBe('Alignment tax report: RLHF pipeline (sample)')
    expect(model.projects).toHaveLength(1)
    expect(model.projects[0].isSample).toBe(true)
  })

  it('takes every tax from the summaries services, unchanged', () => {
    const { projectId } = loadSample(app.env)
    const [report] = buildReport(app.env, projectId).projects
    const summary = projectSummary(app.env, projectId)
    expect(report.generations.map((g) => g.generation.id)).toEqual(summary.generations.map((s) => s.generation.id))
    report.generations.forEach((g, i) => {
      const s = summary.generations[i]
      const detail = generationDetail(app.env, s.generation.id)
      expect(g.deployment.months).toBe(s.ttdMonths)
      expect(g.deployment.shrink).toEqual(s.shrink)
      expect(g.development.tax).toEqual(s.development)
      expect(g.development.items).toEqual(detail.costs)
      expect(g.performance.aggregates).toEqual(s.regressions)
      expect(g.performance.inferenceTaxPct).toBe(s.inferenceTaxPct)
      expect(g.performance.policies).toEqual(detail.policies)
      expect(g.performance.curves).toEqual(detail.curves)
      expect(g.performance.measurements.map(({ importFile: _, ...row }) => row)).toEqual(detail.measurements)
      expect(g.deployment.phases).toEqual(detail.phases)
      expect(g.money).toEqual(s.money)
      expect(g.planChecks).toEqual(s.planChecks)
      expect(g.plan).toEqual(detail.plan)
    })
    expect(report.timeline.forecast).toEqual(summary.forecast)
    expect(report.timeline.entries.map((e) => e.months)).toEqual(summary.generations.map((s) => s.ttdMonths))
    expect(report.timeline.phases).toHaveLength(11)
  })

  it('compares each generation with the one before it', () => {
    const { projectId } = loadSample(app.env)
    const [report] = buildReport(app.env, projectId).projects
    const [g1, g2] = projectSummary(app.env, projectId).generations
    expect(report.comparisons).toHaveLength(1)
    const [c] = report.comparisons
    expect(c.from.name).toBe(g1.generation.name)
    expect(c.to.name).toBe(g2.generation.name)
    const figure = (label: string) => c.figures.find((f) => f.label === label)!
    expect(figure('Time to deployment')).toMatchObject({ from: g1.ttdMonths, to: g2.ttdMonths })
    expect(figure('Inference-compute tax')).toMatchObject({ from: g1.inferenceTaxPct, to: g2.inferenceTaxPct })
    expect(figure('Development tax')).toMatchObject({ from: g1.development.totalUsd, to: g2.development.totalUsd })
    expect(c.shrinkExplanation).toBe(g2.shrink!.explanation)
    const view = compare(app.env, [g1.generation.id, g2.generation.id])
    expect(c.benchmarks.map((b) => [b.key, b.from, b.to])).toEqual(view.benchmarks.map((b) => [b.key, ...b.values]))
  })

  it('skips the comparisons when asked (the CSV export has no use for them)', () => {
    const { projectId } = loadSample(app.env)
    expect(buildReport(app.env, projectId, { comparisons: false }).projects[0].comparisons).toEqual([])
  })

  it('records provenance: the imported files with their hash and date, and where each record came from', () => {
    const seeded = seedHostileProject(app.env)
    const [report] = buildReport(app.env, seeded.projectId).projects
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
    const imported = report.generations[0].performance.measurements.find((m) => m.measurement.benchmark === 'mmlu')!
    expect(imported.importFile).toBe(HOSTILE.importFile)
    expect(imported.regressionPct).toBeCloseTo(((0.62 - 0.6) / 0.62) * 100, 10)
    const typed = report.generations[0].performance.measurements.find(
      (m) => m.measurement.benchmark === HOSTILE.benchmark,
    )!
    expect(typed.importFile).toBeNull()
  })

  it('covers every live project without a projectId: archived ones marked, trashed ones left out', () => {
    loadSample(app.env)
    const archived = createProject(app.env, projectCreate.parse({ name: 'Archived effort' }))
    updateProject(app.env, { id: archived.id, archived: true })
    const trashed = createProject(app.env, projectCreate.parse({ name: 'Trashed effort' }))
    deleteProject(app.env, trashed.id)
    const model = buildReport(app.env)
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

  it('refuses a project that is in the trash or does not exist', () => {
    const trashed = createProject(app.env, projectCreate.parse({ name: 'Gone' }))
    deleteProject(app.env, trashed.id)
    expect(() => buildReport(app.env, trashed.id)).toThrow(/"Gone" is in the trash/)
    expect(() => buildReport(app.env, 999)).toThrow(/project #999 does not exist/)
  })

  it('reports an empty workspace as no projects', () => {
    expect(buildReport(app.env).projects).toEqual([])
  })
})
