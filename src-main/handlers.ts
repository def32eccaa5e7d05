/**
 * The one handler table: every entry of the API contract, mapped to a service call.
 * Its type makes a missing or misspelled handler a compile error. Electron IPC, the
 * web server and the CLI all call `dispatch`, which validates the input with the
 * contract's schema first: no door trusts its caller.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { z } from 'zod'
import {
  contract,
  isApiName,
  type ApiError,
  type ApiName,
  type ApiParsedInput,
  type ApiResponse,
  type ApiResult,
} from '../src-shared/api/contract'
import { benchmarkRegression, inferenceTaxFromCurve, inferenceTaxFromPolicy, TaxInputError } from '../src-shared/tax'
import type { ServiceContext } from './services/context'
import { ServiceError, sqlState } from './services/errors'
import * as projects from './services/projects'
import * as generations from './services/generations'
import * as records from './services/records'
import * as summaries from './services/readModels'
import * as trash from './services/trash'
import * as audit from './services/audit'
import * as snapshots from './services/snapshots'
import { loadSample } from './services/sample'
import { isFirstRun, setSetting } from './services/settings'
import { exportBackup } from './services/backup'
import { restoreBackupSource, writeBackupFile } from './services/backupStream'
import { listImports, runImport } from './services/imports'
import { receiveProject } from './services/projectTransfer'
import { PushRefusedError, pushProject, pushRefusalAsApiError } from './services/pushProject'
import { performanceList, setHeadlineMetric } from './services/headline'
import { runFolderImport } from './services/folderImport'
import { exportReport } from './exporters'
import { reportPdf } from './exporters/pdf'
import { whyCannotWrite } from './files/atomic'
import * as users from './team/users'

export interface HandlerEnv extends ServiceContext {
  version: string
  dbFile: string
  mode: 'desktop' | 'web'
  /**
   * The app (not the CLI): a request that finds another process holding the write lock
   * is retried for up to this long, yielding between attempts so that other requests
   * (reads) are served meanwhile. 0/undefined: SQLite's own busy timeout blocks instead.
   */
  retryBusyForMs?: number
  /** Why the database is open for reading only, or null/undefined when it can be written. */
  readOnlyReason?: string | null
  /** Where long work (imports) reports progress, as a fraction in [0, 1]. */
  onProgress?: (fraction: number) => void
  /**
   * The file of this request, read by path: set by a trusted door (the CLI's
   * argument, the desktop dialog's or web upload's file), never by the input.
   */
  inputFile?: string
  /** Where this request's export goes, written by the engine as it runs (set by a trusted door). */
  outputFile?: string
  /**
   * Where an internal error's details go, under its reference; returns where the user finds
   * them. Default: the log (console.error). The CLI prints them only with ATAX_DEBUG=1.
   */
  logInternalError?: (reference: string, err: unknown) => string
}

/** The bytes of a request's file: the door's file, else the base64 in the input. */
function inputBytes(env: HandlerEnv, input: { contentBase64?: string; upload?: string }, fileName: string): Buffer {
  if (env.inputFile !== undefined) {
    try {
      return fs.readFileSync(env.inputFile)
    } catch (err) {
      throw new ServiceError('invalid-data', `cannot read ${fileName}: ${(err as Error).message}`)
    }
  }
  if (input.upload !== undefined) {
    throw new ServiceError(
      'invalid-data',
      `${fileName}: the upload is not available here (any more): choose the file again`,
    )
  }
  if (input.contentBase64 === undefined) {
    throw new ServiceError('invalid-data', `${fileName}: no file content: send contentBase64 or an upload`)
  }
  return Buffer.from(input.contentBase64, 'base64')
}

export type Handlers = {
  [N in ApiName]: (env: HandlerEnv, input: ApiParsedInput<N>) => ApiResult<N> | Promise<ApiResult<N>>
}

export const handlers: Handlers = {
  'app.info': async (env) => ({
    version: env.version,
    dbFile: env.dbFile,
    firstRun: await isFirstRun(env),
    mode: env.mode,
    readOnly: env.readOnlyReason ?? null,
    quarantined: await trash.countQuarantined(env),
  }),
  'app.dismissFirstRun': async (env) => {
    await setSetting(env, 'firstRunDismissed', 'true')
    return { ok: true }
  },
  'sample.load': (env) => loadSample(env),

  'projects.list': (env, i) => projects.listProjects(env, i.includeArchived),
  'projects.create': (env, i) => projects.createProject(env, i),
  'projects.update': (env, i) => projects.updateProject(env, i),
  'projects.delete': (env, i) => projects.deleteProject(env, i.id),
  'projects.restore': (env, i) => projects.restoreProject(env, i.id),
  'projects.trash': (env) => projects.listTrashedProjects(env),
  'projects.emptyTrash': (env) => projects.emptyProjectTrash(env, env.onProgress),
  'projects.summary': (env, i) => summaries.projectSummary(env, i.projectId),
  'projects.receive': (env, i) =>
    receiveProject(
      env,
      env.inputFile !== undefined ? { file: env.inputFile } : { bytes: inputBytes(env, i, i.fileName) },
      i.fileName,
      env.onProgress,
    ),
  'projects.push': (env, i) => {
    if (i.server === undefined || i.token === undefined) {
      throw new ServiceError('invalid-data', 'name the team server: its URL and your token')
    }
    return pushProject(env, { projectId: i.id, server: i.server, token: i.token, onProgress: env.onProgress })
  },

  'generations.list': (env, i) => generations.listGenerations(env, i.projectId),
  'generations.listAll': (env) => generations.listAllGenerations(env),
  'generations.get': (env, i) => summaries.generationDetail(env, i.id),
  'generations.create': (env, i) => generations.createGeneration(env, i),
  'generations.update': (env, i) => generations.updateGeneration(env, i),
  'generations.delete': (env, i) => generations.deleteGeneration(env, i.id),

  'measurements.list': (env, i) => records.listMeasurements(env, i.generationId),
  'measurements.page': (env, i) => summaries.measurementsPage(env, i),
  'measurements.create': (env, i) => records.createMeasurement(env, i),
  'measurements.update': (env, i) => records.updateMeasurement(env, i),
  'measurements.delete': (env, i) => records.deleteMeasurement(env, i.id),

  'policies.list': (env, i) => records.listPolicies(env, i.generationId),
  'policies.create': (env, i) => records.createPolicy(env, i),
  'policies.delete': (env, i) => records.deletePolicy(env, i.id),
  'policies.update': (env, i) => records.updatePolicy(env, i),

  'curves.list': (env, i) => records.listCurves(env, i.generationId),
  'curves.create': (env, i) => records.createCurve(env, i),
  'curves.delete': (env, i) => records.deleteCurve(env, i.id),

  'costs.list': (env, i) => records.listCosts(env, i.generationId),
  'costs.create': (env, i) => records.createCost(env, i),
  'costs.delete': (env, i) => records.deleteCost(env, i.id),
  'costs.update': (env, i) => records.updateCost(env, i),

  'phases.list': (env, i) => records.listPhases(env, i.generationId),
  'phases.create': (env, i) => records.createPhase(env, i),
  'phases.delete': (env, i) => records.deletePhase(env, i.id),
  'phases.update': (env, i) => records.updatePhase(env, i),

  'plans.get': (env, i) => records.getPlan(env, i.generationId),
  'plans.save': (env, i) => records.savePlan(env, i),

  'audit.list': (env, i) => audit.listAudit(env, i),

  'trash.list': (env) => trash.listTrash(env),
  'trash.restore': (env, i) =>
    trash.restoreFromTrash(env, i.id, async (tx, projectIds) => {
      // A restored generation takes its place in the calendar order again.
      for (const projectId of projectIds) await generations.renumberGenerations(tx, projectId)
    }),
  'trash.empty': (env) => trash.emptyTrash(env, env.onProgress),

  'snapshots.list': (env) => snapshots.listSnapshots(env.dbFile),
  'snapshots.take': (env) => snapshots.takeSnapshot(env, env.dbFile, 'manual'),
  'snapshots.restore': (env, i) => snapshots.restoreSnapshot(env, env.dbFile, i.name),

  'timeline.get': (env, i) => summaries.timeline(env, i.projectIds),
  'compare.get': (env, i) => summaries.compare(env, i.generationIds),

  'performance.list': (env, i) => performanceList(env, i.generationId),
  'performance.setHeadlineMetric': (env, i) => setHeadlineMetric(env, i),

  'imports.list': (env, i) => listImports(env, i.projectId),
  'imports.run': (env, i) =>
    runImport(env, {
      format: i.format,
      fileName: i.fileName,
      // By path when a door holds the file (read as a stream, or bounded): never whole here.
      ...(env.inputFile !== undefined ? { file: env.inputFile } : { bytes: inputBytes(env, i, i.fileName) }),
      generationId: i.generationId,
      role: i.role,
      force: i.force,
      strict: i.strict,
      directions: i.directions,
      list: i.list,
      onProgress: env.onProgress,
    }),
  'imports.runFolder': (env, i) => {
    const bytes = new Map(i.files.map((f) => [f.path, f.contentBase64]))
    return runFolderImport(env, {
      format: i.format,
      folderName: i.folderName,
      paths: i.files.map((f) => f.path),
      read: (p) => Buffer.from(bytes.get(p) ?? '', 'base64'),
      generationId: i.generationId,
      role: i.role,
      force: i.force,
      strict: i.strict,
      directions: i.directions,
    })
  },
  'backup.export': async (env) => {
    if (env.outputFile === undefined) return exportBackup(env)
    // Streamed to the door's file, JSON Lines: memory stays flat whatever the size.
    try {
      await writeBackupFile(env, env.outputFile, env.onProgress)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw err
      // About the output file, not the database: said in the file's own words.
      throw new ServiceError(
        code === 'ENOSPC' ? 'disk-full' : 'invalid-data',
        `cannot write the file: ${whyCannotWrite(err)}`,
      )
    }
    const fileName = `alignment-tax-backup-${new Date().toISOString().slice(0, 10)}.jsonl`
    return { fileName, mimeType: 'application/x-ndjson', content: '', savedTo: env.outputFile }
  },
  'backup.restore': (env, i) =>
    restoreBackupSource(
      env,
      env.inputFile !== undefined ? { file: env.inputFile } : { bytes: inputBytes(env, i, i.fileName) },
      i.fileName,
      env.onProgress,
    ),
  'reports.export': (env, i) => exportReport(env, i.format, i.projectId),
  'reports.pdf': (env, i) => reportPdf(env, i.projectId),

  'tax.policy': (_env, i) => inferenceTaxFromPolicy(i.rows, i.rmCost),
  'tax.curve': (_env, i) => inferenceTaxFromCurve(i.points, i.baseline, i.direction),
  'tax.regression': (_env, i) => benchmarkRegression(i),

  'users.list': (env) => users.listUsers(env),
  'users.add': (env, i) => users.addUser(env, i),
  'users.remove': (env, i) => users.removeUser(env, i.name),
  'users.rotateToken': (env, i) => users.rotateToken(env, i.name),
  'users.setPassword': (env, i) => users.setPassword(env, i.name, i.password),
}

/** Validates and runs one request; never throws: every failure becomes an ApiError. */
export async function dispatch(env: HandlerEnv, name: unknown, rawInput: unknown): Promise<ApiResponse<unknown>> {
  if (!isApiName(name)) {
    return { ok: false, error: { code: 'unknown-request', message: `unknown request ${JSON.stringify(name)}` } }
  }
  const parsed = contract[name].input.safeParse(rawInput ?? {})
  if (!parsed.success) return { ok: false, error: invalidInput(name, parsed.error) }
  const nul = nulCharacterAt(parsed.data)
  if (nul !== null) {
    const message = 'must not contain a NUL character (PostgreSQL cannot store one)'
    return {
      ok: false,
      error: { code: 'invalid-input', message: `${name}: ${nul}: ${message}`, issues: [{ path: nul, message }] },
    }
  }
  const handler = handlers[name] as (env: HandlerEnv, input: unknown) => unknown
  const giveUpAt = Date.now() + (env.retryBusyForMs ?? 0)
  for (let attempt = 0; ; attempt++) {
    try {
      // One request at a time on the store's connection (SQLite), each attempt queued
      // afresh: while a busy request waits to retry, other requests (reads) are served.
      return { ok: true, value: await env.dialect.exclusive(async () => await handler(env, parsed.data)) }
    } catch (err) {
      // A busy database rolled the request back whole: waiting (without blocking) and retrying is safe.
      if (isBusy(err) && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 500)))
        continue
      }
      return { ok: false, error: toApiError(err, env) }
    }
  }
}

/**
 * Where the input holds text with a NUL character (U+0000), or null: the same refusal on both
 * stores, as PostgreSQL's text cannot hold one. Names refuse it in their own rule (schemas.ts).
 */
function nulCharacterAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(input)' : null
  if (typeof value !== 'object' || value === null) return null
  for (const [key, inner] of Object.entries(value)) {
    const found = nulCharacterAt(inner, path ? `${path}.${key}` : key)
    if (found !== null) return found
  }
  return null
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT'
}

export function invalidInput(name: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }))
  return {
    code: 'invalid-input',
    message: `${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  }
}

/** PostgreSQL's errors (by SQLSTATE) that have the same meaning as SQLite's above, or null. */
function postgresError(err: unknown, env?: Pick<HandlerEnv, 'dbFile'>): ApiError | null {
  const state = sqlState(err)
  const where = env?.dbFile ?? 'the database'
  switch (state) {
    case '23514': {
      let cause: unknown = err
      while (cause && typeof cause === 'object' && !(cause as { constraint?: unknown }).constraint) {
        cause = (cause as { cause?: unknown }).cause
      }
      const rule = (cause as { constraint?: string } | undefined)?.constraint ?? 'a row rule'
      return { code: 'invalid-data', message: `a value breaks the rule ${rule} of the database: nothing was written` }
    }
    case '40001': // serialization failure
    case '40P01': // deadlock detected
    case '55P03': // lock not available
    case '53300': // too many connections
      return {
        code: 'busy',
        message: 'the database is busy: other requests are writing the same rows; nothing was written, try again',
      }
    // Values the contract lets through that PostgreSQL cannot hold: a safety net, said as SQLite would.
    case '22003': // numeric value out of range
    case '22P02': // invalid text representation
      return { code: 'invalid-data', message: 'a number is out of the range the database holds: nothing was written' }
    case '22021': // a NUL character (invalid byte sequence for UTF8)
    case '22P05': // untranslatable character
      return {
        code: 'invalid-data',
        message: 'text holds a character the database cannot store (NUL): nothing was written',
      }
    case '53100':
      return { code: 'disk-full', message: `the disk of the database server of ${where} is full: nothing was written` }
    case '25006':
      return { code: 'read-only', message: `${where} is open for reading only: nothing was written` }
  }
  const code = (err as NodeJS.ErrnoException)?.code ?? (err as { cause?: NodeJS.ErrnoException })?.cause?.code
  if (state?.startsWith('08') || state?.startsWith('57P') || code === 'ECONNREFUSED' || code === 'ECONNRESET') {
    return { code: 'internal', message: `cannot reach the database server of ${where}: nothing was written; try again` }
  }
  return null
}

export function toApiError(
  err: unknown,
  env?: Pick<HandlerEnv, 'readOnlyReason' | 'dbFile' | 'logInternalError'>,
): ApiError {
  if (err instanceof ServiceError) return { code: err.code, message: err.message }
  // A team server refused a push (or could not be reached): its answer, naming it.
  if (err instanceof PushRefusedError) return pushRefusalAsApiError(err)
  if (err instanceof TaxInputError) {
    return { code: 'invalid-data', message: err.message, issues: [{ path: err.path, message: err.message }] }
  }
  if (err instanceof Error && err.name === 'ImportError') return { code: 'invalid-data', message: err.message }
  // No browser to print a PDF with: the message says how to get one.
  if (err instanceof Error && err.name === 'ChromiumNotFoundError') return { code: 'internal', message: err.message }
  const sqliteCode = (err as { code?: unknown })?.code
  if (sqliteCode === 'SQLITE_BUSY' || sqliteCode === 'SQLITE_LOCKED') {
    return {
      code: 'busy',
      message:
        'the database is busy: another program (the app, a pipeline) is writing to it; nothing was written, try again',
    }
  }
  if (sqliteCode === 'SQLITE_CONSTRAINT_CHECK') {
    // The database's own CHECK constraints (the row rules) caught a value the schemas let through.
    const rule = /CHECK constraint failed: (\w+)/.exec((err as Error).message)?.[1] ?? 'a row rule'
    return { code: 'invalid-data', message: `a value breaks the rule ${rule} of the database: nothing was written` }
  }
  const pgProblem = postgresError(err, env)
  if (pgProblem) return pgProblem
  if (sqliteCode === 'SQLITE_FULL' || (err as NodeJS.ErrnoException)?.code === 'ENOSPC') {
    return {
      code: 'disk-full',
      message: `the disk holding ${env?.dbFile ?? 'the database'} is full: nothing was written; free some space and try again`,
    }
  }
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_READONLY')) {
    return {
      code: 'read-only',
      message: `${env?.dbFile ?? 'the database'} is open for reading only${env?.readOnlyReason ? ` because ${env.readOnlyReason}` : ''}: nothing was written`,
    }
  }
  // The JS message means nothing to a user and may reveal internals: it goes to the log
  // under a reference the user can quote, and the user gets a sentence.
  const reference = randomBytes(4).toString('hex')
  const where = env?.logInternalError
    ? env.logInternalError(reference, err)
    : (console.error(`[atax internal error ${reference}]`, err), 'the details are in the log')
  return {
    code: 'internal',
    message: `something went wrong inside the app and the request was not completed (reference ${reference}; ${where})`,
  }
}
