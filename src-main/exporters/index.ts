/**
 * Reports and data exports (`reports.export`): JSON, CSV, HTML and Markdown. One
 * report model (reportModel.ts) is built from the database and rendered by pure
 * functions; the full JSON export is the lossless backup.
 */
import type { ExportResult } from '../../src-shared/api/transfer'
import type { ReportModel } from '../../src-shared/report/model'
import { exportBackup } from '../services/backup'
import type { ServiceContext } from '../services/context'
import { measurementFigures } from '../services/readModels'
import { renderCsv, type MeasurementRows } from './csv'
import { renderHtml } from './html'
import { renderMarkdown } from './markdown'
import { buildReport, type BuildReportOptions } from './reportModel'
import { slug } from './reportText'

export { buildReport, type BuildReportOptions } from './reportModel'
export { renderCsv } from './csv'
export { renderHtml } from './html'
export { renderMarkdown } from './markdown'

export type ExportFormat = 'json' | 'csv' | 'html' | 'md'

const MIME_TYPES: Record<ExportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
}

/**
 * Without a project, `json` is the full backup (restorable with `backup.restore`);
 * with one, it is that project's report model. The other formats render the report
 * of the project, or of every live project.
 */
export async function exportReport(
  ctx: ServiceContext & { version?: string },
  format: ExportFormat,
  projectId?: number,
  options: BuildReportOptions = {},
): Promise<ExportResult> {
  if (format === 'json' && projectId === undefined) return await exportBackup(ctx)
  const model = await buildReport(ctx, projectId, format === 'csv' ? { comparisons: false, ...options } : options)
  return {
    fileName: reportFileName(model, format),
    mimeType: MIME_TYPES[format],
    content: await render(model, format, (generationId) => measurementFigures(ctx, generationId)),
  }
}

/** `rowsOf` gives the CSV every measurement of a generation (the model holds only those its tables show). */
export async function render(model: ReportModel, format: ExportFormat, rowsOf: MeasurementRows): Promise<string> {
  switch (format) {
    case 'html':
      return renderHtml(model)
    case 'md':
      return renderMarkdown(model)
    case 'csv':
      return renderCsv(model, rowsOf)
    case 'json':
      return JSON.stringify(model, null, 2) + '\n'
  }
}

/** alignment-tax-report-2024-05-01.html, or …-report-<project>-2024-05-01.html for one project. */
export function reportFileName(model: ReportModel, format: ExportFormat): string {
  const project = model.projectId == null ? '' : slug(model.projects[0]?.project.name ?? '')
  return `alignment-tax-report-${project ? `${project}-` : ''}${model.generatedOn}.${format}`
}
