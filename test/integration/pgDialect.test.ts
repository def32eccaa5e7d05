/**
 * The PostgreSQL dialect (src-main/db/dialects/postgres.ts) against a real server: each piece
 * of raw SQL answers as SQLite's does (numbers, 1/0 booleans, code-point order, ASCII-only case
 * folding), bulk writes keep order and report errors, id counters never go back, a consistent
 * read is one moment, and the data-changed token changes with every commit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getTableColumns, sql } from 'drizzle-orm'
import * as pgSchema from '../../src-main/db/pg/schema'
import { openPostgres, type OpenedPostgres } from '../../src-main/db/pg/open'
import {
  MEASUREMENT_BATCH_ROWS,
  postgresContext,
  postgresDialect,
  postgresTransaction,
} from '../../src-main/db/dialects/postgres'
import type { ServiceContext } from '../../src-main/services/context'
import type { Dialect, MeasurementInsert } from '../../src-main/db/dialects/types'
import { createTestDatabase, SKIP_PG, type TestDatabase } from '../support/postgres'

const describePg = SKIP_PG ? describe.skip : describe

describePg('PostgreSQL dialect', () => {
  let database: TestDatabase
  let store: OpenedPostgres
  let d: Dialect
  let projectId: number
  let generationId: number

  beforeAll(async () => {
    database = await createTestDatabase()
    store = await openPostgres(database.url)
    d = postgresDialect({ client: store.pool, inTransaction: false, storeKey: store.pool })
  })
  afterAll(async () => {
    await store?.close()
    await database?.drop()
  })
  beforeEach(async () => {
    await store.pool.query('TRUNCATE projects, trash, settings RESTART IDENTITY CASCADE')
    const p = await store.pool.query<{ id: number }>(
      "INSERT INTO projects (name, is_sample) VALUES ('P', true) RETURNING id",
    )
    projectId = p.rows[0]!.id
    const g = await store.pool.query<{ id: number }>(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES ($1, 0, 'G', '2024-01-01') RETURNING id",
      [projectId],
    )
    generationId = g.rows[0]!.id
  })

  const row = (benchmark: string, values: Partial<MeasurementInsert> = {}): MeasurementInsert => ({
    benchmark,
    metric: 'acc',
    shots: null,
    baseline: null,
    aligned: null,
    baselineStderr: null,
    alignedStderr: null,
    ...values,
  })
  const importRecord = async () =>
    (
      await store.pool.query<{ id: number }>(
        "INSERT INTO import_records (project_id, generation_id, file_name, sha256, format) VALUES ($1, $2, 'f.csv', 'x', 'csv') RETURNING id",
        [projectId, generationId],
      )
    ).rows[0]!.id

  it('rows, arrays and run answer as SQLite does: numbers, booleans as 1/0', async () => {
    expect(
      await d.rows(sql`SELECT id, is_sample AS "isSample", ${d.int(sql`count(*) OVER ()`)} AS n FROM projects`),
    ).toEqual([{ id: projectId, isSample: 1, n: 1 }])
    expect(await d.rows(sql`SELECT count(*) AS n, sum(id) AS s FROM projects`)).toEqual([{ n: 1, s: projectId }])
    expect(await d.arrays(sql`SELECT id, is_sample, name FROM projects`)).toEqual([[projectId, 1, 'P']])
    expect(await d.run(sql`UPDATE projects SET description = ${'d'} WHERE id = ${projectId}`)).toBe(1)
  })

  it('JSON group paths, the unit separator and case folding', async () => {
    await store.pool.query(
      `INSERT INTO benchmark_measurements (generation_id, benchmark, group_path) VALUES
         ($1, 'mmlu_anatomy', '["mmlu","mmlu_stem"]'), ($1, 'Zeta', '["b"]'), ($1, 'éclair', NULL), ($1, 'ÉCLAIR', NULL)`,
      [generationId],
    )
    expect(
      await d.rows(
        sql`SELECT ${d.firstGroup(sql`group_path`)} AS g FROM benchmark_measurements WHERE group_path IS NOT NULL ORDER BY 1`,
      ),
    ).toEqual([{ g: 'b' }, { g: 'mmlu' }])
    expect(
      await d.rows(
        sql`SELECT m.benchmark, j.value FROM benchmark_measurements m, ${d.jsonElements(sql`m.group_path`, 'j')} ORDER BY m.benchmark, j.value`,
      ),
    ).toEqual([
      { benchmark: 'Zeta', value: 'b' },
      { benchmark: 'mmlu_anatomy', value: 'mmlu' },
      { benchmark: 'mmlu_anatomy', value: 'mmlu_stem' },
    ])
    expect(
      await d.rows(
        sql`SELECT benchmark FROM benchmark_measurements m WHERE EXISTS (SELECT 1 FROM ${d.jsonElements(sql`m.group_path`, 'j')} WHERE j.value = ${'mmlu_stem'})`,
      ),
    ).toEqual([{ benchmark: 'mmlu_anatomy' }])
    expect(await d.rows(sql`SELECT ${d.unitSeparator()} AS us`)).toEqual([{ us: '\u001f' }])
    // SQLite's LIKE folds ASCII letters only: 'z%' finds Zeta, 'éclair' does not find ÉCLAIR.
    const like = async (pattern: string) =>
      (
        await d.rows<{ benchmark: string }>(
          sql`SELECT benchmark FROM benchmark_measurements WHERE ${d.likeFolded(sql`benchmark`, pattern)} ORDER BY benchmark`,
        )
      ).map((r) => r.benchmark)
    expect(await like('z%')).toEqual(['Zeta'])
    expect(await like('éclair')).toEqual(['éclair'])
    expect(await like('MMLU\\_%')).toEqual(['mmlu_anatomy'])
    expect(await like('mmlu\\%')).toEqual([])
  })

  it('recognises unique violations', async () => {
    const err = await store.pool.query("INSERT INTO projects (name) VALUES ('P')").catch((e: unknown) => e)
    expect(d.isUniqueViolation(err)).toBe(true)
    expect(d.isUniqueViolation(new Error('other'))).toBe(false)
    expect(d.isUniqueViolation(Object.assign(new Error('wrapped'), { cause: err }))).toBe(true)
  })

  it('the data-changed token changes with every commit, from any connection, and not otherwise', async () => {
    const a = await d.dataVersion()
    expect(a).toEqual(expect.any(String))
    expect(await d.dataVersion()).toBe(a)
    await store.pool.query("UPDATE projects SET description = 'x'")
    const b = await d.dataVersion()
    expect(b).not.toBe(a)
    expect(await d.dataVersion()).toBe(b)
    await postgresTransaction(store.pool, false, async (client) => {
      const inTx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
      expect(await inTx.dataVersion()).toBeNull()
    })
  })

  it('a consistent read is one moment while another connection commits', async () => {
    const seen = await d.readConsistently(async () => {
      const before = await d.rows<{ n: number }>(sql`SELECT count(*) AS n FROM projects`)
      await store.pool.query("INSERT INTO projects (name) VALUES ('during')") // another connection, committed
      const after = await d.rows<{ n: number }>(sql`SELECT count(*) AS n FROM projects`)
      return [before[0]!.n, after[0]!.n]
    })
    expect(seen).toEqual([1, 1])
    expect(await d.rows(sql`SELECT count(*) AS n FROM projects`)).toEqual([{ n: 2 }])
  })

  it('transactions roll back, savepoints roll back alone', async () => {
    await expect(
      postgresTransaction(store.pool, false, async (client) => {
        await client.query("INSERT INTO projects (name) VALUES ('gone')")
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    await postgresTransaction(store.pool, false, async (client) => {
      await client.query("INSERT INTO projects (name) VALUES ('kept')")
      await postgresTransaction(client, true, async (c) => {
        await c.query("INSERT INTO projects (name) VALUES ('inner')")
        throw new Error('inner')
      }).catch(() => {})
    })
    const names = (await store.pool.query<{ name: string }>('SELECT name FROM projects ORDER BY name')).rows.map(
      (r) => r.name,
    )
    expect(names).toEqual(['P', 'kept'])
  })

  describe('measurement writer', () => {
    it('plain inserts in batches, in order, a repeated pair refused as a unique violation', async () => {
      const importId = await importRecord()
      await postgresTransaction(store.pool, false, async (client) => {
        const tx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
        const w = await tx.measurementWriter(generationId, importId)
        expect(w.plainInserts).toBe(true)
        const n = MEASUREMENT_BATCH_ROWS * 2 + 7
        for (let i = 0; i < n; i++) {
          const r = row(`b${i}`, { baseline: i, aligned: i + 0.5, shots: 5 })
          expect(w.write(r, 'higher', i % 2 ? '["g"]' : null)).toBe(r)
        }
        let refused: unknown
        try {
          w.write(row('b3'), 'higher', null)
        } catch (err) {
          refused = err
        }
        expect(tx.isUniqueViolation(refused)).toBe(true)
        await w.flush()
      })
      const { rows } = await store.pool.query<{ n: number; s: number; first: number }>(
        "SELECT count(*) AS n, sum(baseline) AS s, min(id) AS first FROM benchmark_measurements WHERE source = 'import'",
      )
      expect(rows[0]!.n).toBe(MEASUREMENT_BATCH_ROWS * 2 + 7)
      const order = await store.pool.query<{ benchmark: string }>(
        'SELECT benchmark FROM benchmark_measurements ORDER BY id LIMIT 3',
      )
      expect(order.rows.map((r) => r.benchmark)).toEqual(['b0', 'b1', 'b2'])
    })

    it('into a generation with rows: upserts that keep the side the import does not bring', async () => {
      await store.pool.query(
        "INSERT INTO benchmark_measurements (generation_id, benchmark, metric, baseline, baseline_stderr, source) VALUES ($1, 'a', 'acc', 0.5, 0.01, 'import')",
        [generationId],
      )
      const importId = await importRecord()
      await postgresTransaction(store.pool, false, async (client) => {
        const tx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
        const w = await tx.measurementWriter(generationId, importId)
        expect(w.plainInserts).toBe(false)
        expect(w.write(row('a', { aligned: 0.4, alignedStderr: 0.02 }), 'higher', null)).toEqual({
          baseline: 0.5,
          aligned: 0.4,
        })
        expect(w.write(row('new', { aligned: 0.7 }), 'higher', null)).toEqual({ baseline: null, aligned: 0.7 })
        expect(w.write(row('a', { aligned: 0.9 }), 'higher', null)).toBeUndefined() // the file repeats a pair
        await w.flush()
      })
      const { rows } = await store.pool.query(
        'SELECT benchmark, baseline, aligned, baseline_stderr, aligned_stderr, import_id FROM benchmark_measurements ORDER BY benchmark',
      )
      expect(rows).toEqual([
        {
          benchmark: 'a',
          baseline: 0.5,
          aligned: 0.4,
          baseline_stderr: 0.01,
          aligned_stderr: 0.02,
          import_id: importId,
        },
        {
          benchmark: 'new',
          baseline: null,
          aligned: 0.7,
          baseline_stderr: null,
          aligned_stderr: null,
          import_id: importId,
        },
      ])
    })

    it('a row the CHECKs refuse fails the flush, and the transaction', async () => {
      const importId = await importRecord()
      await expect(
        postgresTransaction(store.pool, false, async (client) => {
          const tx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
          const w = await tx.measurementWriter(generationId, importId)
          w.write(row('ok', { baseline: 1 }), 'higher', null)
          w.write(row('bad', { baseline: -1, baselineStderr: -1 }), 'higher', null)
          await w.flush()
        }),
      ).rejects.toThrow(/benchmark_measurements_baseline_stderr/)
      expect((await store.pool.query('SELECT 1 FROM benchmark_measurements')).rows).toEqual([])
    })
  })

  describe('backups and restores', () => {
    it('columns, tables read in key order with booleans as 1/0, streamed past one fetch', async () => {
      // In the table's order: the first migration's columns, then those later ones added.
      const columns0 = await d.tableColumns('projects')
      expect(columns0.slice(0, 8)).toEqual([
        'id',
        'name',
        'description',
        'is_sample',
        'archived_at',
        'deleted_at',
        'created_at',
        'updated_at',
      ])
      expect([...columns0].sort()).toEqual(
        Object.values(getTableColumns(pgSchema.projects))
          .map((c) => c.name)
          .sort(),
      )
      const values = Array.from({ length: 5200 }, (_, i) => `(${generationId}, 'b${i}')`).join(', ')
      await store.pool.query(`INSERT INTO benchmark_measurements (generation_id, benchmark) VALUES ${values}`)
      const projects: unknown[][] = []
      let columns: string[] = []
      await d.readTable('projects', (cols) => {
        columns = cols
        return (v) => projects.push(v)
      })
      expect(columns[3]).toBe('is_sample')
      expect(projects[0]![3]).toBe(1)
      let count = 0
      let last = 0
      await d.readConsistently(() =>
        d.readTable('benchmark_measurements', () => (v) => {
          expect(v[0]).toBeGreaterThan(last)
          last = v[0] as number
          count++
        }),
      )
      expect(count).toBe(5200)
      await store.pool.query("INSERT INTO settings (key, value) VALUES ('b', '2'), ('a', '1')")
      const settings: unknown[][] = []
      await d.readTable('settings', () => (v) => settings.push(v))
      expect(settings).toEqual([
        ['a', '1'],
        ['b', '2'],
      ])
    })

    it('id counters: read, never lowered, raised past the ids a restore writes', async () => {
      expect(await d.idCounters()).toEqual([
        { name: 'generations', seq: generationId },
        { name: 'projects', seq: projectId },
      ])
      await d.clearIdCounters()
      await postgresTransaction(store.pool, false, async (client) => {
        const tx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
        await tx.run(sql`DELETE FROM projects`)
        const insert = tx.rowInserter('projects', ['id', 'name', 'is_sample'])
        for (let i = 1; i <= 2500; i++) insert.add([i * 2, `p${i}`, i % 2])
        const trash = tx.rowInserter('trash', ['id', 'kind', 'label', 'payload'])
        trash.add([40, 'cost', 'a cost', '{}'])
        await insert.flush()
        await trash.flush()
        await tx.raiseIdCounters([
          { name: 'trash', seq: 99 },
          { name: 'projects', seq: 10 }, // below the ids written: the ids win
          { name: 'no_such_table', seq: 5 },
        ])
        expect(await tx.foreignKeyProblems()).toEqual([])
      })
      const counters = Object.fromEntries((await d.idCounters()).map((c) => [c.name, c.seq]))
      expect(counters).toMatchObject({ projects: 5000, trash: 99 })
      const next = await store.pool.query<{ id: number }>("INSERT INTO projects (name) VALUES ('next') RETURNING id")
      expect(next.rows[0]!.id).toBe(5001)
      expect((await store.pool.query('SELECT count(*)::int AS n FROM projects WHERE is_sample')).rows[0]).toEqual({
        n: 1250,
      })
    })

    it('a restored row whose parent is missing fails its insert', async () => {
      await expect(
        postgresTransaction(store.pool, false, async (client) => {
          const tx = postgresDialect({ client, inTransaction: true, storeKey: store.pool })
          const insert = tx.rowInserter('generations', ['id', 'project_id', 'ordinal', 'name', 'pretrained_on'])
          insert.add([500, 9999, 0, 'orphan', '2024-01-01'])
          await insert.flush()
        }),
      ).rejects.toThrow(/foreign key/)
    })

    it('keeps no snapshots or copies: those are the SQLite file store', async () => {
      expect(d.canSnapshot()).toBe(false)
      expect(await d.copyBeforeRestore()).toBeNull()
      await expect(d.copyInto('/tmp/x')).rejects.toThrow(/pg_dump/)
    })
  })
})

describePg('PostgreSQL services context', () => {
  let database: TestDatabase
  let store: OpenedPostgres
  let ctx: ServiceContext

  beforeAll(async () => {
    database = await createTestDatabase()
    store = await openPostgres(database.url)
    ctx = postgresContext(store.pool, store.db)
  })
  afterAll(async () => {
    await store?.close()
    await database?.drop()
  })
  const names = async () =>
    (await ctx.db.select({ name: ctx.t.projects.name }).from(ctx.t.projects).orderBy(ctx.t.projects.name)).map(
      (r) => r.name,
    )

  it('a transaction is atomic through the context it gives and through the outer one alike', async () => {
    await expect(
      ctx.transaction(async (tx) => {
        await tx.db.insert(tx.t.projects).values({ name: 'via tx' })
        await ctx.db.insert(ctx.t.projects).values({ name: 'via outer ctx' })
        await ctx.dialect.run(sql`INSERT INTO projects (name) VALUES ('via outer dialect')`)
        expect(await tx.dialect.rows(sql`SELECT count(*) AS n FROM projects`)).toEqual([{ n: 3 }])
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await names()).toEqual([])
  })

  it('a transaction inside one is a savepoint of it, whichever context opens it', async () => {
    await ctx.transaction(async () => {
      await ctx.db.insert(ctx.t.projects).values({ name: 'outer' })
      await ctx
        .transaction(async (inner) => {
          await inner.db.insert(inner.t.projects).values({ name: 'inner' })
          throw new Error('inner only')
        })
        .catch(() => {})
      await ctx.transaction(async (inner) => {
        await inner.db.insert(inner.t.projects).values({ name: 'inner kept' })
      })
    })
    expect(await names()).toEqual(['inner kept', 'outer'])
  })

  it('other requests meanwhile do not see or join a transaction', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let entered!: () => void
    const inside = new Promise<void>((r) => (entered = r))
    const tx = ctx.transaction(async () => {
      await ctx.db.insert(ctx.t.projects).values({ name: 'uncommitted' })
      entered()
      await held
    })
    await inside
    expect(await names()).not.toContain('uncommitted') // another request: the pool, not the transaction
    expect(await ctx.dialect.dataVersion()).toEqual(expect.any(String))
    release()
    await tx
    expect(await names()).toContain('uncommitted')
  })
})
