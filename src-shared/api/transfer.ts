/** Results of moving data in and out: imports, backups, exports. */

export interface ImportedBenchmark {
  benchmark: string
  metric: string
  baseline: number | null
  aligned: number | null
}

export interface ImportResult {
  importId: number | null
  imported: number
  skipped: number
  /** True when the same file had been imported before and nothing was written. */
  duplicate: boolean
  benchmarks: ImportedBenchmark[]
  /** Benchmarks with only one side so far: listed, never dropped silently. */
  unmatched: ImportedBenchmark[]
  /** How many benchmarks have one side only (`unmatched` may list fewer). */
  unmatchedCount: number
  /** Metrics whose direction neither the file nor the known table gives. */
  needsDirection: string[]
  warnings: string[]
}

/** A PDF report: bytes, as base64 (the API carries JSON). */
export interface PdfExportResult {
  fileName: string
  mimeType: 'application/pdf'
  contentBase64: string
}

/** A folder imported in one transaction: what each chosen file gave. */
export interface FolderImportResult {
  files: Array<{ fileName: string; imported: number; duplicate: boolean; unmatchedCount: number; warnings: string[] }>
  imported: number
  /** Metrics whose direction is unknown: nothing was written. */
  needsDirection: string[]
  unmatchedCount: number
}

export interface ExportResult {
  fileName: string
  mimeType: string
  /** UTF-8 text for text formats; empty when the engine wrote the file itself (`savedTo`). */
  content: string
  /** Where the engine wrote the export (a streamed backup to a path a door chose). */
  savedTo?: string
}

/** Rows of each table a pushed project holds. */
export interface ProjectCounts {
  projects: number
  generations: number
  import_records: number
  benchmark_measurements: number
  inference_policies: number
  policy_rows: number
  compute_curves: number
  curve_points: number
  cost_items: number
  pipeline_phases: number
  plans: number
}

/** A team server's answer to a pushed project (`projects.receive`). */
export interface ProjectReceiveResult {
  /** The project's identity on every store. */
  projectUid: string
  /** The project's id on the server (kept by every later push). */
  serverProjectId: number
  name: string
  /** Whether this push made the server's project, or replaced its contents. */
  result: 'created' | 'updated'
  counts: ProjectCounts
}

/** What a push did (`projects.push`, `atax push`): the server's answer and where it went. */
export interface ProjectPushResult extends ProjectReceiveResult {
  /** The server's URL (without a token). */
  server: string
}
