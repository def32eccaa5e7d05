/**
 * A write waiting on another process's lock must not freeze the app: in the app
 * (interactive) the wait is asynchronous, so reads are answered meanwhile, and the write
 * goes through once the lock is released. The lock holder is a second real connection.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openApp, type OpenApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { tempDir } from '../support/tempDb'

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f()
})

function setup(): { app: OpenApp; other: Database.Database } {
  const dir = tempDir()
  const file = path.join(dir, 'a.db')
  const app = openApp(file, 'web', { interactive: true })
  const other = new Database(file)
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  cleanup.push(() => app.close())
  cleanup.push(() => other.close())
  return { app, other }
}

describe('a write waiting on another process lock', () => {
  it('does not freeze reads, and is written once the lock is released', async () => {
    const { app, other } = setup()
    await dispatch(app.env, 'projects.create', { name: 'Existing' })
    other.prepare('BEGIN IMMEDIATE').run() // another process holds the write lock
    const order: string[] = []
    const write = dispatch(app.env, 'projects.create', { name: 'Waiting' }).then((r) => {
      order.push('write')
      return r
    })
    const read = await dispatch(app.env, 'projects.list', {})
    order.push('read')
    expect(read).toMatchObject({ ok: true, value: [{ name: 'Existing' }] })
    expect(order).toEqual(['read']) // answered while the write still waits
    other.prepare('COMMIT').run()
    expect(await write).toMatchObject({ ok: true, value: { name: 'Waiting' } })
    expect(order).toEqual(['read', 'write'])
  })

  it("the CLI (not interactive) keeps SQLite's own blocking busy timeout", () => {
    const dir = tempDir()
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const cli = openApp(path.join(dir, 'a.db'), 'desktop')
    cleanup.push(() => cli.close())
    expect(cli.env.retryBusyForMs).toBe(0)
    expect(cli.env.sqlite.pragma('busy_timeout', { simple: true })).toBe(20_000)
  })
})
