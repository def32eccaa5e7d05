/**
 * `atax web [--port N] [--db FILE]` (and `npm run web`, which builds first and runs
 * it): serves the app to a browser on 127.0.0.1 and prints its URL (with the token)
 * on one line. Runs until Ctrl+C or SIGTERM.
 */
import path from 'node:path'
import { openApp } from '../app'
import { findAppRoot, resolveDbFile } from '../paths'
import { startWebServer } from './server'

export async function startWebMode(options: {
  db?: string
  port: number
  env: NodeJS.ProcessEnv
  stdout: (text: string) => void
  stderr: (text: string) => void
}): Promise<void> {
  const app = openApp(resolveDbFile(options.db, options.env), 'web')
  let web: Awaited<ReturnType<typeof startWebServer>>
  try {
    web = await startWebServer({
      env: app.env,
      rendererDir: path.join(findAppRoot(), 'out', 'renderer'),
      port: options.port,
    })
  } catch (err) {
    app.close()
    throw err
  }
  options.stdout(`Alignment Tax Planner (web mode) at ${web.url}\n`)
  options.stderr(`database: ${app.database.file} — press Ctrl+C to stop\n`)
  const stop = () => {
    web.close().finally(() => {
      app.close()
      process.exit(0)
    })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
