/**
 * `npm run web [-- --port N] [-- --db FILE]`: serves the app to a browser on
 * 127.0.0.1 and prints its URL (with the token) on one line.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openApp } from '../app'
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
  const app = openApp(resolveDbFile(values.db), 'web', { interactive: true })
  const web = await startWebServer({ env: app.env, rendererDir: path.join(findAppRoot(), 'out', 'renderer'), port })
  console.log(`Alignment Tax Planner (web mode) at ${web.url}`)
  console.error(`database: ${app.database.file} — press Ctrl+C to stop`)
  const stop = () => {
    web.close().finally(() => {
      app.close()
      process.exit(0)
    })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  console.error(`atax web: ${(err as Error).message}`)
  process.exit(1)
})
