/**
 * The streaming backup (JSON Lines, version 2) on real files: written and restored
 * through the handler table with the file given by path, identical afterwards;
 * checked whole before anything is replaced; version-1 backups still restore.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import { backupData, exportBackup } from '../../src-main/services/backup'
import { openTempApp } from '../support/tempDb'
import { rawSql } from '../support/sql'

let source: ReturnType<typeof openTempApp>
let target: ReturnType<typeof openTempApp>
beforeEach(async () => {
  source = openTempApp()
  target = openTempApp()
  expect(await dispatch(source.env, 'sample.load', {})).toMatchObject({ ok: true })
  // Something in the trash too: a marked generation travels with its mark.
  const gens = (await rawSql(source.env).all('SELECT id FROM generations ORDER BY id')) as { id: number }[]
  expect(await dispatch(source.env, 'generations.delete', { id: gens[0].id })).toMatchObject({ ok: true })
  expect(await dispatch(target.env, 'projects.create', { name: 'Will be replaced' })).toMatchObject({ ok: true })
})
afterEach(async () => {
  source.close()
  target.close()
})

const exportTo = async (file: string) => dispatch({ ...source.env, outputFile: file }, 'backup.export', {})
const restoreFrom = (file: string, onProgress?: (f: number) => void) =>
  dispatch({ ...target.env, inputFile: file, onProgress }, 'backup.restore', { fileName: path.basename(file) })
const data = async (app: typeof source) => JSON.stringify(await backupData(app.env))

describe('streaming backup', () => {
  it('writes JSON Lines and restores them to an identical database, with progress', async () => {
    const file = path.join(source.dir, 'backup.jsonl')
    expect(await exportTo(file)).toMatchObject({ ok: true, value: { savedTo: file, content: '' } })
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'alignment-tax-planner-backup', version: 2 })
    expect(JSON.parse(lines[1])).toMatchObject({ table: 'projects', columns: expect.arrayContaining(['id', 'name']) })
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: true })
    const fractions: number[] = []
    expect(await restoreFrom(file, (f) => fractions.push(f))).toEqual({ ok: true, value: { projects: 1 } })
    expect(await data(target)).toBe(await data(source))
    expect(fractions.at(-1)).toBe(1)
    expect(new Set(fractions).size).toBeGreaterThanOrEqual(2)
  })

  it('refuses a bad value or a truncated file, saying where, before replacing anything', async () => {
    const file = path.join(source.dir, 'backup.jsonl')
    await exportTo(file)
    const before = await data(target)
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n')
    const header = lines.findIndex((l) => l.startsWith('{"table":"benchmark_measurements"'))
    const columns = JSON.parse(lines[header]).columns as string[]
    const row = JSON.parse(lines[header + 1]) as unknown[]
    row[columns.indexOf('direction')] = 'sideways'
    const bad = path.join(source.dir, 'bad.jsonl')
    fs.writeFileSync(bad, [...lines.slice(0, header + 1), JSON.stringify(row), ...lines.slice(header + 2)].join('\n'))
    const refused = await restoreFrom(bad)
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-data' } })
    expect((refused as { error: { message: string } }).error.message).toMatch(
      new RegExp(
        `bad\\.jsonl: line ${header + 2}: tables\\.benchmark_measurements\\[0\\]\\.direction: direction must be`,
      ),
    )
    const truncated = path.join(source.dir, 'truncated.jsonl')
    fs.writeFileSync(truncated, lines.slice(0, -5).join('\n'))
    expect(await restoreFrom(truncated)).toMatchObject({ ok: false, error: { message: /ends before its end line/ } })
    expect(await data(target)).toBe(before)
  })

  it('still restores an old single-JSON backup (version 1), by path or as base64', async () => {
    const old = await exportBackup(source.env)
    expect(JSON.parse(old.content)).toMatchObject({ version: 1 })
    const file = path.join(source.dir, 'old-backup.json')
    fs.writeFileSync(file, old.content)
    expect(await restoreFrom(file)).toEqual({ ok: true, value: { projects: 1 } })
    expect(await data(target)).toBe(await data(source))
    const base64 = await dispatch(target.env, 'backup.restore', {
      fileName: 'old-backup.json',
      contentBase64: Buffer.from(old.content).toString('base64'),
    })
    expect(base64).toEqual({ ok: true, value: { projects: 1 } })
  })
})
