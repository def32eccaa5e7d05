/**
 * What a CLI command is: its declaration (words, usage, options) and the context it runs
 * in. Command groups (./perf.ts, ./snapshots.ts) import it from here, not from ./main.ts,
 * so that no command file and the CLI's entry import each other.
 */
import type { ParseArgsConfig } from 'node:util'
import type { ApiInput, ApiName, ApiResult } from '../../src-shared/api/contract'
import type { OpenApp } from '../app'

export interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Progress lines only where stderr is a terminal. */
  stderrIsTty: boolean
  env: NodeJS.ProcessEnv
  cwd: string
}

export class UsageError extends Error {}
export class DataError extends Error {}
/** Another process holds the write lock: a pipeline should retry, not treat its data as bad. */
export class BusyError extends Error {}

export interface Globals {
  db?: string
  json: boolean
  help: boolean
}

export interface CommandContext {
  globals: Globals
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  io: Io
  app: () => OpenApp
  call: <N extends ApiName>(name: N, input: ApiInput<N>, flagOf?: Record<string, string>) => Promise<ApiResult<N>>
  print: (human: string, json: unknown) => void
}

export interface Command {
  words: string[]
  usage: string
  summary: string
  options?: ParseArgsConfig['options']
  positionals?: number
  help?: string
  run: (ctx: CommandContext) => Promise<void>
}
