/**
 * The `atax` CLI: training pipelines log into the same database as the app, and
 * anyone can compute a tax from the shell. Every database command goes through the
 * handler table (`dispatch`), so it is validated exactly like the UI's requests.
 *
 * This file holds the global flags, the help, the dispatch to a command and the mapping
 * of errors to exit codes; each command is declared once in ./commands/ (see ./command.ts).
 *
 * Exit codes: 0 success, 1 invalid data (nothing written), 2 usage error, 3 database busy (retry).
 */
import { randomBytes } from 'node:crypto'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { TaxInputError } from '../../src-shared/tax'
import type { OpenApp } from '../app'
import { resolveDbFile } from '../paths'
import {
  BusyError,
  DataError,
  inputOf,
  UsageError,
  type Command,
  type CommandContext,
  type Globals,
  type Io,
} from './command'
import { commands } from './commands'
import { parseNumber } from './commands/common'

export { BusyError, DataError, UsageError, commands, type Command, type CommandContext, type Io }

// ---- help ----

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length))
  return [
    'atax — Alignment Tax Planner on the command line',
    '',
    'usage: atax [--db FILE | --store URL] [--json] <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)} ${c.summary}`),
    '',
    'global options:',
    "  --db FILE   the database file (default: $ATAX_DB, else the desktop app's own file)",
    '  --store URL the store: a database file, as --db (a team server names its store this way)',
    '  --json      print JSON on standard output (numbers unrounded)',
    '  --help      this help; `atax <command> --help` for one command',
    '',
    'exit codes: 0 success, 1 invalid data (nothing written), 2 usage error, 3 database busy (nothing written, retry)',
  ].join('\n')
}

export function commandHelp(c: Command): string {
  return [`usage: atax [--db FILE] [--json] ${c.usage}`, '', c.summary + '.', ...(c.help ? ['', c.help] : [])].join(
    '\n',
  )
}

// ---- entry ----

/**
 * An internal error's details (its stack) go to stderr under its reference only with
 * ATAX_DEBUG=1: they help a bug report, not a user. Returns where the details are.
 */
function logInternalError(io: Io): (reference: string, err: unknown) => string {
  return (reference, err) => {
    if (!io.env.ATAX_DEBUG) return 'set ATAX_DEBUG=1 for the details'
    io.stderr(`[atax internal error ${reference}] ${(err as Error)?.stack ?? String(err)}\n`)
    return 'the details are above'
  }
}

function splitGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = { json: false, help: false }
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') globals.json = true
    else if (a === '--help' || a === '-h') globals.help = true
    else if (a === '--db') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError('--db needs a FILE')
      globals.db = argv[++i]
      if (globals.db === '') throw new UsageError('--db needs a FILE, not an empty string')
    } else if (a.startsWith('--db=')) {
      globals.db = a.slice(5)
      if (globals.db === '') throw new UsageError('--db needs a FILE, not an empty string')
    } else if (a === '--store' || a.startsWith('--store=')) {
      const value = a === '--store' ? argv[++i] : a.slice('--store='.length)
      if (value === undefined || value === '' || (a === '--store' && value.startsWith('--')))
        throw new UsageError('--store needs a URL (a database file)')
      globals.store = value
    } else rest.push(a)
  }
  if (globals.store !== undefined) {
    // For now a store is a file; a postgres:// URL comes with the PostgreSQL store.
    if (/^postgres(ql)?:\/\//i.test(globals.store))
      throw new UsageError('--store: this build opens SQLite files only, not PostgreSQL URLs')
    if (globals.db !== undefined && globals.db !== globals.store)
      throw new UsageError('give --store or --db, not both (they name the same thing)')
    globals.db = globals.store
  }
  return { globals, rest }
}

/** `--baseline -0.5` would read as a flag: pass a negative number as `--baseline=-0.5`. */
function joinNegativeValues(args: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null
    if (name && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(args[i + 1] ?? '')) {
      out.push(`${args[i]}=${args[++i]}`)
    } else out.push(args[i])
  }
  return out
}

function findCommand(rest: string[]): Command | undefined {
  return commands
    .filter((c) => c.words.every((w, i) => rest[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0]
}

/**
 * The database layer (drizzle, the services, better-sqlite3), loaded only by commands
 * that use it, so that `atax tax …` and `--help` start in a few tens of milliseconds.
 */
async function loadStore() {
  const [{ openApp }, { dispatch }] = await Promise.all([import('../app'), import('../handlers')])
  return { openApp, dispatch }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let app: OpenApp | null = null
  try {
    const { globals, rest } = splitGlobals(argv)
    if (rest.length === 0) {
      if (globals.help) {
        io.stdout(mainHelp() + '\n')
        return 0
      }
      throw new UsageError('no command given')
    }
    const command = findCommand(rest)
    if (!command) {
      const group = commands.filter((c) => c.words[0] === rest[0])
      if (group.length && (rest.length === 1 || globals.help)) {
        io.stdout(group.map(commandHelp).join('\n\n') + '\n')
        return globals.help ? 0 : 2
      }
      throw new UsageError(`unknown command "${rest.join(' ')}"`)
    }
    if (globals.help) {
      io.stdout(commandHelp(command) + '\n')
      return 0
    }
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args: joinNegativeValues(rest.slice(command.words.length), command.parseOptions),
        options: command.parseOptions,
        allowPositionals: true,
        strict: true,
      })
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
    }
    const expected = command.positionals?.length ?? 0
    if (parsed.positionals.length !== expected) {
      throw new UsageError(
        expected === 0
          ? `unexpected argument "${parsed.positionals[0]}"`
          : `expected ${expected} argument(s), got ${parsed.positionals.length}`,
      )
    }
    const store = command.words[0] === 'tax' ? null : await loadStore()
    const openLazily = () => {
      if (!store) throw new Error(`atax ${command.words.join(' ')} does not use the database`)
      const { openApp } = store
      if (!app) {
        app = openApp(resolveDbFile(globals.db, io.env), 'desktop')
        app.env.logInternalError = logInternalError(io)
        for (const label of app.database.quarantined) {
          io.stderr(
            `atax: upgrading ${app.database.file} moved a row that breaks the row rules to the trash: ${label}\n`,
          )
        }
      }
      return app
    }
    const ctx: CommandContext = {
      globals,
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      io,
      app: openLazily,
      input: () => inputOf(command.options ?? {}, parsed.values as CommandContext['values'], parseNumber),
      call: async (name, input, flagOf = command.flagOf) => {
        const response = await store!.dispatch(openLazily().env, name, input)
        if (response.ok) return response.value as never
        const { error } = response
        if (error.issues?.length) {
          throw new DataError(
            error.issues
              .map((i) => {
                const field = i.path.split('.')[0]
                const where = (flagOf as Record<string, string>)[field] ?? i.path
                const value = (input as Record<string, unknown>)[field]
                return `${where}: ${i.message}${value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`}`
              })
              .join('\n'),
          )
        }
        if (error.code === 'busy') throw new BusyError(error.message)
        throw new DataError(error.message)
      },
      print: (human, json) => io.stdout((globals.json ? JSON.stringify(json, null, 2) : human) + '\n'),
    }
    await command.run(ctx)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`atax: ${err.message}\nRun \`atax --help\` for usage.\n`)
      return 2
    }
    if (err instanceof BusyError) {
      io.stderr(`atax: ${err.message}\n`)
      return 3
    }
    if (
      err instanceof DataError ||
      err instanceof TaxInputError ||
      (err as Error)?.name === 'ImportError' ||
      (err as Error)?.name === 'DatabaseOpenError' ||
      (err as Error)?.name === 'ServiceError'
    ) {
      io.stderr(`atax: ${(err as Error).message}\n`)
      return 1
    }
    // A sentence for the user, like the handlers' (toApiError); the JS details only on request.
    const reference = randomBytes(4).toString('hex')
    const where = logInternalError(io)(reference, err)
    io.stderr(
      `atax: something went wrong inside atax and the command did not complete (reference ${reference}; ${where})\n`,
    )
    return 1
  } finally {
    ;(app as OpenApp | null)?.close()
  }
}
