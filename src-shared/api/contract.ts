/**
 * The API contract: every request the app can make, with the zod schema of its input
 * and the type of its result. Electron IPC, the web server and the CLI all dispatch
 * through the one handler table typed against this object (src-main/handlers.ts), and
 * the preload exposes exactly these names. Add an operation here first.
 */
import { z } from 'zod'
import type {
  BenchmarkMeasurement,
  ComputeCurve,
  CostItem,
  Generation,
  ImportRecord,
  InferencePolicy,
  PipelinePhase,
  Plan,
  Project,
} from '../domain/types'
import * as s from './schemas'
import type {
  CompareView,
  GenerationDetail,
  HeadlineChoice,
  MeasurementsPage,
  PerformanceRow,
  ProjectSummary,
  SnapshotInfo,
  TimelineView,
  TrashEntry,
  AuditEvent,
} from './views'
import type {
  ExportResult,
  FolderImportResult,
  ImportResult,
  PdfExportResult,
  ProjectPushResult,
  ProjectReceiveResult,
} from './transfer'
import type { BenchmarkRegression, CurveTax as CurveTaxResult, PolicyTax as PolicyTaxResult } from '../tax'

/** Declares one operation: its input schema, and (as a type only) its result. */
function op<Result>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, result: undefined as unknown as Result })
}

const empty = z.object({}).strict()
const byId = z.object({ id: s.id }).strict()
const byGeneration = z.object({ generationId: s.id }).strict()

export interface AppInfo {
  version: string
  dbFile: string
  /** True until the user has created, loaded or dismissed anything. */
  firstRun: boolean
  mode: 'desktop' | 'web'
  /** Why the database is open for reading only (the app shows a banner), or null. */
  readOnly: string | null
  /** Rows that break the row rules, moved to the trash when an older file was upgraded (a banner says so). */
  quarantined: number
}

export const USER_ROLES = ['viewer', 'editor', 'admin'] as const
export type UserRole = (typeof USER_ROLES)[number]
/** A user of a team server, as listed (never the token or the password). */
export interface TeamUser {
  name: string
  role: UserRole
  hasPassword: boolean
  createdAt: string
  updatedAt: string
}
export interface TeamUserWithToken {
  name: string
  role: UserRole
  /** The personal API token: shown this once, stored only as its hash. */
  token: string
}
const userName = z
  .string()
  .trim()
  .min(1, 'a user name is required')
  .max(100, 'at most 100 characters')
  .regex(/^[^\s\p{C}]+$/u, 'no spaces or control characters')
const userRole = z.enum(USER_ROLES)
const userPassword = z.string().min(8, 'at least 8 characters').max(1000, 'at most 1000 characters')

export const contract = {
  'app.info': op<AppInfo>()(empty),
  'app.dismissFirstRun': op<{ ok: true }>()(empty),
  'sample.load': op<{ projectId: number; created: boolean }>()(empty),

  'projects.list': op<Project[]>()(z.object({ includeArchived: z.boolean().default(true) }).strict()),
  'projects.create': op<Project>()(s.projectCreate.strict()),
  'projects.update': op<Project>()(s.projectUpdate.strict()),
  'projects.delete': op<Project>()(byId),
  'projects.restore': op<Project>()(byId),
  'projects.trash': op<Project[]>()(empty),
  'projects.emptyTrash': op<{ removed: number }>()(empty),
  'projects.summary': op<ProjectSummary>()(z.object({ projectId: s.id }).strict()),
  /**
   * Receives a pushed project (a project file, JSON Lines: src-main/services/projectTransfer.ts):
   * the project with the file's uid is refilled, keeping its id, or created; in one transaction.
   */
  'projects.receive': op<ProjectReceiveResult>()(
    z
      .object({
        fileName: z.string().min(1).max(500),
        contentBase64: z.string().optional(),
        upload: z.string().max(100).optional(),
      })
      .strict(),
  ),
  /**
   * Pushes a local project to a team server (its `projects.receive`). Without `server` and
   * `token` the desktop app uses the team server it remembers.
   */
  'projects.push': op<ProjectPushResult>()(
    z
      .object({
        id: s.id,
        server: z.string().trim().min(1, 'the server URL is required').max(2000).optional(),
        token: z.string().trim().min(1, 'the token is required').max(1000).optional(),
      })
      .strict(),
  ),

  'generations.list': op<Generation[]>()(z.object({ projectId: s.id }).strict()),
  /** Every generation of every project not in the trash (for pickers and the quick switcher). */
  'generations.listAll': op<Generation[]>()(empty),
  'generations.get': op<GenerationDetail>()(byId),
  'generations.create': op<Generation>()(s.generationCreate),
  'generations.update': op<Generation>()(s.generationUpdate.strict()),
  'generations.delete': op<TrashEntry>()(byId),

  'measurements.list': op<BenchmarkMeasurement[]>()(byGeneration),
  /** Every measurement with its parent group, headline flag, regression % and delta (`atax perf list`). */
  'performance.list': op<PerformanceRow[]>()(byGeneration),
  /** The metric a benchmark counts by in the headline; metric null returns to the documented rule. */
  'performance.setHeadlineMetric': op<HeadlineChoice>()(
    z
      .object({
        generationId: s.id,
        benchmark: z.string().min(1, 'benchmark must not be empty').max(500),
        metric: z.string().min(1, 'metric must not be empty').max(500).nullable(),
      })
      .strict(),
  ),
  /** One page of a generation's regressions, filtered and sorted by the database: never the whole list. */
  'measurements.page': op<MeasurementsPage>()(
    z
      .object({
        generationId: s.id,
        offset: z.number().int('offset must be a whole number').min(0, 'offset must not be negative').default(0),
        limit: z
          .number()
          .int('limit must be a whole number')
          .min(1, 'limit must be at least 1')
          .max(500, 'limit must be at most 500')
          .default(100),
        /** Part of the benchmark or metric name, in any case; % and _ are literal characters. */
        filter: z.string().max(200, 'filter must be at most 200 characters').optional(),
        sort: z.enum(['name', 'largest-change'], { error: "sort must be 'name' or 'largest-change'" }).default('name'),
        /**
         * Collapsible groups (the app's table): given, a group that has its own
         * (aggregate) row hides its subtasks unless named here. Absent: every row. A
         * filter shows every match.
         */
        expanded: z.array(z.string().max(500)).max(1000, 'expanded must name at most 1000 groups').optional(),
      })
      .strict(),
  ),
  'measurements.create': op<BenchmarkMeasurement>()(s.measurementCreate),
  'measurements.update': op<BenchmarkMeasurement>()(s.measurementUpdate.strict()),
  'measurements.delete': op<TrashEntry>()(byId),

  'policies.list': op<InferencePolicy[]>()(byGeneration),
  'policies.create': op<InferencePolicy>()(s.policyCreate),
  'policies.delete': op<TrashEntry>()(byId),
  'policies.update': op<InferencePolicy>()(s.policyUpdate),

  'curves.list': op<ComputeCurve[]>()(byGeneration),
  'curves.create': op<ComputeCurve>()(s.curveCreate),
  'curves.delete': op<TrashEntry>()(byId),

  'costs.list': op<CostItem[]>()(byGeneration),
  'costs.create': op<CostItem>()(s.costCreate),
  'costs.delete': op<TrashEntry>()(byId),
  'costs.update': op<CostItem>()(s.costUpdate),

  'phases.list': op<PipelinePhase[]>()(byGeneration),
  'phases.create': op<PipelinePhase>()(s.phaseCreate),
  'phases.delete': op<TrashEntry>()(byId),
  'phases.update': op<PipelinePhase>()(s.phaseUpdate),

  'plans.get': op<Plan | null>()(byGeneration),
  'plans.save': op<Plan>()(s.planSave.strict()),

  /** Who changed what in a project, newest first; `before` (an event id) pages back. */
  'audit.list': op<AuditEvent[]>()(
    z
      .object({
        projectId: s.id,
        limit: z.number().int().min(1).max(500).default(50),
        before: s.id.optional(),
      })
      .strict(),
  ),

  'trash.list': op<TrashEntry[]>()(empty),
  'trash.restore': op<{ restored: string }>()(byId),
  /** Deletes everything in the trash for good (marked generations in chunks, with progress). */
  'trash.empty': op<{ removed: number }>()(empty),

  /** Rolling copies of the database beside its file: one a day while in use, the last 7 kept. */
  'snapshots.list': op<SnapshotInfo[]>()(empty),
  'snapshots.take': op<SnapshotInfo>()(empty),
  /** Replaces all data with a snapshot's; `undo` is the snapshot of the data just replaced. */
  'snapshots.restore': op<{ restored: string; undo: SnapshotInfo }>()(
    z.object({ name: z.string().min(1, 'name the snapshot to restore').max(300, 'not a snapshot name') }).strict(),
  ),

  'timeline.get': op<TimelineView>()(z.object({ projectIds: z.array(s.id).optional() }).strict()),
  'compare.get': op<CompareView>()(
    z.object({ generationIds: z.array(s.id).min(2, 'pick at least two generations').max(12) }).strict(),
  ),

  'imports.list': op<ImportRecord[]>()(z.object({ projectId: s.id }).strict()),
  'imports.run': op<ImportResult>()(
    z
      .object({
        format: z.enum(['lm-eval', 'inspect', 'csv']),
        fileName: z.string().min(1).max(500),
        /**
         * The file: its bytes as base64 (small files, tests), or `upload`, the id the
         * door gave for a file it holds (the desktop's open dialog, web mode's upload).
         * The renderer never names a path.
         */
        contentBase64: z.string().optional(),
        upload: z.string().max(100).optional(),
        generationId: s.id,
        role: z.enum(['baseline', 'aligned']),
        /** Import even though the same file (by hash) was imported before. */
        force: z.boolean().default(false),
        /** Refuse a file holding NaN/±Infinity instead of skipping those metrics with a warning. */
        strict: z.boolean().default(false),
        /** Directions for metrics the file and the known table leave open. */
        directions: z.record(z.string(), s.direction).default({}),
        /**
         * 'full' lists every imported benchmark and every unmatched one (the CLI's --json);
         * 'summary' (the app) lists none and the first 100 unmatched: an import can hold a
         * million rows, and the window shows counts.
         */
        list: z.enum(['full', 'summary']).default('summary'),
      })
      .strict(),
  ),
  /**
   * A folder of results in one transaction: lm-eval's output layout (the newest
   * results_*.json per model folder) or an Inspect log folder (every log). `files`
   * holds the folder's files by relative path; the server picks the ones to read.
   */
  'imports.runFolder': op<FolderImportResult>()(
    z
      .object({
        format: z.enum(['lm-eval', 'inspect']),
        folderName: z.string().min(1).max(500),
        files: z
          .array(z.object({ path: z.string().min(1).max(1000), contentBase64: z.string() }).strict())
          .max(10_000, 'files must hold at most 10000 files'),
        generationId: s.id,
        role: z.enum(['baseline', 'aligned']),
        force: z.boolean().default(false),
        strict: z.boolean().default(false),
        directions: z.record(z.string(), s.direction).default({}),
      })
      .strict(),
  ),
  'backup.export': op<ExportResult>()(empty),
  'backup.restore': op<{ projects: number }>()(
    z
      .object({
        fileName: z.string().min(1),
        contentBase64: z.string().optional(),
        upload: z.string().max(100).optional(),
      })
      .strict(),
  ),
  'reports.export': op<ExportResult>()(
    z
      .object({
        format: z.enum(['json', 'csv', 'html', 'md']),
        projectId: s.id.optional(),
      })
      .strict(),
  ),
  /** The HTML report printed to PDF by a headless Chromium on the Node side (CLI, web mode). */
  'reports.pdf': op<PdfExportResult>()(z.object({ projectId: s.id.optional() }).strict()),

  // The tax engine, for callers that have no copy of it (the renderer imports it directly).
  'tax.policy': op<PolicyTaxResult>()(
    z.object({ rows: z.array(s.policyRow).min(1), rmCost: z.number().min(0).default(0) }).strict(),
  ),
  'tax.curve': op<CurveTaxResult>()(
    z.object({ points: z.array(s.curvePoint).min(1), baseline: z.number(), direction: s.direction }).strict(),
  ),
  'tax.regression': op<BenchmarkRegression>()(
    z
      .object({
        baseline: z.number(),
        aligned: z.number(),
        baselineStderr: z.number().min(0).nullable().default(null),
        alignedStderr: z.number().min(0).nullable().default(null),
        direction: s.direction,
      })
      .strict(),
  ),

  /** Team server accounts (admin only there): the token is in the answer of add and rotateToken only. */
  'users.list': op<TeamUser[]>()(empty),
  'users.add': op<TeamUserWithToken>()(
    z.object({ name: userName, role: userRole, password: userPassword.optional() }).strict(),
  ),
  'users.remove': op<{ removed: string }>()(z.object({ name: userName }).strict()),
  'users.rotateToken': op<TeamUserWithToken>()(z.object({ name: userName }).strict()),
  'users.setPassword': op<TeamUser>()(z.object({ name: userName, password: userPassword }).strict()),
} as const

export type Contract = typeof contract
export type ApiName = keyof Contract
/** What a caller sends (defaults may be left out). */
export type ApiInput<N extends ApiName> = z.input<Contract[N]['input']>
/** What a handler receives, after validation and defaults. */
export type ApiParsedInput<N extends ApiName> = z.output<Contract[N]['input']>
export type ApiResult<N extends ApiName> = Contract[N]['result']

export const API_NAMES = Object.keys(contract) as ApiName[]

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** Every door answers with this envelope, so errors cross IPC and HTTP intact. */
export type ApiResponse<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export const API_ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'invalid-data',
  'unknown-request',
  'busy',
  'cancelled',
  'read-only',
  'disk-full',
  'internal',
  'unauthenticated',
  'forbidden',
  'rate-limited',
] as const satisfies readonly ApiError['code'][]

export interface ApiError {
  /**
   * 'busy': another process holds the database's write lock past the busy timeout; retry.
   * 'cancelled': the user stopped long work (an import) before it finished; nothing was written.
   * 'read-only': the database cannot be written (file, folder or disk read-only); 'disk-full': no space.
   */
  code:
    | 'invalid-input'
    | 'not-found'
    | 'conflict'
    | 'invalid-data'
    | 'unknown-request'
    | 'busy'
    | 'cancelled'
    | 'read-only'
    | 'disk-full'
    | 'internal'
    /** Team server: no or bad credentials (HTTP 401), role too low or CSRF refused (403), too many failed logins (429). */
    | 'unauthenticated'
    | 'forbidden'
    | 'rate-limited'
  message: string
  /** For invalid input: each problem with the field it concerns. */
  issues?: { path: string; message: string }[]
}

/** The client surface, the same in Electron (preload) and the browser (HTTP). */
export type ApiClient = {
  [N in ApiName]: (input: ApiInput<N>) => Promise<ApiResult<N>>
}
