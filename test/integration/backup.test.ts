/**
 * The JSON backup on real database files: a restore gives an identical database,
 * keeps the id counters (so undo never attaches rows to a newcomer), and refuses
 * values the app could not read back, naming the cell and writing nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/handlers'
import { backupData, exportBackup, restoreBackup } from '../../src-main/services/backup'
import { loadSample } from '../../src-main/services/sample'
import { openTempApp } from '../support/tempDb'
import { rawSql } from '../support/sql'

const opened: ReturnType<typeof openTempApp>[] = []
const fresh = () => {
  const app = openTempApp()
  opened.push(app)
  return app
}
afterEach(async () => {
  for (const app of opened.splice(0)) app.close()
})

async function ok<T = any>(app: ReturnType<typeof openTempApp>, name: string, input: unknown): Promise<T> {
  const r = await dispatch(app.env, name, input)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value as T
}

describe('backup and restore', () => {
  it('restores an identical database, counters included', async () => {
    const a = fresh()
    await loadSample(a.env)
    const backup = (await exportBackup(a.env)).content
    const b = fresh()
    await restoreBackup(b.env, backup, 'b.json')
    expect(JSON.stringify(await backupData(b.env))).toBe(JSON.stringify(await backupData(a.env)))
    expect((await backupData(b.env)).sqlite_sequence.length).toBeGreaterThan(0)
  })

  it('never hands out an id that is waiting in the trash', async () => {
    const a = fresh()
    const p = await ok(a, 'projects.create', { name: 'P' })
    await ok(a, 'generations.create', { projectId: p.id, name: 'g1', pretrainedOn: '2024-01-01' })
    const g2 = await ok(a, 'generations.create', { projectId: p.id, name: 'g2', pretrainedOn: '2024-06-01' })
    const trashed = await ok(a, 'generations.delete', { id: g2.id })
    const b = fresh()
    await restoreBackup(b.env, (await exportBackup(a.env)).content, 'b.json')
    const other = await ok(b, 'projects.create', { name: 'Other' })
    const newcomer = await ok(b, 'generations.create', { projectId: other.id, name: 'new', pretrainedOn: '2024-01-01' })
    expect(newcomer.id).toBeGreaterThan(g2.id)
    await ok(b, 'trash.restore', { id: trashed.id })
    const restored = await ok(b, 'generations.list', { projectId: p.id })
    expect(restored.map((g: any) => [g.id, g.name])).toEqual([
      [g2.id - 1, 'g1'],
      [g2.id, 'g2'],
    ])
  })

  it.each([
    [
      'generations',
      'pretrained_on',
      'garbage',
      /tables\.generations\[0\]\.pretrained_on: must be a real date.*"garbage"/,
    ],
    [
      'cost_items',
      'amount_usd',
      'lots',
      /tables\.cost_items\[0\]\.amount_usd: amount \(USD\) must be a number, got "lots"/,
    ],
    [
      'benchmark_measurements',
      'direction',
      'sideways',
      /tables\.benchmark_measurements\[0\]\.direction: direction must be 'higher' or 'lower', got "sideways"/,
    ],
    ['policy_rows', 'fraction', 1.5, /tables\.policy_rows\[0\]\.fraction: fraction must be between 0 and 1, got 1\.5/],
  ])('refuses %s.%s = %j, naming the cell, and changes nothing', async (table, column, value, message) => {
    const a = fresh()
    await loadSample(a.env)
    const doc = JSON.parse((await exportBackup(a.env)).content)
    doc.tables[table][0][column] = value
    const b = fresh()
    const p = await rawSql(b.env).get("INSERT INTO projects (name) VALUES ('kept') RETURNING id")
    const before = JSON.stringify(await backupData(b.env))
    await expect(restoreBackup(b.env, JSON.stringify(doc), 'bad.json')).rejects.toThrow(message)
    expect(JSON.stringify(await backupData(b.env))).toBe(before)
    expect(p).toBeDefined()
  })
})
