/**
 * The app's own JSON backup: every row of every table, column by column, so that
 * export → restore gives an identical database. Restoring replaces the data in one
 * transaction after keeping a copy of the file aside (undo).
 */
import { z } from 'zod'
import type { ExportResult } from '../../src-shared/api/transfer'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { isoDate } from '../../src-shared/api/schemas'
import { COST_CATEGORIES } from '../../src-shared/domain/types'

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

export function backupData(ctx: ServiceContext): Backup['tables'] {
  const tables: Backup['tables'] = {}
  for (const table of BACKUP_TABLES) {
    tables[table] = ctx.sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Backup['tables'][string]
  }
  tables[SEQUENCES] = ctx.sqlite
    .prepare(`SELECT name, seq FROM ${SEQUENCES} ORDER BY name`)
    .all() as Backup['tables'][string]
  return tables
}

type Check = (value: unknown) => string | null
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || v === undefined ? null : check(v)
const finite: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a finite number')
const atLeast =
  (min: number): Check =>
  (v) =>
    finite(v) ?? ((v as number) >= min ? null : `must be at least ${min}`)
const between =
  (min: number, max: number): Check =>
  (v) =>
    finite(v) ?? ((v as number) >= min && (v as number) <= max ? null : `must be between ${min} and ${max}`)
const oneOf =
  (...allowed: unknown[]): Check =>
  (v) =>
    allowed.includes(v) ? null : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`
const text: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? null : 'must be non-empty text')
const date: Check = (v) => (isoDate.safeParse(v).success ? null : 'must be a real date written YYYY-MM-DD')
const flag = oneOf(0, 1)
const sources = oneOf('manual', 'import', 'pipeline', 'sample')

/** What each stored value must be for the app to read it back: checked before anything is replaced. */
const VALUE_CHECKS: Partial<Record<(typeof BACKUP_TABLES)[number], Record<string, Check>>> = {
  projects: { name: text, is_sample: flag },
  generations: {
    name: text,
    ordinal: atLeast(0),
    pretrained_on: date,
    deployed_on: nullable(date),
    params_b: nullable(atLeast(0)),
    pretrain_compute_pfd: nullable(atLeast(0)),
    pretrain_cost_usd: nullable(atLeast(0)),
    technique_change: flag,
  },
  benchmark_measurements: {
    benchmark: text,
    metric: text,
    direction: oneOf('higher', 'lower'),
    shots: nullable(atLeast(0)),
    baseline: nullable(finite),
    aligned: nullable(finite),
    baseline_stderr: nullable(atLeast(0)),
    aligned_stderr: nullable(atLeast(0)),
    source: sources,
  },
  inference_policies: { name: text, rm_cost: atLeast(0) },
  policy_rows: { fraction: between(0, 1), multiplier: atLeast(1) },
  compute_curves: { name: text, benchmark: text, direction: oneOf('higher', 'lower'), baseline: finite },
  curve_points: { multiplier: atLeast(1), score: finite },
  cost_items: {
    category: oneOf(...COST_CATEGORIES),
    amount_usd: atLeast(0),
    low_usd: nullable(atLeast(0)),
    high_usd: nullable(atLeast(0)),
    quantity: nullable(atLeast(0)),
    scales_with_model: flag,
    date: nullable(date),
    source: sources,
  },
  pipeline_phases: { name: text, start_on: date, end_on: date },
  plans: {
    target_ttd_months: nullable(atLeast(0)),
    dev_budget_usd: nullable(atLeast(0)),
    max_perf_tax_pct: nullable(atLeast(0)),
    inference_spend_usd_per_month: nullable(atLeast(0)),
    horizon_months: nullable(atLeast(0)),
    delay_cost_usd_per_month: nullable(atLeast(0)),
  },
}

function checkValues(tables: Backup['tables'], fileName: string): void {
  for (const table of BACKUP_TABLES) {
    const checks = VALUE_CHECKS[table]
    if (!checks) continue
    ;(tables[table] ?? []).forEach((row, i) => {
      for (const [column, check] of Object.entries(checks)) {
        const problem = check(row[column])
        if (problem) {
          throw new ServiceError(
            'invalid-data',
            `${fileName}: tables.${table}[${i}].${column} ${problem}, got ${JSON.stringify(row[column] ?? null)}`,
          )
        }
      }
    })
  }
  ;(tables.generations ?? []).forEach((g, i) => {
    if (typeof g.deployed_on === 'string' && g.deployed_on < (g.pretrained_on as string)) {
      throw new ServiceError(
        'invalid-data',
        `${fileName}: tables.generations[${i}].deployed_on is before pretrained_on`,
      )
    }
  })
  ;(tables.pipeline_phases ?? []).forEach((p, i) => {
    if ((p.end_on as string) < (p.start_on as string)) {
      throw new ServiceError('invalid-data', `${fileName}: tables.pipeline_phases[${i}].end_on is before start_on`)
    }
  })
  ;(tables[SEQUENCES] ?? []).forEach((row, i) => {
    if (!(BACKUP_TABLES as readonly string[]).includes(row.name as string) || atLeast(0)(row.seq)) {
      throw new ServiceError(
        'invalid-data',
        `${fileName}: tables.${SEQUENCES}[${i}] is not a counter of this app's tables`,
      )
    }
  })
}

/**
 * One row's problem as ".column problem, got value", or null. The streaming restore
 * (./backupStream.ts) checks row by row with it, before anything is replaced.
 */
export function checkBackupRow(table: string, row: Record<string, unknown>): string | null {
  const checks = VALUE_CHECKS[table as (typeof BACKUP_TABLES)[number]] ?? {}
  for (const [column, check] of Object.entries(checks)) {
    const problem = check(row[column])
    if (problem) return `.${column} ${problem}, got ${JSON.stringify(row[column] ?? null)}`
  }
  if (
    table === 'generations' &&
    typeof row.deployed_on === 'string' &&
    row.deployed_on < (row.pretrained_on as string)
  ) {
    return '.deployed_on is before pretrained_on'
  }
  if (table === 'pipeline_phases' && (row.end_on as string) < (row.start_on as string)) {
    return '.end_on is before start_on'
  }
  if (
    table === SEQUENCES &&
    (!(BACKUP_TABLES as readonly string[]).includes(row.name as string) || atLeast(0)(row.seq))
  ) {
    return " is not a counter of this app's tables"
  }
  return null
}

export function exportBackup(ctx: ServiceContext): ExportResult {
  const backup: Backup = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date().toISOString(),
    tables: backupData(ctx),
  }
  const stamp = backup.exportedAt.slice(0, 10)
  return {
    fileName: `alignment-tax-backup-${stamp}.json`,
    mimeType: 'application/json',
    content: JSON.stringify(backup),
  }
}

export function restoreBackup(ctx: ServiceContext, text: string, fileName: string): { projects: number } {
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
  const columns = new Map(
    BACKUP_TABLES.map((t) => [
      t,
      new Set((ctx.sqlite.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name)),
    ]),
  )
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

  checkValues(tables, fileName)

  // A copy of the current file first, so a restore can itself be undone.
  if (ctx.sqlite.name && ctx.sqlite.name !== ':memory:') {
    const copy = `${ctx.sqlite.name}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
    ctx.sqlite.prepare('VACUUM INTO ?').run(copy)
  }
  ctx.sqlite.transaction(() => {
    for (const table of [...BACKUP_TABLES].reverse()) ctx.sqlite.prepare(`DELETE FROM "${table}"`).run()
    ctx.sqlite.prepare(`DELETE FROM ${SEQUENCES}`).run()
    for (const table of BACKUP_TABLES) {
      const rows = tables[table] ?? []
      const statements = new Map<string, ReturnType<typeof ctx.sqlite.prepare>>()
      rows.forEach((row, i) => {
        const cols = Object.keys(row)
        const key = cols.join(',')
        let stmt = statements.get(key)
        if (!stmt) {
          stmt = ctx.sqlite.prepare(
            `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          )
          statements.set(key, stmt)
        }
        try {
          stmt.run(cols.map((c) => row[c]))
        } catch (err) {
          throw new ServiceError('invalid-data', `${fileName}: tables.${table}[${i}]: ${(err as Error).message}`)
        }
      })
    }
    // Inserting rows set each counter to its table's highest id; the backup's own
    // counters (which count ids now only in the trash) win where they are higher.
    const raise = ctx.sqlite.prepare(`UPDATE ${SEQUENCES} SET seq = max(seq, ?) WHERE name = ?`)
    const add = ctx.sqlite.prepare(`INSERT INTO ${SEQUENCES} (name, seq) VALUES (?, ?)`)
    for (const { name, seq } of tables[SEQUENCES] ?? []) {
      if (raise.run(seq, name).changes === 0) add.run(name, seq)
    }
    const fk = ctx.sqlite.prepare('PRAGMA foreign_key_check').all()
    if (fk.length)
      throw new ServiceError('invalid-data', `${fileName}: rows refer to missing parents: ${JSON.stringify(fk[0])}`)
  })()
  return { projects: (tables.projects ?? []).length }
}
