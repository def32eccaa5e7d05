/**
 * The rules every stored row obeys, built from the same field rules as the API's
 * input schemas (./schemas.ts): the API, backup restore and trash restore all check
 * rows with these, and src-main/db/schema.ts states them again as SQLite CHECK
 * constraints (a test keeps the two in step). Keys are the domain's camelCase names
 * (drizzle's), booleans are booleans.
 */
import { z } from 'zod'
import {
  costFields,
  deployedAfterPretrained,
  direction,
  endsAfterStart,
  finite,
  FRACTIONS_MESSAGE,
  fractionsFitInOne,
  generationFields,
  id,
  isoDate,
  name,
  benchmarkName,
  nonNegative,
  QUANTITY_UNIT_MESSAGE,
  quantityHasUnit,
  RANGE_MESSAGE,
  rangeHoldsAmount,
  shots,
  planSave,
} from './schemas'

export const ROW_LIMITS = { name: 200, benchmark: 500, description: 5000, notes: 20000, fileName: 500 } as const
const ROW_LIMITS_BENCHMARK = ROW_LIMITS.benchmark

/** An ISO 8601 timestamp as SQLite's strftime writes it (or a date). */
export const timestamp = z
  .string({ error: 'must be a timestamp' })
  .regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+Z?)?$/, 'must be a timestamp written YYYY-MM-DDTHH:MM:SS.SSSZ')

const SOURCES = ['manual', 'import', 'pipeline', 'sample'] as const
const source = z.enum(SOURCES, { error: `source must be one of ${SOURCES.join(', ')}` })
const wholeAtLeast = (what: string, min: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}`)
const nullableId = id.nullable()

/** JSON text of a given shape (SQLite keeps it as text; the CHECK is json_valid + json_type). */
const jsonText = <T extends z.ZodType>(what: string, shape: T) =>
  z.string({ error: `${what} must be JSON text` }).refine((text) => {
    try {
      return shape.safeParse(JSON.parse(text)).success
    } catch {
      return false
    }
  }, `${what} is not valid`)
/** A measurement's benchmark groups, outermost first (lm-eval's mmlu → mmlu_stem). */
const groupPath = jsonText('group path', z.array(z.string().min(1).max(ROW_LIMITS_BENCHMARK)))
/** A generation's headline metric per benchmark, chosen by the user. */
const headlineMetrics = jsonText('headline metrics', z.record(z.string().min(1), z.string().min(1)))

/** Who created / last changed a row (added with the team server: optional, older backups lack them). */
const stamps = {
  createdBy: z.string().max(100).nullable().optional(),
  updatedBy: z.string().max(100).nullable().optional(),
}
/** The same, with the version of a row users edit (null while as created). */
const editStamps = { ...stamps, updatedAt: timestamp.nullable().optional() }

export const rowSchemas = {
  projects: z
    .object({
      id,
      /** The project's identity across stores (a UUID); absent from backups made before it existed. */
      uid: z
        .string({ error: 'uid must be text' })
        .regex(/^[0-9A-Za-z][0-9A-Za-z-]{7,63}$/, 'uid must be a UUID')
        .nullable()
        .optional(),
      name: name('name'),
      description: z.string().max(ROW_LIMITS.description),
      isSample: z.boolean(),
      archivedAt: timestamp.nullable(),
      deletedAt: timestamp.nullable(),
      createdAt: timestamp,
      updatedAt: timestamp,
      ...stamps,
    })
    .strict(),
  generations: z
    .object({
      id,
      projectId: id,
      ordinal: wholeAtLeast('ordinal', 0),
      ...generationFields,
      // Columns added after the first release are optional: older backups and trash entries lack them.
      headlineMetrics: headlineMetrics.optional(),
      createdAt: timestamp,
      updatedAt: timestamp,
      /** Set while the generation is in the trash. */
      deletedAt: timestamp.nullable().optional(),
      ...stamps,
    })
    .strict()
    .refine(deployedAfterPretrained, {
      message: 'deployed date must not be before the pretrained date',
      path: ['deployedOn'],
    }),
  importRecords: z
    .object({
      id,
      projectId: id,
      generationId: nullableId,
      fileName: name('file name', ROW_LIMITS.fileName),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 hexadecimal digits'),
      format: z.enum(['lm-eval', 'inspect', 'csv', 'backup']),
      role: z.enum(['baseline', 'aligned']).nullable(),
      rowCount: wholeAtLeast('row count', 0),
      importedAt: timestamp,
      createdBy: stamps.createdBy,
    })
    .strict(),
  benchmarkMeasurements: z
    .object({
      id,
      generationId: id,
      benchmark: benchmarkName('benchmark'),
      metric: benchmarkName('metric'),
      groupPath: groupPath.nullable().optional(),
      direction,
      shots: shots.nullable(),
      baseline: finite('baseline score').nullable(),
      aligned: finite('aligned score').nullable(),
      baselineStderr: nonNegative('baseline standard error').nullable(),
      alignedStderr: nonNegative('aligned standard error').nullable(),
      source,
      importId: nullableId,
      createdAt: timestamp,
      ...editStamps,
    })
    .strict(),
  inferencePolicies: z
    .object({
      id,
      generationId: id,
      name: name('name'),
      rmCost: nonNegative('reward-model cost'),
      createdAt: timestamp,
      ...editStamps,
    })
    .strict(),
  policyRows: z
    .object({
      id,
      policyId: id,
      position: wholeAtLeast('position', 0),
      fraction: finite('fraction').refine((p) => p >= 0 && p <= 1, 'fraction must be between 0 and 1'),
      multiplier: finite('multiplier').refine((k) => k >= 1, 'multiplier must be at least 1'),
    })
    .strict(),
  computeCurves: z
    .object({
      id,
      generationId: id,
      name: name('name'),
      benchmark: name('benchmark'),
      direction,
      baseline: finite('baseline score'),
      createdAt: timestamp,
      ...editStamps,
    })
    .strict(),
  curvePoints: z
    .object({
      id,
      curveId: id,
      multiplier: finite('multiplier').refine((k) => k >= 1, 'multiplier must be at least 1'),
      score: finite('score'),
    })
    .strict(),
  costItems: z
    .object({ id, generationId: id, ...costFields, source, createdAt: timestamp, ...editStamps })
    .strict()
    .refine(rangeHoldsAmount, { message: RANGE_MESSAGE, path: ['lowUsd'] })
    .refine(quantityHasUnit, { message: QUANTITY_UNIT_MESSAGE, path: ['unit'] }),
  pipelinePhases: z
    .object({
      id,
      generationId: id,
      name: name('name'),
      startOn: isoDate,
      endOn: isoDate,
      createdAt: timestamp,
      ...editStamps,
    })
    .strict()
    .refine(endsAfterStart, { message: 'end must not be before start', path: ['endOn'] }),
  plans: planSave
    .omit({ expectedUpdatedAt: true })
    .extend({ id, updatedAt: timestamp, ...stamps })
    .strict(),
  trash: z
    .object({
      id,
      kind: name('kind'),
      label: z.string().max(1000),
      payload: z.string(),
      /** A generation in the trash by mark (nothing copied); null for snapshot entries. */
      generationId: nullableId.optional(),
      deletedAt: timestamp,
    })
    .strict(),
  settings: z.object({ key: name('key'), value: z.string() }).strict(),
} as const

export type RowTable = keyof typeof rowSchemas
export const ROW_TABLES = Object.keys(rowSchemas) as RowTable[]

/** What a trash entry may hold: rows of a generation's records, children included. */
export const SNAPSHOT_TABLES = [
  'generations',
  'importRecords',
  'benchmarkMeasurements',
  'inferencePolicies',
  'policyRows',
  'computeCurves',
  'curvePoints',
  'costItems',
  'pipelinePhases',
  'plans',
] as const satisfies readonly RowTable[]

export interface RowProblem {
  /** Where, e.g. "generations[2].pretrainedOn". */
  path: string
  message: string
  value: unknown
}

/** The first problem of one row, or null. */
export function rowProblem(table: RowTable, row: unknown): { key: string; message: string } | null {
  const result = rowSchemas[table].safeParse(row)
  if (result.success) return null
  const issue = result.error.issues[0]
  return { key: issue.path.map(String).join('.'), message: issue.message }
}

/** Rows of several policies: each policy's fractions add up to at most 1. */
export function policyFractionsProblem(rows: { policyId: unknown; fraction: unknown }[]): string | null {
  const byPolicy = new Map<unknown, { fraction: number }[]>()
  for (const r of rows) {
    if (typeof r.fraction !== 'number') continue
    const list = byPolicy.get(r.policyId) ?? []
    list.push({ fraction: r.fraction })
    byPolicy.set(r.policyId, list)
  }
  for (const [policyId, list] of byPolicy) {
    if (!fractionsFitInOne(list)) return `policy #${String(policyId)}: ${FRACTIONS_MESSAGE}`
  }
  return null
}

/**
 * A trash entry's payload, checked whole: JSON, an object of known tables, each row
 * obeying its rules. Returns the first problem in words, or the parsed snapshot.
 */
export function parseTrashPayload(
  payload: unknown,
):
  | { ok: true; snapshot: Partial<Record<(typeof SNAPSHOT_TABLES)[number], Record<string, unknown>[]>> }
  | { ok: false; problem: string } {
  if (typeof payload !== 'string') return { ok: false, problem: 'its contents are not text' }
  let json: unknown
  try {
    json = JSON.parse(payload)
  } catch {
    return { ok: false, problem: 'its contents are not readable (not JSON)' }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, problem: 'its contents are not a set of rows' }
  }
  for (const [table, rows] of Object.entries(json)) {
    if (!(SNAPSHOT_TABLES as readonly string[]).includes(table)) {
      return { ok: false, problem: `${table} is not a table a trash entry can hold` }
    }
    if (!Array.isArray(rows)) return { ok: false, problem: `${table} is not a list of rows` }
    for (let i = 0; i < rows.length; i++) {
      const problem = rowProblem(table as RowTable, rows[i])
      if (problem) {
        const value = (rows[i] as Record<string, unknown> | null)?.[problem.key]
        return {
          ok: false,
          problem: `${table}[${i}].${problem.key || '(row)'}: ${problem.message}${value === undefined ? '' : `, got ${JSON.stringify(value)}`}`,
        }
      }
    }
  }
  const policyRows = (json as { policyRows?: { policyId: unknown; fraction: unknown }[] }).policyRows
  const fractions = policyRows ? policyFractionsProblem(policyRows) : null
  if (fractions) return { ok: false, problem: fractions }
  return { ok: true, snapshot: json as never }
}

/**
 * A trash entry holding rows that break the rules, moved aside when an older file was
 * upgraded (src-main/db/quarantine.ts). Its payload keeps the rows verbatim, keyed by SQL
 * table and column; it is never checked with the row rules (it breaks them by definition)
 * and cannot be restored as it is.
 */
export const QUARANTINE_KIND = 'quarantine'

export type QuarantineRows = Record<string, Record<string, unknown>[]>

export interface QuarantinePayload {
  table: string
  id: unknown
  problem: string
  rows: QuarantineRows
}

/** JSON, with what JSON cannot hold tagged: non-finite numbers and bytes (BLOBs). */
export function encodeQuarantinePayload(payload: QuarantinePayload): string {
  return JSON.stringify({ quarantine: payload }, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) }
    if (typeof value === 'bigint') return { $integer: value.toString() }
    if (value instanceof Uint8Array) return { $bytes: Array.from(value) }
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
      return { $bytes: (value as { data: number[] }).data }
    }
    return value
  })
}

/** A quarantine entry's payload: its shape only (the rows inside break the rules). */
export function parseQuarantinePayload(
  payload: unknown,
): { ok: true; quarantine: QuarantinePayload } | { ok: false; problem: string } {
  if (typeof payload !== 'string') return { ok: false, problem: 'its contents are not text' }
  let json: unknown
  try {
    // The tagged values come back as they were stored.
    json = JSON.parse(payload, (_key, value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const tagged = value as { $number?: unknown; $integer?: unknown; $bytes?: unknown }
        if (typeof tagged.$number === 'string' && Object.keys(value).length === 1) return Number(tagged.$number)
        if (typeof tagged.$integer === 'string' && Object.keys(value).length === 1) return BigInt(tagged.$integer)
        if (Array.isArray(tagged.$bytes) && Object.keys(value).length === 1) return Uint8Array.from(tagged.$bytes)
      }
      return value
    })
  } catch {
    return { ok: false, problem: 'its contents are not readable (not JSON)' }
  }
  const shape = z
    .object({
      quarantine: z
        .object({
          table: z.string().min(1),
          id: z.unknown(),
          problem: z.string(),
          rows: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
        })
        .strict(),
    })
    .strict()
    .safeParse(json)
  if (!shape.success) return { ok: false, problem: 'its contents are not a set of quarantined rows' }
  return { ok: true, quarantine: shape.data.quarantine as QuarantinePayload }
}
