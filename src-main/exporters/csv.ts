/**
 * The data export: one CSV row per benchmark measurement, with its regression as the
 * engine computed it. RFC 4180: comma separated, CRLF line ends, a field quoted when
 * it holds a comma, quote or line break, quotes doubled. Numbers are written in full
 * (lossless, a dot for decimals); text cells that a spreadsheet would run as a
 * formula are defused with a leading apostrophe. A pure function of the report model
 * and of each generation's rows, which the caller reads from the database a page at a
 * time (a generation can hold a million: the report model carries only a few).
 */
import type { RegressionRowFigures } from '../../src-shared/api/views'
import type { ReportModel } from '../../src-shared/report/model'
import { parseGroupPath } from '../../src-shared/tax/headline'

export const CSV_EXPORT_COLUMNS = [
  'project',
  'generation',
  'benchmark',
  'metric',
  'group',
  'in_headline',
  'direction',
  'shots',
  'baseline',
  'aligned',
  'baseline_stderr',
  'aligned_stderr',
  'delta',
  'regression_pct',
  'z',
  'significant',
  'source',
  'import_file',
  'sample_data',
] as const

export type CsvValue = string | number | boolean | null

/**
 * A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return,
 * which some strip first) as a formula. Only text goes through here: numbers are
 * written as numbers, so -12.5 stays a number.
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

/** One field: quoted only when it must be (RFC 4180). */
export function csvField(value: CsvValue): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = defuseFormula(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: CsvValue[]): string {
  return values.map(csvField).join(',')
}

/**
 * Figures the engine derived (not typed in) lose float noise such as
 * -0.009000000000000008: twelve significant digits are far beyond any benchmark's precision.
 */
function derived(x: number | null): number | null {
  return x == null ? null : Number(x.toPrecision(12))
}

/** The parent group of a measurement (the last of its stored group path), or null. */
function groupOf(stored: string | null): string | null {
  const path = parseGroupPath(stored)
  return path.length ? path[path.length - 1] : null
}

/** Every measurement of a generation, by benchmark then metric, with the engine's figures. */
export type MeasurementRows = (
  generationId: number,
) => Iterable<RegressionRowFigures> | AsyncIterable<RegressionRowFigures>

export async function renderCsv(model: ReportModel, rowsOf: MeasurementRows): Promise<string> {
  const lines: string[] = [CSV_EXPORT_COLUMNS.join(',')]
  for (const pr of model.projects) {
    const importFiles = new Map(pr.provenance.imports.map((r) => [r.id, r.fileName]))
    for (const g of pr.generations) {
      for await (const row of rowsOf(g.generation.id)) {
        const m = row.measurement
        lines.push(
          csvLine([
            pr.project.name,
            g.generation.name,
            m.benchmark,
            m.metric,
            groupOf(m.groupPath),
            row.inHeadline,
            m.direction,
            m.shots,
            m.baseline,
            m.aligned,
            m.baselineStderr,
            m.alignedStderr,
            derived(row.delta),
            derived(row.regressionPct),
            derived(row.z),
            row.significant,
            m.source,
            m.importId == null ? null : (importFiles.get(m.importId) ?? null),
            pr.isSample,
          ]),
        )
      }
    }
  }
  return lines.join('\r\n') + '\r\n'
}
