/**
 * Imports by path, into a real database from real files: a CSV streams from disk
 * (hashed as it is read, repeats refused by the database with the parser's words),
 * and a JSON results file above the size limit is refused before it is read.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_RESULTS_FILE_BYTES, runImport } from '../../src-main/services/imports'
import { openTempApp, storeContents } from '../support/tempDb'
import { rawSql } from '../support/sql'

let app: ReturnType<typeof openTempApp>
let dir: string
let generationId: number
beforeEach(async () => {
  app = openTempApp()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-import-stream-'))
  const p = (await rawSql(app.env).get<{ id: number }>("INSERT INTO projects (name) VALUES ('Stream') RETURNING id"))!
  generationId = (await rawSql(app.env).get<{ id: number }>(
    "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g1', '2024-01-01') RETURNING id",
    p.id,
  ))!.id
})
afterEach(async () => {
  app.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const write = (name: string, text: string) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}
const snapshot = () => storeContents(app.env)
const count = async () =>
  ((await rawSql(app.env).get('SELECT count(*) AS n FROM benchmark_measurements')) as { n: number }).n

describe('CSV import from a file', () => {
  it('streams rows across many chunks into the generation, and a second import of the file is a duplicate', async () => {
    const lines = ['benchmark,metric,baseline,aligned']
    for (let i = 0; i < 60_000; i++) lines.push(`task_${i},acc,${(i % 97) / 100},${(i % 89) / 100}`)
    const file = write('big.csv', lines.join('\n') + '\n') // over 1 MiB: several chunks
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024)
    const first = await runImport(app.env, {
      format: 'csv',
      fileName: 'big.csv',
      file,
      generationId,
      role: 'baseline',
      list: 'summary',
    })
    expect(first.imported).toBe(60_000)
    expect(await count()).toBe(60_000)
    const row = await rawSql(app.env).get(
      "SELECT baseline, aligned FROM benchmark_measurements WHERE benchmark = 'task_59999'",
    )
    expect(row).toEqual({ baseline: (59_999 % 97) / 100, aligned: (59_999 % 89) / 100 })
    // The hash computed while streaming is the file's SHA-256.
    const recorded = (await rawSql(app.env).get('SELECT sha256 FROM import_records')) as { sha256: string }
    expect(recorded.sha256).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'))

    const before = await snapshot()
    const again = await runImport(app.env, { format: 'csv', fileName: 'big.csv', file, generationId, role: 'baseline' })
    expect(again.duplicate).toBe(true)
    expect(again.skipped).toBe(60_000)
    expect(await snapshot()).toBe(before)
    const forced = await runImport(app.env, {
      format: 'csv',
      fileName: 'big.csv',
      file,
      generationId,
      role: 'baseline',
      force: true,
      list: 'summary',
    })
    expect(forced.imported).toBe(60_000)
  })

  it('refuses a pair repeated far apart, naming both lines, and writes nothing', async () => {
    const lines = ['benchmark,metric,value']
    for (let i = 0; i < 40_000; i++) lines.push(`t${i},acc,0.5`)
    lines.push('t7,acc,0.9')
    const file = write('dup.csv', lines.join('\n'))
    const before = await snapshot()
    await expect(
      runImport(app.env, { format: 'csv', fileName: 'dup.csv', file, generationId, role: 'baseline' }),
    ).rejects.toThrow('dup.csv: line 40002: benchmark "t7", metric "acc" repeats line 9')
    expect(await snapshot()).toBe(before)
  })

  it('refuses a repeat when the generation already has rows (the upsert path), writing nothing', async () => {
    await runImport(app.env, {
      format: 'csv',
      fileName: 'a.csv',
      file: write('a.csv', 'benchmark,metric,value\nmmlu,acc,0.5\n'),
      generationId,
      role: 'baseline',
    })
    const before = await snapshot()
    const file = write('b.csv', 'benchmark,metric,value\nmmlu,acc,0.4\narc,acc,0.3\nmmlu,acc,0.2\n')
    await expect(
      runImport(app.env, { format: 'csv', fileName: 'b.csv', file, generationId, role: 'aligned' }),
    ).rejects.toThrow('b.csv: line 4: benchmark "mmlu", metric "acc" repeats line 2')
    expect(await snapshot()).toBe(before)
    // Without the repeat, the aligned side fills in.
    const ok = write('c.csv', 'benchmark,metric,value\nmmlu,acc,0.4\narc,acc,0.3\n')
    expect(
      (await runImport(app.env, { format: 'csv', fileName: 'c.csv', file: ok, generationId, role: 'aligned' }))
        .imported,
    ).toBe(2)
    expect(
      await rawSql(app.env).get("SELECT baseline, aligned FROM benchmark_measurements WHERE benchmark='mmlu'"),
    ).toEqual({
      baseline: 0.5,
      aligned: 0.4,
    })
  })

  it('refuses a line over the limit, naming it, and writes nothing', async () => {
    const file = write('long.csv', `benchmark,metric,value\nmmlu,acc,0.5\n${'x'.repeat(3 * 1024 * 1024)},acc,1\n`)
    const before = await snapshot()
    await expect(
      runImport(app.env, { format: 'csv', fileName: 'long.csv', file, generationId, role: 'baseline' }),
    ).rejects.toThrow(/long\.csv: line 3: is longer than 1,048,576 characters/)
    expect(await snapshot()).toBe(before)
  })
})

describe('JSON results files', () => {
  it(`are refused above ${MAX_RESULTS_FILE_BYTES / 1024 / 1024} MiB before a byte is read`, async () => {
    // A sparse file: its size is real, its blocks are not written.
    const file = path.join(dir, 'huge.json')
    const fd = fs.openSync(file, 'w')
    fs.ftruncateSync(fd, MAX_RESULTS_FILE_BYTES + 1)
    fs.closeSync(fd)
    for (const format of ['lm-eval', 'inspect'] as const) {
      await expect(
        runImport(app.env, { format, fileName: 'huge.json', file, generationId, role: 'baseline' }),
      ).rejects.toThrow(/huge\.json: file: is 268,435,457 bytes, over the 256 MiB limit for .* results files/)
    }
    expect(await count()).toBe(0)
  })
})
