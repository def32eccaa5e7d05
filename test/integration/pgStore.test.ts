/**
 * The PostgreSQL store's opener against a real server (test/support/postgres.ts): migrations
 * from drizzle/pg/ make the schema, several openers at once do not race, errors say what is
 * wrong and where, and the CHECK constraints refuse what SQLite's refuse.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { eq, getTableName, is } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import { openPostgres, PostgresOpenError, redactUrl, type OpenedPostgres } from '../../src-main/db/pg/open'
import * as t from '../../src-main/db/pg/schema'
import {
  createTestDatabase,
  findPostgresBin,
  PASSWORD_USER,
  PASSWORD_USER_PASSWORD,
  SKIP_PG,
  testServerUrl,
  type TestDatabase,
} from '../support/postgres'

const describePg = SKIP_PG ? describe.skip : describe

describePg('PostgreSQL store: opening and migrations', () => {
  let database: TestDatabase
  let store: OpenedPostgres

  beforeAll(async () => {
    database = await createTestDatabase()
    store = await openPostgres(database.url)
  })
  afterAll(async () => {
    await store?.close()
    await database?.drop()
  })

  it('creates every table of the schema, with text in the C collation', async () => {
    const { rows } = await store.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    )
    // Every table the schema declares, and nothing else (the migrations' own table is in its own schema).
    const declared = Object.values(t)
      .filter((x) => is(x, PgTable))
      .map((table) => getTableName(table as PgTable))
    expect(declared.length).toBeGreaterThanOrEqual(15)
    expect(rows.map((r) => r.table_name)).toEqual(declared.sort())
    const { rows: collations } = await store.pool.query<{ collation_name: string | null }>(
      "SELECT DISTINCT collation_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text'",
    )
    expect(collations).toEqual([{ collation_name: 'C' }])
  })

  it('writes and reads through drizzle, numbers and booleans as SQLite gives them', async () => {
    const [project] = await store.db.insert(t.projects).values({ name: 'Pg project' }).returning()
    expect(project).toMatchObject({ id: expect.any(Number), name: 'Pg project', isSample: false, description: '' })
    expect(project!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const [gen] = await store.db
      .insert(t.generations)
      .values({ projectId: project!.id, ordinal: 0, name: 'G1', pretrainedOn: '2024-02-29', paramsB: 7.5 })
      .returning()
    expect(gen).toMatchObject({ paramsB: 7.5, techniqueChange: false, headlineMetrics: '{}' })
    const { rows } = await store.pool.query<{ n: number }>('SELECT count(*) AS n FROM generations')
    expect(rows[0]!.n).toBe(1)
    await store.db.delete(t.projects).where(eq(t.projects.id, project!.id))
    expect(await store.db.select().from(t.generations)).toEqual([])
  })

  it('orders text by code point, as SQLite does', async () => {
    const names = ['b', 'B', 'a', 'A', 'é', 'Z', '_', '1']
    await store.db.insert(t.projects).values(names.map((name) => ({ name: `order ${name}` })))
    const rows = await store.db.select({ name: t.projects.name }).from(t.projects).orderBy(t.projects.name)
    expect(rows.map((r) => r.name.slice(6))).toEqual([...names].sort())
    await store.pool.query("DELETE FROM projects WHERE name LIKE 'order %'")
  })

  it('opening again applies nothing, and several openers at once do not race', async () => {
    const again = await createTestDatabase()
    try {
      const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgres(again.url, { poolSize: 2 })))
      const { rows } = await stores[0]!.pool.query<{ n: number }>(
        'SELECT count(*) AS n FROM drizzle.__drizzle_migrations',
      )
      expect(rows[0]!.n).toBeGreaterThan(0)
      await Promise.all(stores.map((s) => s.close()))
      const reopened = await openPostgres(again.url)
      const { rows: after } = await reopened.pool.query<{ n: number }>(
        'SELECT count(*) AS n FROM drizzle.__drizzle_migrations',
      )
      expect(after[0]!.n).toBe(rows[0]!.n)
      await reopened.close()
    } finally {
      await again.drop()
    }
  })

  it('refuses a database written by a newer version of the app, and leaves it alone', async () => {
    const newer = await createTestDatabase()
    try {
      const s = await openPostgres(newer.url)
      await s.pool.query(
        "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)",
      )
      await s.close()
      await expect(openPostgres(newer.url)).rejects.toThrow(/newer version of the app.*not changed/)
    } finally {
      await newer.drop()
    }
  })

  describe('CHECK constraints refuse what SQLite refuses', () => {
    let projectId: number
    let generationId: number
    beforeAll(async () => {
      const [p] = await store.db.insert(t.projects).values({ name: 'Checks' }).returning()
      projectId = p!.id
      const [g] = await store.db
        .insert(t.generations)
        .values({ projectId, ordinal: 0, name: 'G', pretrainedOn: '2024-01-01' })
        .returning()
      generationId = g!.id
    })

    const refused = async (table: string, column: string, values: Record<string, unknown>) => {
      const cols = Object.keys(values)
      const sqlText = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`
      const err = await store.pool.query(sqlText, Object.values(values)).then(
        () => null,
        (e: unknown) => e as { code?: string; constraint?: string },
      )
      expect(err, `${table} ${JSON.stringify(values)}`).not.toBeNull()
      expect(err!.code).toBe('23514') // check_violation, never another error from inside a CHECK
      expect(err!.constraint).toBe(column)
    }
    const accepted = async (table: string, values: Record<string, unknown>) => {
      const cols = Object.keys(values)
      await store.pool.query(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        Object.values(values),
      )
    }

    it('names: not blank after JavaScript trim, at most N characters', async () => {
      await refused('projects', 'projects_name', { name: '   ' })
      await refused('projects', 'projects_name', { name: '\u00a0\u2003\ufeff\t' })
      await refused('projects', 'projects_name', { name: 'x'.repeat(201) })
      await accepted('projects', { name: 'é'.repeat(200) })
    })

    it('dates: real calendar days written YYYY-MM-DD', async () => {
      const gen = (pretrainedOn: string, name: string) => ({
        project_id: projectId,
        ordinal: 1,
        name,
        pretrained_on: pretrainedOn,
      })
      for (const [i, bad] of [
        '2023-02-29',
        '2024-13-01',
        '2024-04-31',
        '2024-00-10',
        '2024-01-00',
        '24-01-01',
        '2024-1-01',
        'x',
        '2024-01-01T00:00',
        '1900-02-29',
      ].entries()) {
        await refused('generations', 'generations_pretrained_on', gen(bad, `bad ${i}`))
      }
      for (const [i, good] of ['2024-02-29', '2000-02-29', '0000-02-29', '9999-12-31', '2023-12-31'].entries()) {
        await accepted('generations', gen(good, `good ${i}`))
      }
      await refused('generations', 'generations_deployed_on', {
        ...gen('2024-05-01', 'deployed early'),
        deployed_on: '2024-04-30',
      })
    })

    it('JSON: an object for headline metrics, an array for group paths', async () => {
      const gen = (headline: string, name: string) => ({
        project_id: projectId,
        ordinal: 1,
        name,
        pretrained_on: '2024-01-01',
        headline_metrics: headline,
      })
      await refused('generations', 'generations_headline_metrics', gen('[]', 'j1'))
      await refused('generations', 'generations_headline_metrics', gen('{', 'j2'))
      await refused('generations', 'generations_headline_metrics', gen('not json', 'j3'))
      await accepted('generations', gen('{"mmlu":"acc"}', 'j4'))
      const m = (groupPath: string, benchmark: string) => ({
        generation_id: generationId,
        benchmark,
        group_path: groupPath,
      })
      await refused('benchmark_measurements', 'benchmark_measurements_group_path', m('{"a":1}', 'b1'))
      await refused('benchmark_measurements', 'benchmark_measurements_group_path', m('["a"', 'b2'))
      await accepted('benchmark_measurements', m('["mmlu","mmlu_stem"]', 'b3'))
    })

    it('numbers: finite, in range; enumerations', async () => {
      const m = (values: Record<string, unknown>, benchmark: string) => ({
        generation_id: generationId,
        benchmark,
        ...values,
      })
      await refused('benchmark_measurements', 'benchmark_measurements_baseline', m({ baseline: 'Infinity' }, 'n1'))
      await refused('benchmark_measurements', 'benchmark_measurements_aligned', m({ aligned: 'NaN' }, 'n2'))
      await refused(
        'benchmark_measurements',
        'benchmark_measurements_baseline_stderr',
        m({ baseline_stderr: -1 }, 'n3'),
      )
      await refused('benchmark_measurements', 'benchmark_measurements_direction', m({ direction: 'sideways' }, 'n4'))
      await refused('benchmark_measurements', 'benchmark_measurements_shots', m({ shots: -1 }, 'n5'))
      await accepted('benchmark_measurements', m({ baseline: -1e300, aligned: 0.5 }, 'n6'))
      await refused('cost_items', 'cost_items_unit', {
        generation_id: generationId,
        category: 'compute',
        amount_usd: 1,
        quantity: 2,
      })
      await refused('cost_items', 'cost_items_category', {
        generation_id: generationId,
        category: 'lunch',
        amount_usd: 1,
      })
    })
  })
})

describePg('PostgreSQL store: errors say what is wrong and where', () => {
  it('a server that is not there', async () => {
    const port = await closedPort()
    const url = `postgres://atax:secret@127.0.0.1:${port}/atax`
    const err = await openPostgres(url, { connectTimeoutMs: 5000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PostgresOpenError)
    expect((err as Error).message).toMatch(
      new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused`),
    )
    expect((err as Error).message).not.toContain('secret')
    expect((err as PostgresOpenError).url).toBe(`postgres://atax:***@127.0.0.1:${port}/atax`)
  })

  it('a database that does not exist', async () => {
    const url = new URL(testServerUrl())
    url.pathname = '/no_such_db'
    await expect(openPostgres(url.toString())).rejects.toThrow(
      /database "no_such_db" does not exist on PostgreSQL at 127\.0\.0\.1:\d+; create it first/,
    )
  })

  it('a wrong password', async () => {
    const url = new URL(testServerUrl())
    url.username = PASSWORD_USER
    url.password = 'wrong-password'
    const err = (await openPostgres(url.toString()).catch((e: unknown) => e)) as Error
    expect(err.message).toMatch(
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:\\d+ refused user "${PASSWORD_USER}": wrong password`),
    )
    expect(err.message + JSON.stringify(err)).not.toContain('wrong-password')
    url.password = PASSWORD_USER_PASSWORD
    url.pathname = '/no_such_db'
    await expect(openPostgres(url.toString())).rejects.toThrow(/database "no_such_db" does not exist/)
  })

  it('a login the server refuses', async () => {
    // The test server trusts every local login; a role that may not log in is refused all the same.
    const admin = new pg.Client({ connectionString: testServerUrl() })
    await admin.connect()
    await admin.query('DROP ROLE IF EXISTS atax_nologin; CREATE ROLE atax_nologin NOLOGIN')
    await admin.end()
    const url = new URL(testServerUrl())
    url.username = 'atax_nologin'
    url.password = 'hunter2'
    const err = (await openPostgres(url.toString()).catch((e: unknown) => e)) as Error
    expect(err.message).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+ refused user "atax_nologin": .*not permitted to log in/)
    expect(err.message).not.toContain('hunter2')
  })

  it('a database not encoded UTF8', async () => {
    const admin = new pg.Client({ connectionString: testServerUrl() })
    await admin.connect()
    await admin.query('DROP DATABASE IF EXISTS atax_latin1')
    await admin.query("CREATE DATABASE atax_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    try {
      const url = new URL(testServerUrl())
      url.pathname = '/atax_latin1'
      await expect(openPostgres(url.toString())).rejects.toThrow(
        /database "atax_latin1" .* is encoded LATIN1; the app needs UTF8/,
      )
    } finally {
      await admin.query('DROP DATABASE IF EXISTS atax_latin1')
      await admin.end()
    }
  })

  it('passwords never appear in messages', () => {
    expect(redactUrl('postgres://u:p%40ss@h:1/db?password=x')).toBe('postgres://u:***@h:1/db?password=***')
  })
})

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

describe('the test server support', () => {
  it('finds no PostgreSQL where none is installed (the tests that need it then fail, saying to install it)', () => {
    if (process.env.ATAX_PG_BIN) return
    expect(findPostgresBin('/nonexistent')).toBeNull()
  })
})
