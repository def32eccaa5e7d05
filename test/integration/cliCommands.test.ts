/**
 * Every `atax` command's help, against what its parser accepts (the built binary, spawned),
 * and internal errors: a sentence with a reference, the stack only with ATAX_DEBUG=1.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { commands, runCli } from '../../src-main/cli/main'
import { tempDir } from '../support/tempDb'
import { runAtax } from '../support/atax'
import { onPg, storeArgs, testStore } from '../support/testStore'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const atax = (args: string[], env: Record<string, string> = {}) => runAtax(dir, args, { ATAX_DEBUG: '', ...env })

/** The flags a usage text names, `--db` and `--json` (global) aside. */
function flagsIn(usage: string): string[] {
  const flags = new Set([...usage.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]))
  flags.delete('db')
  flags.delete('json')
  return [...flags].sort()
}

// The help opens no store: the same on both, so it runs on SQLite only (once).
describe.skipIf(onPg)('atax help', () => {
  it('lists every command in `atax --help`', () => {
    const help = atax(['--help'])
    expect(help.code).toBe(0)
    expect(commands.length).toBeGreaterThan(15)
    const lines = help.stdout.split('\n')
    for (const c of commands) {
      const line = lines.find((l) => l.startsWith(`  ${c.words.join(' ')} `) && l.endsWith(` ${c.summary}`))
      expect(line, c.words.join(' ')).toBeDefined()
    }
  })

  it.each(commands.map((c) => [c.words.join(' '), c] as const))(
    '`atax %s --help`: the usage lists exactly the options its parser accepts, and opens no database',
    (words, command) => {
      const db = path.join(dir, `help-${words.replace(/ /g, '-')}.db`)
      const r = atax(['--db', db, ...command.words, '--help'])
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      expect(r.stdout.startsWith(`usage: atax [--db FILE] [--json] ${words}`)).toBe(true)
      expect(r.stdout).toContain(`${command.summary}.`)
      expect(fs.existsSync(db)).toBe(false)
      // The usage is the text before the first blank line; the help after it may mention flags of other commands.
      const usage = r.stdout.split('\n\n')[0]
      const accepted = Object.keys(command.parseOptions).sort()
      expect(flagsIn(usage)).toEqual(accepted)
      for (const p of command.positionals ?? []) expect(usage).toContain(p.value)
      // Each option the usage names is one the parser takes, written as the usage writes it.
      for (const name of accepted) {
        const value = /--[a-z-]+ ([^\s\]]+)/.exec(usage.slice(usage.indexOf(`--${name}`)))?.[1]
        const takesValue = command.parseOptions[name].type === 'string'
        const args = takesValue ? [`--${name}`, value ?? 'x'] : [`--${name}`]
        const parsed = parseArgs({ args, options: command.parseOptions, strict: true, allowPositionals: true })
        expect(parsed.values[name]).toBeDefined()
      }
      // And nothing else: an option the usage does not name is refused.
      const unknown = atax(['--db', db, ...command.words, '--not-an-option'])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toMatch(/--not-an-option/)
    },
  )

  it('shows a group of commands when only its first word is given', () => {
    const r = atax(['snapshot', '--help'])
    expect(r.code).toBe(0)
    for (const words of ['snapshot list', 'snapshot take', 'snapshot restore NAME'])
      expect(r.stdout).toContain(`usage: atax [--db FILE] [--json] ${words}`)
  })
})

describe('atax internal errors', () => {
  // A real internal fault: a database whose phases table someone dropped by hand.
  const db = path.join(dir, 'fault.db')
  const phaseAdd = [...storeArgs(db), 'phase', 'add', '--project', 'P', '--gen', 'G']
  const dates = ['--name', 'x', '--start', '2024-01-01', '--end', '2024-02-01']
  let broken = false
  async function brokenDatabase() {
    if (broken) return
    broken = true
    expect(atax([...storeArgs(db), 'project', 'add', 'P']).code).toBe(0)
    expect(
      atax([...storeArgs(db), 'gen', 'add', '--project', 'P', '--name', 'G', '--pretrained', '2024-01-01']).code,
    ).toBe(0)
    if (onPg) {
      const client = new pg.Client({ connectionString: testStore(db) })
      await client.connect()
      await client.query('DROP TABLE pipeline_phases CASCADE')
      await client.end()
      return
    }
    const raw = new Database(db)
    raw.pragma('foreign_keys = off')
    raw.exec('DROP TABLE pipeline_phases')
    raw.close()
  }

  it('in a request: a sentence with a reference, no stack, exit 1', async () => {
    await brokenDatabase()
    const r = atax([...phaseAdd, ...dates])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^atax: something went wrong inside the app and the request was not completed \(reference [0-9a-f]{8}; set ATAX_DEBUG=1 for the details\)\n$/,
    )
    expect(r.stderr).not.toMatch(/unexpected error|SqliteError|error: relation|pipeline_phases|\n\s+at /)
  })

  it('in a request, with ATAX_DEBUG=1: the stack under the same reference', async () => {
    await brokenDatabase()
    const r = atax([...phaseAdd, ...dates], { ATAX_DEBUG: '1' })
    expect(r.code).toBe(1)
    const reference = /reference ([0-9a-f]{8}); the details are above\)\n$/.exec(r.stderr)?.[1]
    expect(reference).toBeDefined()
    if (onPg) {
      // drizzle's "Failed query", then what PostgreSQL said, as its cause.
      expect(r.stderr).toContain(
        `[atax internal error ${reference}] Error: Failed query: insert into "pipeline_phases"`,
      )
      expect(r.stderr).toContain('caused by: error: relation "pipeline_phases" does not exist')
    } else {
      expect(r.stderr).toContain(`[atax internal error ${reference}] SqliteError: no such table: pipeline_phases`)
    }
    expect(r.stderr).toMatch(/\n\s+at /)
  })

  it('in the CLI itself: a sentence with a reference; the stack only with ATAX_DEBUG=1', async () => {
    // Standard output that fails (a closed pipe, a full disk) is an error atax does not expect.
    const run = async (env: NodeJS.ProcessEnv) => {
      let stderr = ''
      const code = await runCli(['tax', 'inference', '--policy', '0.1:4'], {
        stdout: () => {
          throw new TypeError('write EPIPE')
        },
        stderr: (t) => (stderr += t),
        stderrIsTty: false,
        env,
        cwd: dir,
      })
      return { code, stderr }
    }
    const plain = await run({})
    expect(plain.code).toBe(1)
    expect(plain.stderr).toMatch(
      /^atax: something went wrong inside atax and the command did not complete \(reference [0-9a-f]{8}; set ATAX_DEBUG=1 for the details\)\n$/,
    )
    const again = await run({})
    expect(again.stderr.match(/reference (\w+)/)![1]).not.toBe(plain.stderr.match(/reference (\w+)/)![1])

    const debug = await run({ ATAX_DEBUG: '1' })
    expect(debug.code).toBe(1)
    const reference = /reference ([0-9a-f]{8}); the details are above\)\n$/.exec(debug.stderr)?.[1]
    expect(reference).toBeDefined()
    expect(debug.stderr).toContain(`[atax internal error ${reference}] TypeError: write EPIPE`)
    expect(debug.stderr).toMatch(/\n\s+at /)
  })
})
