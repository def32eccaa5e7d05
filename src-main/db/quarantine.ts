/**
 * Before a migration rebuilds tables with new CHECK constraints (`INSERT INTO __new_x
 * SELECT … FROM x`), rows an older version stored that break the new rules would make
 * the whole upgrade fail, locking the user out of all their data. Each such row is found
 * by trying the migration's own copy into a temporary table with the same CHECKs, then
 * moved, with the rows that belong to it (ON DELETE CASCADE children), into a trash entry
 * of kind `quarantine`, its payload kept verbatim, labelled with what is wrong and where.
 */
import type Database from 'better-sqlite3'
import { QUARANTINE_KIND, encodeQuarantinePayload, type QuarantineRows } from '../../src-shared/api/rows'

interface Rebuild {
  table: string
  create: string
  insert: string
}

/** The table rebuilds of the given migration statements: the new table and the copy into it. */
function rebuildsIn(statements: string[]): Rebuild[] {
  const creates = new Map<string, string>()
  const rebuilds: Rebuild[] = []
  for (const statement of statements) {
    const create = /^\s*CREATE TABLE `__new_(\w+)`/.exec(statement)
    if (create) creates.set(create[1], statement)
    const insert = /^\s*INSERT INTO `__new_(\w+)`/.exec(statement)
    if (insert && creates.has(insert[1])) {
      rebuilds.push({ table: insert[1], create: creates.get(insert[1])!, insert: statement })
    }
  }
  return rebuilds
}

type Key = string // `${table}:${primary key}`

/**
 * Moves aside the rows that the pending migrations' rebuilt tables would refuse. Runs with
 * foreign keys off, inside the caller's care (before `migrate`). Returns one label per entry.
 */
export function quarantineRowsBreakingRules(sqlite: Database.Database, pendingStatements: string[]): string[] {
  const rebuilds = rebuildsIn(pendingStatements).filter(
    (r) => sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(r.table) !== undefined,
  )
  if (!rebuilds.length) return []
  const pkOf = (table: string) =>
    (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; pk: number }[]).find((c) => c.pk === 1)
      ?.name ?? 'rowid'
  const rowOf = (table: string, pk: unknown) =>
    sqlite.prepare(`SELECT * FROM "${table}" WHERE "${pkOf(table)}" = ?`).get(pk) as Record<string, unknown>

  // 1. The rows each rebuilt table would refuse, and why (the failing CHECK, in words).
  const bad: { table: string; pk: unknown; problem: string }[] = []
  for (const rebuild of rebuilds) {
    // Without AUTOINCREMENT: a temporary one would make a temp.sqlite_sequence that hides the file's counters.
    const create = rebuild.create
      .replace(/^\s*CREATE TABLE `__new_/, 'CREATE TEMP TABLE `__new_')
      .replace(/\bAUTOINCREMENT\b/g, '')
    const copy = rebuild.insert
      .replace(/^\s*INSERT INTO `__new_/, 'INSERT OR IGNORE INTO temp.`__new_')
      .replace(/;\s*$/, '')
    const pk = pkOf(rebuild.table)
    try {
      sqlite.exec(create)
      // OR IGNORE skips a row that breaks a CHECK or NOT NULL; what is missing afterwards broke one.
      sqlite.exec(copy)
      const missing = sqlite
        .prepare(
          `SELECT "${pk}" AS pk FROM main."${rebuild.table}" WHERE "${pk}" NOT IN (SELECT "${pk}" FROM temp."__new_${rebuild.table}")`,
        )
        .all() as { pk: unknown }[]
      for (const { pk: key } of missing) {
        bad.push({ table: rebuild.table, pk: key, problem: whyRefused(sqlite, rebuild, pk, key) })
      }
    } catch {
      // A copy this check cannot replay (an earlier pending migration changes the table first):
      // the migration itself still says what is wrong, and a safety copy is kept.
    } finally {
      sqlite.exec(`DROP TABLE IF EXISTS temp."__new_${rebuild.table}"`)
    }
  }
  if (!bad.length) return []

  // 2. What goes with each bad row: its cascade children, their children, and trash marks.
  const tables = (
    sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '__*'",
      )
      .all() as { name: string }[]
  ).map((t) => t.name)
  const links = tables.flatMap((child) =>
    (
      sqlite.prepare(`PRAGMA foreign_key_list("${child}")`).all() as {
        table: string
        from: string
        to: string | null
        on_delete: string
      }[]
    ).map((fk) => ({
      child,
      parent: fk.table,
      from: fk.from,
      to: fk.to ?? pkOf(fk.table),
      setNull: fk.on_delete.toUpperCase() === 'SET NULL',
    })),
  )
  // Rows that cannot live without their parent go with it; a SET NULL reference is cleared, as a delete would.
  const childLinks = links.filter((l) => !l.setNull)
  const nullLinks = links.filter((l) => l.setNull)
  const trashHasMarks = tables.includes('trash') && columnsOf(sqlite, 'trash').includes('generation_id')
  const descendants = (table: string, pk: unknown): Map<Key, { table: string; row: Record<string, unknown> }> => {
    const found = new Map<Key, { table: string; row: Record<string, unknown> }>()
    const visit = (t: string, row: Record<string, unknown>) => {
      const key = `${t}:${String(row[pkOf(t)])}`
      if (found.has(key)) return
      found.set(key, { table: t, row })
      for (const link of childLinks.filter((l) => l.parent === t)) {
        const children = sqlite
          .prepare(`SELECT * FROM "${link.child}" WHERE "${link.from}" = ?`)
          .all(row[link.to]) as Record<string, unknown>[]
        for (const child of children) visit(link.child, child)
      }
      if (t === 'generations' && trashHasMarks) {
        const marks = sqlite.prepare('SELECT * FROM trash WHERE generation_id = ?').all(row.id) as Record<
          string,
          unknown
        >[]
        for (const mark of marks) visit('trash', mark)
      }
    }
    visit(table, rowOf(table, pk))
    return found
  }
  const groups = bad.map((b) => ({ ...b, rows: descendants(b.table, b.pk) }))
  // A bad row that goes with another bad row's entry (a bad measurement of a bad generation) gets none of its own.
  const kept = groups.filter(
    (g) =>
      !groups.some(
        (other) =>
          other !== g &&
          other.rows.has(`${g.table}:${String(g.pk)}`) &&
          !g.rows.has(`${other.table}:${String(other.pk)}`),
      ),
  )
  const seen = new Set<Key>()
  const labels: string[] = []
  const insert = sqlite.prepare('INSERT INTO trash (kind, label, payload) VALUES (?, ?, ?)')
  for (const group of kept) {
    const root = `${group.table}:${String(group.pk)}`
    if (seen.has(root)) continue
    const rows: QuarantineRows = {}
    for (const [key, { table, row }] of group.rows) {
      if (seen.has(key)) continue
      seen.add(key)
      ;(rows[table] ??= []).push(row)
    }
    const main = rowOf(group.table, group.pk)
    const name = typeof main.name === 'string' && main.name.trim() ? ` "${main.name.slice(0, 80)}"` : ''
    const others = Object.values(rows).reduce((n, list) => n + list.length, 0) - 1
    const label =
      `Quarantined on upgrade: ${group.table} #${String(group.pk)}${name} ${group.problem}` +
      (others > 0 ? ` (with ${others} row(s) that belong to it)` : '')
    insert.run(
      QUARANTINE_KIND,
      label.slice(0, 1000),
      encodeQuarantinePayload({ table: group.table, id: group.pk, problem: group.problem, rows }),
    )
    labels.push(label)
  }
  // Foreign keys are off (the caller's migration needs them off too): every moved row is deleted by its key.
  for (const group of kept) {
    for (const { table, row } of group.rows.values()) {
      const pk = pkOf(table)
      sqlite.prepare(`DELETE FROM "${table}" WHERE "${pk}" = ?`).run(row[pk])
      for (const link of nullLinks.filter((l) => l.parent === table)) {
        sqlite.prepare(`UPDATE "${link.child}" SET "${link.from}" = NULL WHERE "${link.from}" = ?`).run(row[link.to])
      }
    }
  }
  return labels
}

function columnsOf(sqlite: Database.Database, table: string): string[] {
  return (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name)
}

/** Which CHECK a refused row breaks, in words: "pretrained_on breaks the rules (got "not a date")". */
function whyRefused(sqlite: Database.Database, rebuild: Rebuild, pk: string, key: unknown): string {
  const single = rebuild.insert
    .replace(/^\s*INSERT INTO `__new_/, 'INSERT INTO temp.`__new_')
    .replace(/;\s*$/, '')
    .concat(` WHERE "${pk}" = ?`)
  try {
    sqlite.prepare(single).run(key)
    return 'breaks the row rules'
  } catch (err) {
    const message = (err as Error).message
    const check = /CHECK constraint failed: (\w+)/.exec(message)
    const notNull = /NOT NULL constraint failed: [\w"]+\.(\w+)/.exec(message)
    const column = check ? check[1].replace(new RegExp(`^${rebuild.table}_`), '') : notNull?.[1]
    if (!column) return `breaks the row rules (${message})`
    const row = sqlite.prepare(`SELECT * FROM main."${rebuild.table}" WHERE "${pk}" = ?`).get(key) as Record<
      string,
      unknown
    >
    const value = column in row ? `: got ${describe(row[column])}` : ''
    return `breaks the rule for ${column}${value}`
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (value === null) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}
