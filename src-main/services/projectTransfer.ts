/**
 * Moving work up: one project with everything in it, as a JSON Lines file that a team
 * server receives (`atax push`, the app's "Push to team server…").
 *
 *   {"format":"alignment-tax-planner-project","version":1,"uid":"…","exportedAt":"…"}
 *   {"table":"projects","columns":["id","uid","name",…]}
 *   [7,"0b6c…","RLHF pipeline",…]          one line per row, values in column order (stored form)
 *   {"table":"generations","columns":[…]}
 *   …                                        the backup's tables, parents first (./backup.ts)
 *   {"end":true,"rows":12345}               guards against a truncated file
 *
 * The rows are the backup's (./backupStream.ts), filtered to the project: its generations
 * (not those in the trash) and every row under them, and its import records. Ids are the
 * sender's; the receiver gives the rows its own ids and keeps its project's id.
 *
 * Receiving reads the file twice: first every line is checked (tables, columns, the row
 * rules, references inside the file, the end line), and only then, in one transaction, the
 * server's project with the same `uid` is emptied and refilled (or created). A project with
 * that uid in the server's trash is a conflict. Anything that fails, a cancel included,
 * rolls the transaction back: the server stays as it was.
 */
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import { and, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import { policyFractionsProblem } from '../../src-shared/api/rows'
import type { ProjectCounts, ProjectReceiveResult } from '../../src-shared/api/transfer'
import { checkBackupRow } from './backup'
import { jsonLinesWriter } from './backupStream'
import type { ServiceContext } from './context'
import { ServiceError } from './errors'
import { actorOf, recordAudit } from './audit'
import { headlineChanged } from './readModels/maintained'

export const PROJECT_FORMAT = 'alignment-tax-planner-project'
export const PROJECT_FORMAT_VERSION = 1

/** The tables a project file holds, parents first (the backup's order). */
export const PROJECT_TABLES = [
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
] as const
type ProjectTable = (typeof PROJECT_TABLES)[number]

type Value = string | number | null

const emptyCounts = (): ProjectCounts =>
  Object.fromEntries(PROJECT_TABLES.map((table) => [table, 0])) as unknown as ProjectCounts

const CHUNK_BYTES = 1 << 20
const PAGE_ROWS = 5000

/**
 * Which rows of each table belong to project `projectId` (generations in the trash left out).
 * The parent column is written `+column` (an expression, not the column): the pages below are
 * read in id order, and without the `+` SQLite would pick the parent's index and sort the
 * project's every row again for each page (a million measurements: 200 sorts of a million).
 * With it, each page continues the id range where the last one ended: one pass in all.
 */
function projectFilter(table: ProjectTable, projectId: number): SQL {
  const liveGenerations = sql`(SELECT g.id FROM generations g WHERE g.project_id = ${projectId} AND g.deleted_at IS NULL)`
  switch (table) {
    case 'projects':
      return sql`id = ${projectId}`
    case 'generations':
      return sql`project_id = ${projectId} AND deleted_at IS NULL`
    case 'import_records':
      return sql`+project_id = ${projectId} AND (generation_id IS NULL OR generation_id IN ${liveGenerations})`
    case 'policy_rows':
      return sql`+policy_id IN (SELECT p.id FROM inference_policies p WHERE p.generation_id IN ${liveGenerations})`
    case 'curve_points':
      return sql`+curve_id IN (SELECT c.id FROM compute_curves c WHERE c.generation_id IN ${liveGenerations})`
    default:
      return sql`+generation_id IN ${liveGenerations}`
  }
}

/**
 * Writes project `projectId` to `file` as JSON Lines (see the top of this file), a page of
 * rows at a time: a project of a million measurements never sits in memory whole.
 */
export async function writeProjectFile(
  ctx: ServiceContext,
  projectId: number,
  file: string,
  onProgress: (fraction: number) => void = () => {},
): Promise<{ uid: string; name: string; counts: ProjectCounts; bytes: number }> {
  const t = ctx.t.projects
  const [project] = await ctx.db
    .select({ uid: t.uid, name: t.name, deletedAt: t.deletedAt })
    .from(t)
    .where(eq(t.id, projectId))
  if (!project) throw new ServiceError('not-found', `project #${projectId} does not exist`)
  if (project.deletedAt) {
    throw new ServiceError('conflict', `project "${project.name}" is in the trash: restore it before pushing it`)
  }
  let uid = project.uid
  if (!uid) {
    uid = randomUUID()
    await ctx.db.update(t).set({ uid }).where(eq(t.id, projectId))
  }
  const counts = emptyCounts()
  let bytes: number
  const fd = fs.openSync(file, 'w')
  try {
    const out = jsonLinesWriter(fd)
    const line = out.line
    line(
      JSON.stringify({
        format: PROJECT_FORMAT,
        version: PROJECT_FORMAT_VERSION,
        uid,
        exportedAt: new Date().toISOString(),
      }),
    )
    // One read transaction: the project is one consistent moment even while others write.
    await ctx.dialect.readConsistently(async () => {
      const totals: number[] = []
      for (const table of PROJECT_TABLES) {
        const [row] = await ctx.dialect.rows<{ n: number }>(
          sql`SELECT ${ctx.dialect.int(sql`count(*)`)} AS n FROM ${sql.identifier(table)} WHERE ${projectFilter(table, projectId)}`,
        )
        totals.push(Number(row?.n ?? 0))
      }
      const total = totals.reduce((a, b) => a + b, 0) || 1
      let written = 0
      for (const table of PROJECT_TABLES) {
        const columns = await ctx.dialect.tableColumns(table)
        const idAt = columns.indexOf('id')
        line(JSON.stringify({ table, columns }))
        const select = sql.join(
          columns.map((c) => sql.identifier(c)),
          sql`, `,
        )
        // Pages in id order (keyset): each page one short query, memory flat.
        for (let last = 0; ;) {
          const page = await ctx.dialect.arrays<Value[]>(
            sql`SELECT ${select} FROM ${sql.identifier(table)} WHERE ${projectFilter(table, projectId)} AND id > ${last} ORDER BY id LIMIT ${PAGE_ROWS}`,
          )
          for (const row of page) line(JSON.stringify(row))
          counts[table] += page.length
          written += page.length
          onProgress(Math.min(written / total, 0.99))
          if (page.length < PAGE_ROWS) break
          last = Number(page[page.length - 1][idAt])
        }
      }
    })
    const rows = PROJECT_TABLES.reduce((n, table) => n + counts[table], 0)
    line(JSON.stringify({ end: true, rows }))
    bytes = out.finish()
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  onProgress(1)
  return { uid, name: project.name, counts, bytes }
}

/** Where a project file is read from: a file (the usual way) or bytes already in memory (tests, base64). */
export type ProjectSource = { file: string } | { bytes: Uint8Array }

/** Each line of the source (1-based numbers), a chunk at a time; `afterChunk` may wait (flushing inserts). */
async function eachLine(
  source: ProjectSource,
  onLine: (text: string, lineNumber: number) => void,
  afterChunk: (fraction: number) => Promise<void>,
): Promise<void> {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  let lineNumber = 0
  const take = (text: string) => {
    const lines = (carry + text).split('\n')
    carry = lines.pop()!
    for (const l of lines) {
      lineNumber++
      const trimmed = l.endsWith('\r') ? l.slice(0, -1) : l
      if (trimmed.trim()) onLine(lineNumber === 1 ? trimmed.replace(/^\uFEFF/, '') : trimmed, lineNumber)
    }
  }
  if ('bytes' in source) {
    for (let at = 0; at < source.bytes.length; at += CHUNK_BYTES) {
      take(decoder.write(Buffer.from(source.bytes.subarray(at, at + CHUNK_BYTES))))
      await afterChunk(Math.min((at + CHUNK_BYTES) / source.bytes.length, 1))
    }
  } else {
    const fd = fs.openSync(source.file, 'r')
    try {
      const size = fs.fstatSync(fd).size || 1
      const buffer = Buffer.alloc(CHUNK_BYTES)
      let read = 0
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null)
        if (n === 0) break
        read += n
        take(decoder.write(buffer.subarray(0, n)))
        await afterChunk(read / size)
      }
    } finally {
      fs.closeSync(fd)
    }
  }
  take(decoder.end() + '\n')
  await afterChunk(1)
}

/** Each table's column that refers to a parent in the file, and the parent's table. */
const REFERENCES: Partial<Record<ProjectTable, Record<string, ProjectTable>>> = {
  generations: { project_id: 'projects' },
  import_records: { project_id: 'projects', generation_id: 'generations' },
  benchmark_measurements: { generation_id: 'generations', import_id: 'import_records' },
  inference_policies: { generation_id: 'generations' },
  policy_rows: { policy_id: 'inference_policies' },
  compute_curves: { generation_id: 'generations' },
  curve_points: { curve_id: 'compute_curves' },
  cost_items: { generation_id: 'generations' },
  pipeline_phases: { generation_id: 'generations' },
  plans: { generation_id: 'generations' },
}
/** Tables whose rows others refer to: received one row at a time, to learn each row's new id. */
const PARENTS = new Set<ProjectTable>(['generations', 'import_records', 'inference_policies', 'compute_curves'])

/**
 * Receives a project file (see the top of this file): checked whole first, then the
 * project with the file's uid is refilled (keeping its id) or created, in one transaction.
 */
export async function receiveProject(
  ctx: ServiceContext,
  source: ProjectSource,
  fileName: string,
  onProgress: (fraction: number) => void = () => {},
): Promise<ProjectReceiveResult> {
  const bad = (message: string): never => {
    throw new ServiceError('invalid-data', `${fileName}: ${message}`)
  }
  const known = new Map<string, Set<string>>()
  for (const table of PROJECT_TABLES) known.set(table, new Set(await ctx.dialect.tableColumns(table)))

  let uid = ''
  const counts = emptyCounts()
  /** Rows of the parent tables (and the project's), kept from the first pass: few, small. */
  const parents = new Map<ProjectTable, { columns: string[]; rows: Value[][] }>()
  let projectRow: { columns: string[]; row: Value[] } | null = null

  // ---- pass 1: everything is checked before anything is written ----
  {
    let table: ProjectTable | null = null
    let tableIndex = -1
    let columns: string[] = []
    let index = 0
    let rows = 0
    let ended = false
    const ids = new Map<ProjectTable, Set<number>>(['projects' as const, ...PARENTS].map((t) => [t, new Set<number>()]))
    const policyRows: { policyId: unknown; fraction: unknown }[] = []
    await eachLine(
      source,
      (text, lineNumber) => {
        const where = `line ${lineNumber}`
        if (ended) bad(`${where}: text after the end line`)
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch (err) {
          bad(`${where}: not valid JSON (${(err as Error).message})`)
        }
        if (lineNumber === 1) {
          const header = value as { format?: unknown; version?: unknown; uid?: unknown }
          if (header?.format !== PROJECT_FORMAT)
            bad(`not a project file of this app (its first line must name "${PROJECT_FORMAT}")`)
          if (header.version !== PROJECT_FORMAT_VERSION) {
            bad(
              `project file version ${String(header.version)}: this server reads version ${PROJECT_FORMAT_VERSION} (update the server or the app)`,
            )
          }
          if (typeof header.uid !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z-]{7,63}$/.test(header.uid))
            bad('the first line names no project uid')
          uid = header.uid as string
          return
        }
        if (lineNumber > 1 && uid === '') bad('the first line is not a project file header')
        if (Array.isArray(value)) {
          if (table === null) bad(`${where}: a row before any table line`)
          const at = `${where}: ${table}[${index}]`
          if (value.length !== columns.length) bad(`${at} has ${value.length} values for ${columns.length} columns`)
          const row: Record<string, Value> = {}
          value.forEach((v, i) => {
            if (v !== null && typeof v !== 'string' && typeof v !== 'number') {
              bad(`${at}.${columns[i]} must be text, a number or null, got ${JSON.stringify(v)}`)
            }
            row[columns[i]] = v as Value
          })
          const problem = checkBackupRow(table!, row)
          if (problem) bad(`${at}${problem}`)
          if (typeof row.id !== 'number') bad(`${at} has no id`)
          // Ids only of the rows others refer to (a million measurements' ids are not kept).
          const known = ids.get(table!)
          if (known) {
            if (known.has(row.id as number)) bad(`${at}: id ${String(row.id)} is given twice`)
            known.add(row.id as number)
          }
          for (const [column, parent] of Object.entries(REFERENCES[table!] ?? {})) {
            const ref = row[column]
            if (ref === null || ref === undefined) continue
            if (!ids.get(parent)!.has(ref as number))
              bad(`${at}.${column}: ${String(ref)} is not a row of ${parent} in this file`)
          }
          if (table === 'projects') {
            if (projectRow) bad(`${at}: a project file holds one project`)
            if (typeof row.uid === 'string' && row.uid !== uid) bad(`${at}.uid does not match the first line's uid`)
            projectRow = { columns, row: value as Value[] }
          }
          if (table === 'policy_rows') policyRows.push({ policyId: row.policy_id, fraction: row.fraction })
          if (PARENTS.has(table!)) parents.get(table!)!.rows.push(value as Value[])
          counts[table!]++
          rows++
          index++
          return
        }
        const line = value as { table?: unknown; columns?: unknown; end?: unknown; rows?: unknown }
        if (line?.end === true) {
          if (line.rows !== rows) bad(`${where}: the end line counts ${String(line.rows)} rows, the file holds ${rows}`)
          ended = true
          return
        }
        const next = PROJECT_TABLES.indexOf(line?.table as ProjectTable)
        if (next < 0) bad(`${where}: ${String(line?.table)} is not a table of a project`)
        if (next <= tableIndex) bad(`${where}: table ${String(line.table)} is out of order (parents come first)`)
        if (!Array.isArray(line.columns) || !line.columns.every((c) => typeof c === 'string')) {
          bad(`${where}: the columns of ${String(line.table)} must be a list of names`)
        }
        for (const c of line.columns as string[]) {
          if (!known.get(line.table as string)!.has(c)) bad(`${where}: ${c} is not a column of ${String(line.table)}`)
        }
        if (!(line.columns as string[]).includes('id'))
          bad(`${where}: the columns of ${String(line.table)} must include id`)
        table = line.table as ProjectTable
        tableIndex = next
        columns = line.columns as string[]
        if (PARENTS.has(table)) parents.set(table, { columns, rows: [] })
        index = 0
      },
      async (fraction) => onProgress(fraction * 0.3),
    )
    if (!ended) bad('the file ends before its end line (truncated?)')
    if (!projectRow) bad('the file holds no project')
    const fractions = policyFractionsProblem(policyRows)
    if (fractions) bad(`policy_rows: ${fractions}`)
  }
  const project = projectRow as unknown as { columns: string[]; row: Value[] }
  const projectValues = Object.fromEntries(project.columns.map((c, i) => [c, project.row[i]]))
  const name = String(projectValues.name)

  // ---- pass 2: one transaction; anything failing (a cancel too) leaves the server as it was ----
  return ctx.transaction(async (tx) => {
    const p = tx.t.projects
    const [existing] = await tx.db
      .select({ id: p.id, name: p.name, deletedAt: p.deletedAt })
      .from(p)
      .where(eq(p.uid, uid))
    if (existing?.deletedAt) {
      throw new ServiceError(
        'conflict',
        `the server's copy of this project ("${existing.name}", #${existing.id}) is in its trash: restore it there (or empty the trash) before pushing again`,
      )
    }
    const [clash] = await tx.db
      .select({ id: p.id })
      .from(p)
      .where(and(eq(p.name, name), or(isNull(p.uid), ne(p.uid, uid))))
    if (clash) {
      throw new ServiceError(
        'conflict',
        `the server already has another project named "${name}" (#${clash.id}): rename one of them, then push again`,
      )
    }
    // The project's own columns, as the file gives them (never its id, uid or trash mark).
    const own = project.columns.filter((c) => c !== 'id' && c !== 'uid' && c !== 'deleted_at')
    const ownValues = own.map((c) => projectValues[c])
    let serverProjectId: number
    if (existing) {
      serverProjectId = existing.id
      const live = sql`(SELECT g.id FROM generations g WHERE g.project_id = ${serverProjectId})`
      // Trash marks have no foreign key (schema.ts): removed before their generations.
      await tx.dialect.run(sql`DELETE FROM trash WHERE generation_id IN ${live}`)
      await tx.dialect.run(sql`DELETE FROM import_records WHERE project_id = ${serverProjectId}`)
      // Everything else hangs off the generations (ON DELETE CASCADE).
      await tx.dialect.run(sql`DELETE FROM generations WHERE project_id = ${serverProjectId}`)
      const assignments = sql.join(
        own.map((c, i) => sql`${sql.identifier(c)} = ${ownValues[i]}`),
        sql`, `,
      )
      await tx.dialect.run(sql`UPDATE projects SET ${assignments} WHERE id = ${serverProjectId}`)
    } else {
      const [row] = await tx.dialect.rows<{ id: number }>(
        sql`INSERT INTO projects (${sql.join(
          ['uid', ...own].map((c) => sql.identifier(c)),
          sql`, `,
        )}) VALUES (${sql.join(
          [uid, ...ownValues].map((v) => sql`${v}`),
          sql`, `,
        )}) RETURNING id`,
      )
      serverProjectId = Number(row.id)
    }
    onProgress(0.35)

    // New ids: the file's id of each parent row → the server's.
    const newIds = new Map<ProjectTable, Map<number, number>>(PROJECT_TABLES.map((t) => [t, new Map()]))
    newIds.get('projects')!.set(Number(projectValues.id), serverProjectId)
    /** A row's values for the server: references to the server's ids, the id column left out. */
    const remap = (table: ProjectTable, columns: string[]) => {
      const refs = columns.map((c) => {
        const parent = REFERENCES[table]?.[c]
        return parent ? newIds.get(parent)! : null
      })
      const keep = columns.map((c) => c !== 'id')
      return {
        columns: columns.filter((_, i) => keep[i]),
        values: (row: Value[]) =>
          row.flatMap((v, i) => {
            if (!keep[i]) return []
            const map = refs[i]
            return [map && v !== null ? map.get(v as number)! : v]
          }),
      }
    }
    for (const table of PROJECT_TABLES) {
      const held = parents.get(table)
      if (!held) continue
      const idAt = held.columns.indexOf('id')
      const { columns, values } = remap(table, held.columns)
      const names = sql.join(
        columns.map((c) => sql.identifier(c)),
        sql`, `,
      )
      for (const row of held.rows) {
        const [inserted] = await tx.dialect.rows<{ id: number }>(
          sql`INSERT INTO ${sql.identifier(table)} (${names}) VALUES (${sql.join(
            values(row).map((v) => sql`${v}`),
            sql`, `,
          )}) RETURNING id`,
        )
        newIds.get(table)!.set(Number(row[idAt]), Number(inserted.id))
      }
    }
    onProgress(0.4)

    // The other rows, streamed from the file again: bulk inserts, flushed after each chunk.
    const inserters: { add(values: unknown[]): void; flush(): Promise<void> }[] = []
    let current: { add: (row: Value[]) => void } | null = null
    let problem: unknown = null
    const total = PROJECT_TABLES.reduce((n, table) => n + counts[table], 0) || 1
    let done = 0
    const progress = () => onProgress(0.4 + (done / total) * 0.6)
    await eachLine(
      source,
      (text, lineNumber) => {
        if (lineNumber === 1 || problem) return
        const value = JSON.parse(text) as unknown
        if (Array.isArray(value)) {
          current?.add(value as Value[])
          if (++done % 1000 === 0) progress()
          return
        }
        const line = value as { table?: string; columns?: string[] }
        if (typeof line.table !== 'string' || !line.columns) return
        progress()
        const table = line.table as ProjectTable
        if (table === 'projects' || PARENTS.has(table)) {
          current = null
          return
        }
        const { columns, values } = remap(table, line.columns)
        const inserter = tx.dialect.rowInserter(table, columns)
        inserters.push(inserter)
        current = {
          add: (row) => {
            try {
              inserter.add(values(row))
            } catch (err) {
              problem ??= err
            }
          },
        }
      },
      async (fraction) => {
        for (const inserter of inserters) await inserter.flush()
        if (problem) throw problem
        if (fraction === 1) onProgress(1)
      },
    )
    // Who pushed it, on the project and in its activity; the kept headline of every generation.
    await tx.db
      .update(tx.t.projects)
      .set({ updatedBy: actorOf(tx), ...(existing ? {} : { createdBy: actorOf(tx) }) })
      .where(eq(tx.t.projects.id, serverProjectId))
    await headlineChanged(tx, newIds.get('generations')!.values())
    await recordAudit(tx, {
      projectId: serverProjectId,
      action: existing ? 'update' : 'create',
      entity: 'project',
      entityId: serverProjectId,
      summary: `pushed project "${name}" (${existing ? 'its contents replaced' : 'created'}): ${counts.generations} generation${counts.generations === 1 ? '' : 's'}, ${counts.benchmark_measurements} measurement${counts.benchmark_measurements === 1 ? '' : 's'}`,
    })
    return { projectUid: uid, serverProjectId, name, result: existing ? 'updated' : 'created', counts }
  })
}
