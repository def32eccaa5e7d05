/**
 * The engine host on a real store (a SQLite file, or PostgreSQL in the integration-pg run), through real worker threads: a read is
 * answered while an import is still running, progress arrives in steps, a
 * cancelled import leaves the database exactly as it was, and a worker that dies is
 * replaced.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEngineHost, type EngineHost } from '../../src-main/engine/host'
import { appVersion } from '../../src-main/app'
import { tempDir } from '../support/tempDb'
import { bigCsv } from '../support/bigCsv'
import { onPg, testStore } from '../support/testStore'

let dir: string
let host: EngineHost
let generationId: number
beforeEach(async () => {
  dir = tempDir()
  // A SQLite file, or a fresh PostgreSQL database (the worker threads open its URL).
  host = await startEngineHost({ dbFile: testStore(path.join(dir, 'host.db')), version: appVersion(), mode: 'web' })
  const project = await host.request('projects.create', { name: 'Host' })
  expect(project.ok).toBe(true)
  const generation = await host.request('generations.create', {
    projectId: (project as { value: { id: number } }).value.id,
    name: 'g1',
    pretrainedOn: '2024-01-01',
  })
  expect(generation).toMatchObject({ ok: true })
  generationId = (generation as { value: { id: number } }).value.id
})
afterEach(async () => {
  await host.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const importInput = (bytes: Buffer) => ({
  format: 'csv',
  fileName: 'big.csv',
  contentBase64: bytes.toString('base64'),
  generationId,
  role: 'baseline',
  list: 'summary',
})

describe('engine host', () => {
  it('answers a read while an import is in progress, and reports progress in steps', async () => {
    const order: string[] = []
    const fractions: number[] = []
    let readWhileImporting: Promise<unknown> | null = null
    const imported = host
      .request('imports.run', importInput(bigCsv(200_000)), {
        onProgress: (fraction) => {
          fractions.push(fraction)
          // The first progress message proves the import is under way: ask for a list now.
          readWhileImporting ??= host.request('projects.list', {}).then((r) => {
            order.push('read')
            return r
          })
        },
      })
      .then((r) => {
        order.push('import')
        return r
      })
    const result = await imported
    expect(result).toMatchObject({ ok: true, value: { imported: 200_000 } })
    expect(readWhileImporting).not.toBeNull()
    expect(await readWhileImporting).toMatchObject({ ok: true, value: [{ name: 'Host' }] })
    expect(order).toEqual(['read', 'import'])
    expect(new Set(fractions).size).toBeGreaterThanOrEqual(2)
    expect(fractions.at(-1)).toBe(1)
  })

  it('a cancelled import writes nothing', async () => {
    const before = await host.request('generations.get', { id: generationId })
    const cancel = new AbortController()
    const result = await host.request('imports.run', importInput(bigCsv(200_000)), {
      signal: cancel.signal,
      onProgress: (fraction) => {
        if (fraction > 0 && fraction < 1) cancel.abort()
      },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(await host.request('generations.get', { id: generationId })).toEqual(before)
    expect(await host.request('imports.list', { projectId: 1 })).toEqual({ ok: true, value: [] })
    const page = await host.request('measurements.page', { generationId })
    expect(page).toMatchObject({ ok: true, value: { total: 0 } })
  })

  it('streams a backup into the file the door names (the desktop save dialog), never through the caller', async () => {
    const file = path.join(dir, 'saved.jsonl')
    const fractions: number[] = []
    const saved = await host.request('backup.export', {}, { output: file, onProgress: (f) => fractions.push(f) })
    expect(saved).toMatchObject({ ok: true, value: { content: '', savedTo: file } })
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(JSON.parse(lines[0])).toMatchObject({ version: 2 })
    expect(lines.some((l) => l.includes('"Host"'))).toBe(true)
    expect(fractions.at(-1)).toBe(1)
  })

  it('restarts a worker that dies: the request it held answers an error, nothing is half-written, the next works', async () => {
    // The writer is ended in the middle of an import (as a crash would end it).
    let killed: Promise<void> | null = null
    const result = await host.request('imports.run', importInput(bigCsv(200_000)), {
      onProgress: (fraction) => {
        if (fraction > 0 && fraction < 1) killed ??= host.terminateWorker('writer')
      },
    })
    expect(killed).not.toBeNull()
    await killed
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect((result as { error: { message: string } }).error.message).toMatch(/engine stopped.*restarted: try again/)
    // The next write starts a new writer; the import had not committed, so nothing of it is there.
    expect(await host.request('measurements.page', { generationId })).toMatchObject({ ok: true, value: { total: 0 } })
    const again = await host.request('imports.run', importInput(bigCsv(1_000)))
    expect(again).toMatchObject({ ok: true, value: { imported: 1_000 } })

    // The reader too; requests that arrive together share one restart.
    await host.terminateWorker('reader')
    const [list, page] = await Promise.all([
      host.request('projects.list', {}),
      host.request('measurements.page', { generationId }),
    ])
    expect(list).toMatchObject({ ok: true, value: [{ name: 'Host' }] })
    expect(page).toMatchObject({ ok: true, value: { total: 1_000 } })
  })

  // SQLite only: a damaged file (a PostgreSQL store has no file).
  it.skipIf(onPg)('refuses to start on a file that is not a database, saying which', async () => {
    const bad = path.join(dir, 'not-a-db.db')
    fs.writeFileSync(bad, 'hello, this is not SQLite '.repeat(100))
    await expect(startEngineHost({ dbFile: bad, version: '0', mode: 'web' })).rejects.toThrow(/not-a-db\.db/)
  })
})
