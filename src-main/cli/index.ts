/** Process entry of `atax` (see bin/atax.mjs). */
import { runCli } from './main'

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTty: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
  onInterrupt: (handler) => {
    // The first Ctrl-C closes the connection (the server cancels the request); a second one quits at once.
    const once = () => {
      process.off('SIGINT', once)
      process.once('SIGINT', () => process.exit(130))
      handler()
    }
    process.on('SIGINT', once)
    return () => process.off('SIGINT', once)
  },
})
process.exitCode = code
