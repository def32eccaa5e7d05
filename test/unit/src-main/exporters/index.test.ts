import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { projectCreate } from '../../../../src-shared/api/schemas'
import type { ReportModel } from '../../../../src-shared/report/model'
import { exportReport } from '../../../../src-main/exporters'
import { dispatch } from '../../../../src-main/handlers'
import { backupData, BACKUP_FORMAT } from '../../../../src-main/services/backup'
import { createProject, deleteProject } from '../../../../src-main/services/projects'
import { loadSample } from '../../../../src-main/services/sample'
import { openTempApp } from '../../../support/tempDb'

describe('exportReport', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(async () => {
    app = openTempApp()
  })
  afterEach(async () => app.close())

  const now = new Date('2024-05-01T09:00:00.000Z')

  it.each([
    ['html', 'text/html; charset=utf-8', /^<!doctype html>/],
    ['md', 'text/markdown; charset=utf-8', /^# Alignment tax report\n/],
    ['csv', 'text/csv; charset=utf-8', /^project,generation,benchmark,metric,/],
  ] as const)('renders %s for every project, dated by the export', async (format, mimeType, start) => {
    await loadSample(app.env)
    const result = await exportReport(app.env, format, undefined, { now })
    expect(result.fileName).toBe(`alignment-tax-report-2024-05-01.${format}`)
    expect(result.mimeType).toBe(mimeType)
    expect(result.content).toMatch(start)
  })

  it('names a one-project report after the project, in characters safe in any file name', async () => {
    const { projectId } = await loadSample(app.env)
    expect((await exportReport(app.env, 'md', projectId, { now })).fileName).toBe(
      'alignment-tax-report-rlhf-pipeline-sample-2024-05-01.md',
    )
    const odd = await createProject(app.env, projectCreate.parse({ name: '../<script>' }))
    expect((await exportReport(app.env, 'html', odd.id, { now })).fileName).toBe(
      'alignment-tax-report-script-2024-05-01.html',
    )
  })

  it('exports the full lossless backup as json when no project is given', async () => {
    await loadSample(app.env)
    const trashed = await createProject(app.env, projectCreate.parse({ name: 'In the trash' }))
    await deleteProject(app.env, trashed.id)
    const result = await exportReport(app.env, 'json')
    expect(result.fileName).toMatch(/^alignment-tax-backup-\d{4}-\d{2}-\d{2}\.json$/)
    expect(result.mimeType).toBe('application/json')
    const backup = JSON.parse(result.content)
    expect(backup.format).toBe(BACKUP_FORMAT)
    expect(backup.tables).toEqual(await backupData(app.env))
    expect(backup.tables.projects).toHaveLength(2) // everything, the trash included
  })

  it("exports one project's report model as json", async () => {
    const { projectId } = await loadSample(app.env)
    const result = await exportReport(app.env, 'json', projectId, { now })
    expect(result.fileName).toBe('alignment-tax-report-rlhf-pipeline-sample-2024-05-01.json')
    const model = JSON.parse(result.content) as ReportModel
    expect(model.format).toBe('alignment-tax-planner-report')
    expect(model.generatedAt).toBe(now.toISOString())
    expect(model.projects.map((p) => p.project.id)).toEqual([projectId])
    expect(model.projects[0].generations.map((g) => g.deployment.months)).toEqual([9, 3])
  })

  it('answers through the handler table, validated like every request', async () => {
    const { projectId } = await loadSample(app.env)
    const ok = await dispatch(app.env, 'reports.export', { format: 'md', projectId })
    expect(ok.ok).toBe(true)
    if (ok.ok) expect((ok.value as { content: string }).content).toContain('RLHF pipeline (sample)')
    const bad = await dispatch(app.env, 'reports.export', { format: 'pdf' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    const missing = await dispatch(app.env, 'reports.export', { format: 'html', projectId: 4242 })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })
})
