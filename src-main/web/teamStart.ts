/**
 * `atax --store URL serve --port N [--host H] [--tls-cert F --tls-key F] [--trust-proxy]`:
 * the team server on one store, its address printed on one line. Runs until Ctrl+C or SIGTERM.
 */
import fs from 'node:fs'
import path from 'node:path'
import { appVersion } from '../app'
import { findAppRoot, resolveDbFile } from '../paths'
import { isPostgresUrl } from '../db/store'
import { redactUrl } from '../db/pg/open'
import { readTlsFiles, startTeamServer } from './teamServer'

export async function startTeamMode(options: {
  db?: string
  port: number
  host?: string
  tlsCert?: string
  tlsKey?: string
  trustProxy: boolean
  env: NodeJS.ProcessEnv
  stdout: (text: string) => void
  stderr: (text: string) => void
}): Promise<void> {
  const store = options.db ?? resolveDbFile(undefined, options.env)
  const onPostgres = isPostgresUrl(store)
  const dbFile = onPostgres ? store : path.resolve(store)
  if (!onPostgres) fs.mkdirSync(path.dirname(dbFile), { recursive: true })
  const tls = options.tlsCert && options.tlsKey ? readTlsFiles(options.tlsCert, options.tlsKey) : undefined
  const team = await startTeamServer({
    dbFile,
    version: appVersion(),
    rendererDir: path.join(findAppRoot(), 'out', 'renderer'),
    port: options.port,
    host: options.host,
    tls,
    trustProxy: options.trustProxy,
  })
  options.stdout(`Alignment Tax Planner (team server) at ${team.url}\n`)
  options.stderr(
    `store: ${onPostgres ? redactUrl(dbFile) : dbFile}${tls ? '' : options.trustProxy ? ' — https by the proxy in front' : ' — plain http: use --tls-cert/--tls-key or a TLS proxy beyond this machine'} — press Ctrl+C to stop\n`,
  )
  const stop = () => {
    void team.close().finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
