/**
 * The app's own JSON backup: every row of every table, column by column, so that
 * export → restore gives an identical database. Restoring replaces the data in one
 * transaction after keeping a copy of the file aside (undo).
 */
import { z } from 'zod'
import type { ExportResult } from '../../src-shared/api/transfer'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { ensureProjectUids } from './projects'
import { getTableColumns, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import {
  parseQuarantinePayload,
  parseTrashPayload,
  policyFractionsProblem,
  QUARANTINE_KIND,
  rowProblem,
  type RowTable,
} from '../../src-shared/api/rows'
import * as schema from '../db/schema'
import { fillHeadlines } from './readModels/maintained'

export const BACKUP_FORMAT = 'alignment-tax-planner-backup'
export const BACKUP_VERSION = 1

/** Parents before children: the order rows can be inserted in. */
export const BACKUP_TABLES = [
  'projects',
  'generations',
  'import_records',
  'benchmark_measurements',
  'inference_policies',
  'policy_rows',
  'compute_curves',
  'curve_points',
  'cost_items',
  'pipeline_phases',
  'plans',
  'trash',
  'settings',
] as const

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT, { error: `format must be "${BACKUP_FORMAT}"` }),
  version: z.literal(BACKUP_VERSION, { error: `version must be ${BACKUP_VERSION}` }),
  exportedAt: z.string(),
  tables: z.record(z.string(), z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))),
})

export type Backup = z.infer<typeof backupSchema>

/**
 * SQLite's AUTOINCREMENT counters travel with the data: ids kept in the trash for undo
 * must never be handed out again after a restore, or an undo would attach rows to
 * whatever took their id.
 */
export const SEQUENCES = 'sqlite_sequence'

/**
 * The id counters a backup carries: those of the backup's tables only (not the server's own
 * tables, users or audit events, whose ids PostgreSQL also counts).
 */
export async function backupIdCounters(ctx: ServiceContext) {
  return (await ctx.dialect.idCounters()).filter((c) => (BACKUP_TABLES as readonly string[]).includes(c.name))
}

/** Each backup table's column names, as the store has them. */
export async function tableColumnSets(ctx: ServiceContext): Promise<Map<string, Set<string>>> {
  const columns = new Map<string, Set<string>>()
  for (const table of BACKUP_TABLES) columns.set(table, new Set(await ctx.dialect.tableColumns(table)))
  return columns
}

export async function backupData(ctx: ServiceContext): Promise<Backup['tables']> {
  const tables: Backup['tables'] = {}
  await ctx.dialect.readConsistently(async () => {
    for (const table of BACKUP_TABLES) {
      const rows: Backup['tables'][string] = []
      await ctx.dialect.readTable(table, (columns) => (values) => {
        const row: Record<string, string | number | null> = {}
        columns.forEach((c, i) => (row[c] = values[i]))
        rows.push(row)
      })
      tables[table] = rows
    }
    tables[SEQUENCES] = (await backupIdCounters(ctx)) as unknown as Backup['tables'][string]
  })
  return tables
}

/**
 * Each backup table, by its SQL name: the drizzle table (for its column names only, the
 * same on every store) and the shared rules of its rows.
 */
const ROW_RULES: Record<(typeof BACKUP_TABLES)[number], { table: SQLiteTable; rules: RowTable }> = {
  projects: { table: schema.projects, rules: 'projects' },
  generations: { table: schema.generations, rules: 'generations' },
  import_records: { table: schema.importRecords, rules: 'importRecords' },
  benchmark_measurements: { table: schema.benchmarkMeasurements, rules: 'benchmarkMeasurements' },
  inference_policies: { table: schema.inferencePolicies, rules: 'inferencePolicies' },
  policy_rows: { table: schema.policyRows, rules: 'policyRows' },
  compute_curves: { table: schema.computeCurves, rules: 'computeCurves' },
  curve_points: { table: schema.curvePoints, rules: 'curvePoints' },
  cost_items: { table: schema.costItems, rules: 'costItems' },
  pipeline_phases: { table: schema.pipelinePhases, rules: 'pipelinePhases' },
  plans: { table: schema.plans, rules: 'plans' },
  trash: { table: schema.trash, rules: 'trash' },
  settings: { table: schema.settings, rules: 'settings' },
}

/**
 * Checks a whole backup against the shared row rules (src-shared/api/rows.ts), trash
 * payloads included, before anything is replaced; throws naming the first bad cell.
 */
export function validateBackupTables(tables: Backup['tables'], fileName: string): void {
  const bad = (where: string, message: string): never => {
    throw new ServiceError('invalid-data', `${fileName}: tables.${where} ${message}`)
  }
  for (const sqlTable of [...BACKUP_TABLES, SEQUENCES]) {
    ;(tables[sqlTable] ?? []).forEach((row, i) => {
      const problem = backupRowProblem(sqlTable, row)
      if (problem) bad(`${sqlTable}[${i}]${problem.where}`, problem.message)
    })
  }
  const fractions = policyFractionsProblem(
    (tables.policy_rows ?? []).map((r) => ({ policyId: r.policy_id, fraction: r.fraction })),
  )
  if (fractions) bad('policy_rows:', fractions)
}

/** Stored form → domain form, per backup table: camelCase keys, 0/1 → booleans. */
const COLUMNS_OF = new Map(
  BACKUP_TABLES.map((sqlTable) => {
    const columns = Object.entries(getTableColumns(ROW_RULES[sqlTable].table))
    return [
      sqlTable as string,
      {
        keyOf: new Map(columns.map(([key, col]) => [col.name, { key, boolean: col.columnType === 'SQLiteBoolean' }])),
        sqlNameOf: new Map(columns.map(([key, col]) => [key, col.name])),
      },
    ]
  }),
)

/**
 * One stored row against the shared row rules (src-shared/api/rows.ts), trash payloads
 * included: where (".column", or "" for the row) and what is wrong, or null. Used by
 * the whole-file check above and, row by row, by the streaming restore (./backupStream.ts).
 */
export function backupRowProblem(
  sqlTable: string,
  row: Record<string, unknown>,
): { where: string; message: string } | null {
  if (sqlTable === SEQUENCES) {
    const seq = row.seq
    const ok =
      (BACKUP_TABLES as readonly string[]).includes(row.name as string) &&
      typeof seq === 'number' &&
      Number.isInteger(seq) &&
      seq >= 0
    return ok ? null : { where: '', message: "is not a counter of this app's tables" }
  }
  const shape = COLUMNS_OF.get(sqlTable)
  if (!shape) return { where: '', message: 'is not a table of this app' }
  const domainRow: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    const target = shape.keyOf.get(column)
    if (!target) return { where: `.${column}`, message: `is not a column of ${sqlTable}` }
    // Anything but 0/1 in a boolean column stays as it is, and fails the rules.
    domainRow[target.key] = target.boolean && (value === 0 || value === 1) ? value === 1 : value
  }
  const problem = rowProblem(ROW_RULES[sqlTable as (typeof BACKUP_TABLES)[number]].rules, domainRow)
  if (problem) {
    const column = shape.sqlNameOf.get(problem.key.split('.')[0]) ?? problem.key
    const got = row[column]
    return {
      where: column ? `.${column}:` : ':',
      message: `${problem.message}, got ${JSON.stringify(got === undefined ? null : got)}`,
    }
  }
  if (sqlTable === 'trash') {
    // Rows moved aside on upgrade break the rules by definition: only their wrapping is checked.
    const payload = row.kind === QUARANTINE_KIND ? parseQuarantinePayload(row.payload) : parseTrashPayload(row.payload)
    if (!payload.ok)
      return { where: '.payload', message: `(of trash entry "${String(row.label)}"): ${payload.problem}` }
  }
  return null
}

/** The streaming restore's check of one row: ".column problem", or null. */
export function checkBackupRow(table: string, row: Record<string, unknown>): string | null {
  const problem = backupRowProblem(table, row)
  return problem ? `${problem.where} ${problem.message}` : null
}

export async function exportBackup(ctx: ServiceContext): Promise<ExportResult> {
  const backup: Backup = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date().toISOString(),
    tables: await backupData(ctx),
  }
  const stamp = backup.exportedAt.slice(0, 10)
  return {
    fileName: `alignment-tax-backup-${stamp}.json`,
    mimeType: 'application/json',
    content: JSON.stringify(backup),
  }
}

export async function restoreBackup(
  ctx: ServiceContext,
  text: string,
  fileName: string,
): Promise<{ projects: number }> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ServiceError('invalid-data', `${fileName}: not valid JSON (${(err as Error).message})`)
  }
  const parsed = backupSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ServiceError('invalid-data', `${fileName}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
  }
  const { tables } = parsed.data
  for (const name of Object.keys(tables)) {
    if (name !== SEQUENCES && !(BACKUP_TABLES as readonly string[]).includes(name)) {
      throw new ServiceError('invalid-data', `${fileName}: tables.${name} is not a table of this app`)
    }
  }
  const columns = await tableColumnSets(ctx)
  for (const table of BACKUP_TABLES) {
    const known = columns.get(table)!
    ;(tables[table] ?? []).forEach((row, i) => {
      for (const col of Object.keys(row)) {
        if (!known.has(col)) {
          throw new ServiceError(
            'invalid-data',
            `${fileName}: tables.${table}[${i}].${col} is not a column of ${table}`,
          )
        }
      }
    })
  }

  validateBackupTables(tables, fileName)

  // A copy of the current data first, so a restore can itself be undone.
  await ctx.dialect.copyBeforeRestore()
  await ctx.transaction(async () => {
    for (const table of [...BACKUP_TABLES].reverse()) await ctx.dialect.run(sql`DELETE FROM ${sql.identifier(table)}`)
    await ctx.dialect.clearIdCounters()
    for (const table of BACKUP_TABLES) {
      const rows = tables[table] ?? []
      const inserters = new Map<string, ReturnType<typeof ctx.dialect.rowInserter>>()
      for (const [i, row] of rows.entries()) {
        const cols = Object.keys(row)
        const key = cols.join(',')
        let inserter = inserters.get(key)
        if (!inserter) {
          inserter = ctx.dialect.rowInserter(table, cols)
          inserters.set(key, inserter)
        }
        try {
          inserter.add(cols.map((c) => row[c]))
        } catch (err) {
          throw new ServiceError('invalid-data', `${fileName}: tables.${table}[${i}]: ${(err as Error).message}`)
        }
      }
      try {
        for (const inserter of inserters.values()) await inserter.flush()
      } catch (err) {
        throw new ServiceError('invalid-data', `${fileName}: tables.${table}: ${(err as Error).message}`)
      }
    }
    // Inserting rows set each counter to its table's highest id; the backup's own
    // counters (which count ids now only in the trash) win where they are higher.
    await ctx.dialect.raiseIdCounters(
      (tables[SEQUENCES] ?? []).map((c) => ({ name: String(c.name), seq: Number(c.seq) })),
    )
    const fk = await ctx.dialect.foreignKeyProblems()
    if (fk.length)
      throw new ServiceError('invalid-data', `${fileName}: rows refer to missing parents: ${JSON.stringify(fk[0])}`)
    // A backup made before projects had a uid: each gets one (a push finds it by it).
    await ensureProjectUids(ctx)
    await fillHeadlines(ctx)
  })
  return { projects: (tables.projects ?? []).length }
}
