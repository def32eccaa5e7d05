/**
 * The app's own JSON backup: every row of every table, column by column, so that
 * export → restore gives an identical database. Restoring replaces the data in one
 * transaction after keeping a copy of the file aside (undo).
 */
import { z } from 'zod'
import type { ExportResult } from '../../src-shared/api/transfer'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'

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

export function backupData(ctx: ServiceContext): Backup['tables'] {
  const tables: Backup['tables'] = {}
  for (const table of BACKUP_TABLES) {
    tables[table] = ctx.sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Backup['tables'][string]
  }
  return tables
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
    if (!(BACKUP_TABLES as readonly string[]).includes(name)) {
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

  // A copy of the current file first, so a restore can itself be undone.
  if (ctx.sqlite.name && ctx.sqlite.name !== ':memory:') {
    const copy = `${ctx.sqlite.name}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
    ctx.sqlite.prepare('VACUUM INTO ?').run(copy)
  }
  ctx.sqlite.transaction(() => {
    for (const table of [...BACKUP_TABLES].reverse()) ctx.sqlite.prepare(`DELETE FROM "${table}"`).run()
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
    const fk = ctx.sqlite.prepare('PRAGMA foreign_key_check').all()
    if (fk.length)
      throw new ServiceError('invalid-data', `${fileName}: rows refer to missing parents: ${JSON.stringify(fk[0])}`)
  })()
  return { projects: (tables.projects ?? []).length }
}
