/**
 * The `atax` CLI: training pipelines log into the same database as the app, and
 * anyone can compute a tax from the shell. Every database command goes through the
 * handler table (`dispatch`), so it is validated exactly like the UI's requests.
 *
 * This file holds the global flags, the help, the dispatch to a command and the mapping
 * of errors to exit codes; each command is declared once in ./commands/ (see ./command.ts).
 *
 * With `--server URL --token T` (or $ATAX_SERVER / $ATAX_TOKEN) the same commands run against
 * a server's HTTP API (./remote.ts) instead of in-process: `call` is the one seam.
 *
 * Exit codes: 0 success, 1 invalid data (nothing written) or server unreachable, 2 usage error,
 * 3 database busy (retry), 4 not authenticated (401), 5 forbidden (403), 6 conflict (409),
 * 130 interrupted (Ctrl-C against a server).
 */
import { randomBytes } from 'node:crypto'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { TaxInputError } from '../../src-shared/tax'
import type { OpenApp } from '../app'
import type { Store } from '../db/store'
import type { HandlerEnv } from '../handlers'
import { resolveDbFile } from '../paths'
import {
  BusyError,
  ConflictError,
  DataError,
  ForbiddenError,
  inputOf,
  InterruptedError,
  NotAuthenticatedError,
  UsageError,
  type Command,
  type CommandContext,
  type Globals,
  type Io,
} from './command'
import { commands } from './commands'
import { parseNumber } from './commands/common'
import type { ApiResponse } from '../../src-shared/api/contract'
import type { Call, RemoteApiError } from './remote'

export { BusyError, DataError, UsageError, commands, type Command, type CommandContext, type Io }

// ---- help ----

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length))
  return [
    'atax — Alignment Tax Planner on the command line',
    '',
    'usage: atax [--db FILE | --store URL | --server URL --token T] [--json] <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)} ${c.summary}`),
    '',
    'global options:',
    "  --db FILE     the database file (default: $ATAX_DB, else the desktop app's own file)",
    "  --store URL   the store: a database file, as --db, or a postgres:// URL (a team server's store)",
    '  --server URL  run the command against a server (a team server, or web mode) instead (default: $ATAX_SERVER)',
    '  --token T     the API token for --server (default: $ATAX_TOKEN); sent as Authorization: Bearer',
    '  --json        print JSON on standard output (numbers unrounded)',
    '  --help        this help; `atax <command> --help` for one command',
    '',
    'with --server, `snapshot …` and `web` are refused: they work on a local database file only;',
    'so are they with --store postgres://… (back a PostgreSQL store up with pg_dump or `export json`).',
    '',
    'exit codes: 0 success, 1 invalid data (nothing written) or server unreachable, 2 usage error,',
    '  3 database busy (nothing written, retry), 4 not authenticated (401: no or wrong token),',
    '  5 forbidden (403: your role may not do that), 6 conflict (409: changed by someone else meanwhile, or a name already taken),',
    '  130 interrupted (Ctrl-C against a server closes the connection, which cancels the request there)',
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
    io.stderr(`[atax internal error ${reference}] ${withCauses(err)}\n`)
    return 'the details are above'
  }
}

/**
 * An error's stack and those of its causes: drizzle on PostgreSQL wraps the driver's error
 * ("Failed query: …") and keeps what PostgreSQL said in `cause`.
 */
function withCauses(err: unknown): string {
  let text = (err as Error)?.stack ?? String(err)
  let cause = (err as Error)?.cause
  for (let depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    text += `\ncaused by: ${(cause as Error)?.stack ?? String(cause)}`
    cause = (cause as Error)?.cause
  }
  return text
}

/** The global options that take a value, with the placeholder their usage error names. */
const VALUE_GLOBALS = { db: 'FILE', store: 'URL', server: 'URL', token: 'T' } as const

function splitGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = { json: false, help: false }
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a] : [a, null]
    const name = flag.slice(2) as keyof typeof VALUE_GLOBALS
    if (a === '--json') globals.json = true
    else if (a === '--help' || a === '-h') globals.help = true
    else if (flag.startsWith('--') && Object.hasOwn(VALUE_GLOBALS, name)) {
      const what = VALUE_GLOBALS[name]
      let value: string
      if (inline !== null) value = inline.slice(flag.length + 1)
      else {
        if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${flag} needs a ${what}`)
        value = argv[++i]
      }
      if (value === '') throw new UsageError(`${flag} needs a ${what}, not an empty string`)
      globals[name] = value
    } else rest.push(a)
  }
  if (globals.store !== undefined) {
    // A file (as --db) or a postgres:// URL: both travel as `db`, told apart by isPostgresUrl.
    if (globals.db !== undefined && globals.db !== globals.store)
      throw new UsageError('give --store or --db, not both (they name the same thing)')
    globals.db = globals.store
  }
  return { globals, rest }
}

/**
 * Commands that work on a local database only, by their first word, with why: against a
 * server they are refused (exit 2) rather than run on something the user did not mean.
 */
const LOCAL_ONLY: Record<string, string> = {
  snapshot:
    "snapshots are files beside a local database; a server's store is backed up by its administrator (pg_dump), or with `atax --server URL export json --out FILE`",
  web: "it serves a local database file to this machine's browser (a server is already served)",
  serve: 'it serves a store: run it where the store is (`atax --store URL serve`)',
  users: "it manages a store's users: run it on the server (`atax --store URL users …`)",
}

/** Commands that need the SQLite file itself, by their first word, with why: refused on a PostgreSQL store. */
const FILE_ONLY: Record<string, string> = {
  snapshot:
    'snapshots are copies of a SQLite file; back a PostgreSQL store up with pg_dump, or with `atax --store URL export json --out FILE`',
  web: 'web mode serves a local SQLite file to this machine; serve a PostgreSQL store with `atax --store URL serve --port N`',
}

/** A postgres:// or postgresql:// URL (a PostgreSQL store), not a file path. */
export function isPostgresStore(store: string | undefined): store is string {
  return store !== undefined && /^postgres(ql)?:\/\//i.test(store)
}

/** What a message may show of a store: a URL without its password. */
function shownStore(store: string): string {
  return store.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, '$1:***@')
}

/** The server and token a command runs against, from the flags, else the environment (null: local). */
function resolveServer(globals: Globals, env: NodeJS.ProcessEnv): { url: string; token: string } | null {
  const server = globals.server ?? (env.ATAX_SERVER || undefined)
  if (server === undefined) {
    if (globals.token !== undefined) throw new UsageError('--token needs --server URL (or $ATAX_SERVER)')
    return null
  }
  if (globals.db !== undefined) {
    throw new UsageError(
      globals.server !== undefined
        ? '--server and --db name two different stores: give one'
        : '--db names a local file but $ATAX_SERVER names a server: unset ATAX_SERVER, or drop --db',
    )
  }
  return { url: server, token: globals.token ?? (env.ATAX_TOKEN || '') }
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
  const [{ openApp, appVersion }, { dispatch }, { openStore }] = await Promise.all([
    import('../app'),
    import('../handlers'),
    import('../db/store'),
  ])
  return { openApp, appVersion, dispatch, openStore }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let app: OpenApp | null = null
  /** The PostgreSQL store, once a request opened it (`--store postgres://…`). */
  let postgres: Promise<Store> | null = null
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
    // A command that takes its own --server (pushing a local project up) gets it back.
    if (command.parseOptions.server) {
      for (const name of ['server', 'token'] as const) {
        if (globals[name] !== undefined) rest.push(`--${name}`, globals[name]!)
        delete globals[name]
      }
    }
    const usesStore = command.words[0] !== 'tax'
    const server = usesStore && !command.parseOptions.server ? resolveServer(globals, io.env) : null
    if (server && LOCAL_ONLY[command.words[0]]) {
      throw new UsageError(
        `atax ${command.words.join(' ')} works on a local database only, not against --server: ${LOCAL_ONLY[command.words[0]]}`,
      )
    }
    // $ATAX_DB may name a PostgreSQL store as well as a file.
    if (globals.db === undefined && !server && isPostgresStore(io.env.ATAX_DB)) globals.db = io.env.ATAX_DB
    const onPostgres = usesStore && !server && isPostgresStore(globals.db)
    if (onPostgres && FILE_ONLY[command.words[0]]) {
      throw new UsageError(
        `atax ${command.words.join(' ')} works on a SQLite file only, not on the PostgreSQL store ${shownStore(globals.db!)}: ${FILE_ONLY[command.words[0]]}`,
      )
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
    const store = usesStore && !server ? await loadStore() : null
    const openLazily = () => {
      if (server) throw new Error(`atax ${command.words.join(' ')} needs a local database here, not --server`)
      if (!store) throw new Error(`atax ${command.words.join(' ')} does not use the database`)
      if (onPostgres) throw new Error(`atax ${command.words.join(' ')} needs a SQLite file, not a PostgreSQL store`)
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
    // The one seam: in-process dispatch, or the same request over HTTP.
    let call: Call
    let interrupt: AbortController | null = null
    /** The server's URL as messages name it (without a token web mode's URL may carry). */
    let serverUrl: string | null = null
    if (server) {
      const { RemoteClient, parseServerUrl, isLoopback, ServerUrlError } = await import('./remote')
      let parsedUrl: ReturnType<typeof parseServerUrl>
      try {
        parsedUrl = parseServerUrl(server.url)
      } catch (err) {
        throw err instanceof ServerUrlError ? new UsageError(err.message) : err
      }
      const token = server.token || parsedUrl.token
      if (!token) throw new UsageError('--server needs a token: --token T or $ATAX_TOKEN')
      if (parsedUrl.base.protocol === 'http:' && !isLoopback(parsedUrl.base)) {
        io.stderr(
          `atax: warning: ${parsedUrl.base.host} is reached over plain http: the token travels unencrypted (use https)\n`,
        )
      }
      const client = new RemoteClient(server.url, token)
      serverUrl = client.url
      interrupt = new AbortController()
      const signal = interrupt.signal
      call = (name, input, options = {}) => client.call(name, input, { ...options, signal })
    } else {
      /** On a PostgreSQL store: the env built from the store's context, opened at the first request. */
      const pgEnv = async (): Promise<HandlerEnv> => {
        postgres ??= store!.openStore(globals.db!, { poolSize: 4 })
        const opened = await postgres
        return {
          ...opened.ctx,
          version: store!.appVersion(),
          dbFile: opened.location,
          mode: 'desktop',
          readOnlyReason: null,
          logInternalError: logInternalError(io),
        }
      }
      call = async (name, input, options = {}) => {
        const env = onPostgres ? await pgEnv() : openLazily().env
        // The door's file and progress, beside the input (never in it), for this request only.
        env.inputFile = options.inputFile
        env.outputFile = options.outputFile
        env.onProgress = options.onProgress
        try {
          return await store!.dispatch(env, name, input)
        } finally {
          delete env.inputFile
          delete env.outputFile
          delete env.onProgress
        }
      }
    }
    const stopListening = interrupt ? io.onInterrupt?.(() => interrupt.abort()) : undefined
    const ctx: CommandContext = {
      globals,
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      io,
      app: openLazily,
      server: serverUrl,
      input: () => inputOf(command.options ?? {}, parsed.values as CommandContext['values'], parseNumber),
      call: async (name, input, { flagOf = command.flagOf, ...options } = {}) => {
        const response = (await call(name, input, options)) as ApiResponse<never>
        if (response.ok) return response.value as never
        const error = response.error as RemoteApiError
        if (error.code === 'cancelled' && interrupt?.signal.aborted) throw new InterruptedError(error.message)
        if (error.status === 401) {
          throw new NotAuthenticatedError(
            `${serverUrl} refused the credentials (HTTP 401: ${error.message}): check --token or $ATAX_TOKEN`,
          )
        }
        if (error.status === 403) throw new ForbiddenError(`${serverUrl} refused (HTTP 403): ${error.message}`)
        if (error.status === 409 || error.code === 'conflict') throw new ConflictError(error.message)
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
    try {
      await command.run(ctx)
    } finally {
      stopListening?.()
    }
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
    const exitCode = new Map<unknown, number>([
      [NotAuthenticatedError, 4],
      [ForbiddenError, 5],
      [ConflictError, 6],
      [InterruptedError, 130],
    ]).get((err as Error)?.constructor)
    if (exitCode !== undefined) {
      io.stderr(`atax: ${(err as Error).message}\n`)
      return exitCode
    }
    if (
      err instanceof DataError ||
      err instanceof TaxInputError ||
      (err as Error)?.name === 'ImportError' ||
      (err as Error)?.name === 'DatabaseOpenError' ||
      (err as Error)?.name === 'PostgresOpenError' ||
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
    await (postgres as Promise<Store> | null)?.then((opened) => opened.close()).catch(() => {})
  }
}
