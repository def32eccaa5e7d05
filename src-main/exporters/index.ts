/** Reports and data exports: JSON, CSV, HTML, Markdown. (Filled in by the reports work.) */
import type { ExportResult } from '../../src-shared/api/transfer'
import type { ServiceContext } from '../services/context'
import { ServiceError } from '../services/errors'

export function exportReport(
  _ctx: ServiceContext,
  format: 'json' | 'csv' | 'html' | 'md',
  _projectId?: number,
): ExportResult {
  throw new ServiceError('invalid-data', `export to ${format} is not available yet`)
}
