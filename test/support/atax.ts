/** Runs the built `atax` (bin/atax.mjs → out/main/cli.js) as a user would, in a folder of the test's. */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { REPO_ROOT } from './tempDb'

export interface AtaxRun {
  code: number | null
  stdout: string
  stderr: string
}

/** `atax ARGS` in `cwd`, with no $ATAX_DB (each test names its --db) and `env` added. */
export function runAtax(cwd: string, args: string[], env: Record<string, string> = {}): AtaxRun {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/atax.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ATAX_DB: '', ...env },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
