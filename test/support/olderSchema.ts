/**
 * Test data in a database of an older schema (a migrations folder cut short): today's
 * services write columns an old file does not have yet, so the data is made in a file of
 * today's schema and copied into the columns the old file has.
 */
import type Database from 'better-sqlite3'
import { openDatabase } from '../../src-main/db/open'
import { sqliteContext } from '../../src-main/db/dialects/sqlite'
import { BACKUP_TABLES, backupData } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'

/**
 * The sample, in an old file: made by today's services in a file of today's schema, then
 * copied row by row into the columns the old file has (today's services write columns,
 * such as projects.uid, that an old file does not have yet).
 */
export async function loadSampleInto(old: Database.Database) {
  const current = openDatabase(':memory:')
  try {
    await loadSample(sqliteContext(current.db, current.sqlite))
    const rows = await backupData(sqliteContext(current.db, current.sqlite))
    for (const table of BACKUP_TABLES) {
      const columns = new Set(
        (old.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
      )
      for (const row of rows[table] ?? []) {
        const names = Object.keys(row).filter((c) => columns.has(c))
        old
          .prepare(
            `INSERT INTO "${table}" (${names.map((c) => `"${c}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
          )
          .run(names.map((c) => row[c]))
      }
    }
  } finally {
    current.close()
  }
}

/** `row` cut down to the columns of `like` (a row read before an upgrade added columns). */
export function onlyColumnsOf(like: Record<string, unknown>, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((c) => [c, row[c]]))
}
