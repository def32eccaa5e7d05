/**
 * `npm run web [-- --port N] [-- --db FILE]`: serves the app to a browser on
 * 127.0.0.1 and prints its URL (with the token) on one line.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { appVersion } from '../app'
import { startEngineHost } from '../engine/host'
import { findAppRoot, resolveDbFile } from '../paths'
import { startWebServer } from './server'

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  })
  if (values.help) {
    console.log('usage: npm run web [-- --port N] [-- --db FILE]')
    return
  }
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port: ${JSON.stringify(values.port)} is not a port number (0-65535)`)
    process.exit(2)
  }
  const dbFile = path.resolve(resolveDbFile(values.db))
  fs.mkdirSync(path.dirname(dbFile), { recursive: true })
  const engine = await startEngineHost({ dbFile, version: appVersion(), mode: 'web' })
  const web = await startWebServer({ engine, rendererDir: path.join(findAppRoot(), 'out', 'renderer'), port })
  console.log(`Alignment Tax Planner (web mode) at ${web.url}`)
  console.error(`database: ${dbFile} — press Ctrl+C to stop`)
  const stop = () => {
    web.close().finally(() => {
      void engine.close().finally(() => process.exit(0))
    })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  console.error(`atax web: ${(err as Error).message}`)
  process.exit(1)
})
