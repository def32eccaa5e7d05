/**
 * `atax web [--port N] [--db FILE]` (and `npm run web`, which builds first and runs
 * it): serves the app to a browser on 127.0.0.1 and prints its URL (with the token)
 * on one line. The engine runs in worker threads (src-main/engine/host.ts); this
 * process only relays. Runs until Ctrl+C or SIGTERM.
 */
import fs from 'node:fs'
import path from 'node:path'
import { appVersion } from '../app'
import { startEngineHost } from '../engine/host'
import { findAppRoot, resolveDbFile } from '../paths'
import { startWebServer } from './server'

export async function startWebMode(options: {
  db?: string
  port: number
  env: NodeJS.ProcessEnv
  stdout: (text: string) => void
  stderr: (text: string) => void
}): Promise<void> {
  const dbFile = path.resolve(resolveDbFile(options.db, options.env))
  fs.mkdirSync(path.dirname(dbFile), { recursive: true })
  const engine = await startEngineHost({ dbFile, version: appVersion(), mode: 'web' })
  let web: Awaited<ReturnType<typeof startWebServer>>
  try {
    web = await startWebServer({ engine, rendererDir: path.join(findAppRoot(), 'out', 'renderer'), port: options.port })
  } catch (err) {
    await engine.close()
    throw err
  }
  options.stdout(`Alignment Tax Planner (web mode) at ${web.url}\n`)
  options.stderr(`database: ${dbFile} — press Ctrl+C to stop\n`)
  const stop = () => {
    web.close().finally(() => {
      void engine.close().finally(() => process.exit(0))
    })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
