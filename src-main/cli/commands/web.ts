/** `atax web`: the app served to a browser (web mode). */
import { DataError, defineCommand, UsageError } from '../command'
import { opt } from './common'

export const webCommands = [
  defineCommand({
    words: ['web'],
    summary: 'serve the app to a browser on 127.0.0.1 (web mode); prints its address with a token',
    help: 'Without --port, a free port is chosen. Runs until Ctrl+C.',
    options: { port: { value: 'N' } },
    run: async (c) => {
      const text = opt(c, 'port')
      const port = text === undefined ? 0 : Number(text)
      if (!/^\d+$/.test(text ?? '0') || port > 65535)
        throw new UsageError(`--port: "${text}" is not a port number (0-65535)`)
      const { startWebMode } = await import('../../web/start')
      try {
        await startWebMode({ db: c.globals.db, port, env: c.io.env, stdout: c.io.stdout, stderr: c.io.stderr })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE' || code === 'EACCES')
          throw new DataError(`--port ${port}: ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}`)
        throw err
      }
    },
  }),
]
