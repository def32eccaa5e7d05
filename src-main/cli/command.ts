/**
 * What a CLI command is: ONE declaration (words, positionals, options with the value each
 * takes and the request field it fills) from which its usage line, its parseArgs options,
 * the flag names in its error messages and its request input all come (`defineCommand`).
 * Command groups (./commands/*.ts) import it from here, not from ./main.ts, so that no
 * command file and the CLI's entry import each other.
 */
import type { ParseArgsConfig } from 'node:util'
import type { ApiInput, ApiName, ApiResult } from '../../src-shared/api/contract'
import type { OpenApp } from '../app'
import type { CallOptions } from './remote'

export interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Progress lines only where stderr is a terminal. */
  stderrIsTty: boolean
  env: NodeJS.ProcessEnv
  cwd: string
  /**
   * Runs `handler` on Ctrl-C until the returned function is called (the process entry
   * wires SIGINT). Used against a server only: a local command is simply interrupted.
   */
  onInterrupt?: (handler: () => void) => () => void
}

export class UsageError extends Error {}
export class DataError extends Error {}
/** Another process holds the write lock: a pipeline should retry, not treat its data as bad. */
export class BusyError extends Error {}
/** The server refused the credentials (HTTP 401): exit 4. */
export class NotAuthenticatedError extends Error {}
/** The server refused the request for this user (HTTP 403): exit 5. */
export class ForbiddenError extends Error {}
/** Someone else changed the item first (HTTP 409): exit 6. */
export class ConflictError extends Error {}
/** Ctrl-C against a server: the connection was closed (exit 130, as a shell reports an interrupted process). */
export class InterruptedError extends Error {}

export interface Globals {
  db?: string
  /** `--store URL`: the store, a database file or a postgres:// URL (it also sets `db`). */
  store?: string
  /** `--server URL` (else $ATAX_SERVER): run the command against that server's HTTP API. */
  server?: string
  /** `--token T` (else $ATAX_TOKEN): the API token sent to the server. */
  token?: string
  json: boolean
  help: boolean
}

export interface CommandContext {
  globals: Globals
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  io: Io
  /** The local database (refused when the command runs against a server: use `call`). */
  app: () => OpenApp
  /** The server the command runs against (its URL), or null for the local database. */
  server: string | null
  /** The request fields the command's options declare (`field`), read from the command line. */
  input: () => Record<string, unknown>
  /**
   * One request, in-process or to the server: the command does not know which. Files go
   * by path (`inputFile`, `outputFile`). Without `flagOf`, error messages name the flag
   * (or positional) each field comes from.
   */
  call: <N extends ApiName>(
    name: N,
    input: ApiInput<N>,
    options?: CallOptions & { flagOf?: Record<string, string> },
  ) => Promise<ApiResult<N>>
  print: (human: string, json: unknown) => void
}

/** One option of a command, declared once. */
export interface OptionDecl {
  /** The value's placeholder in the usage line ('P', 'DATE'); an option without one is a switch. */
  value?: string
  /** Shown without brackets in the usage line, and `input()` refuses its absence. */
  required?: boolean
  /** May be given several times. */
  multiple?: boolean
  /** The request field this option fills in `input()`; its errors then name this option. */
  field?: string
  /** `input()` reads the value as a number (absent: null). */
  number?: boolean
  /** `input()`'s value when a string option is absent (else undefined). */
  absent?: string | null
}

export interface PositionalDecl {
  /** Its placeholder in the usage line ('NAME', 'json|csv'). */
  value: string
  /** The request field it fills, for error messages. */
  field?: string
}

export interface CommandDecl {
  words: string[]
  summary: string
  positionals?: PositionalDecl[]
  options?: Record<string, OptionDecl>
  /** More usage lines, for a second form of the command. */
  moreUsage?: string[]
  help?: string
  run: (ctx: CommandContext) => Promise<void>
}

/** A declaration compiled into what the entry needs; every part comes from the declaration. */
export interface Command extends CommandDecl {
  usage: string
  parseOptions: NonNullable<ParseArgsConfig['options']>
  /** Request field → the flag (or positional placeholder) it comes from. */
  flagOf: Record<string, string>
}

const USAGE_WIDTH = 100

function usageToken(name: string, o: OptionDecl): string {
  const one = `--${name}${o.value ? ` ${o.value}` : ''}`
  const many = o.multiple ? `${o.required ? `${one} ` : ''}[${one} ...]` : null
  return many ?? (o.required ? one : `[${one}]`)
}

/** The command's usage: its words, positionals and every option, wrapped under its words. */
export function usageOf(decl: Pick<CommandDecl, 'words' | 'positionals' | 'options' | 'moreUsage'>): string {
  const tokens = [
    ...(decl.positionals ?? []).map((p) => p.value),
    ...Object.entries(decl.options ?? {}).map(([name, o]) => usageToken(name, o)),
  ]
  const head = decl.words.join(' ')
  const indent = ' '.repeat(head.length + 1)
  const lines = [head]
  for (const t of tokens) {
    const last = lines.length - 1
    if (lines[last].length + 1 + t.length > USAGE_WIDTH && lines[last].trim() !== '') lines.push(indent + t)
    else lines[last] += ' ' + t
  }
  return [lines.join('\n'), ...(decl.moreUsage ?? []).map((u) => `  ${u}`)].join('\n')
}

export function defineCommand(decl: CommandDecl): Command {
  const options = decl.options ?? {}
  const parseOptions: Command['parseOptions'] = {}
  const flagOf: Record<string, string> = {}
  for (const [name, o] of Object.entries(options)) {
    parseOptions[name] = o.multiple
      ? { type: 'string', multiple: true }
      : o.value
        ? { type: 'string' }
        : { type: 'boolean' }
    if (o.field) flagOf[o.field] = `--${name}`
  }
  for (const p of decl.positionals ?? []) if (p.field) flagOf[p.field] = p.value
  return { ...decl, usage: usageOf(decl), parseOptions, flagOf }
}

/** `input()` of a command: each option that names a field, read as it declares. */
export function inputOf(
  options: Record<string, OptionDecl>,
  values: CommandContext['values'],
  parseNumber: (text: string, where: string) => number,
): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const [name, o] of Object.entries(options)) {
    if (!o.field) continue
    const v = values[name]
    if (!o.value) {
      input[o.field] = v === true
      continue
    }
    if (v === undefined && o.required) throw new UsageError(`--${name} is required`)
    if (o.multiple) input[o.field] = v ?? []
    else if (o.number) input[o.field] = typeof v === 'string' ? parseNumber(v, `--${name}`) : null
    else input[o.field] = typeof v === 'string' ? v : o.absent
  }
  return input
}
