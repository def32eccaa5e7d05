/**
 * File importers: pure parsers from bytes to plain data. Nothing here touches the
 * database; the import service stores what they return, in one transaction.
 */
export { ImportError, type ParsedResult, type ParsedRun } from './types'
export { KNOWN_METRIC_DIRECTIONS, knownDirection } from './metricDirections'
export { parseLmEvalResults } from './lmEval'
export { parseInspectLog } from './inspect'
export {
  CSV_COLUMNS,
  parseCsv,
  scanCsv,
  type CsvColumn,
  type CsvImport,
  type CsvRowVisitor,
  type ParsedMeasurementRow,
} from './csv'
export { bytesSource, MAX_CSV_LINE, type ByteSource } from './csvReader'
export { BACKUP_FORMAT_MARKER, detectFormat, type ImportFormat } from './detect'
