// `npm start`: builds the app and launches the desktop window with Electron. Where
// Electron's binary cannot be had (it is downloaded on first launch), says so and
// points to web mode instead of failing with a stack trace.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)

const build = spawnSync(bin('electron-vite'), ['build'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
if (build.status !== 0) {
  console.error('\nnpm start: the build failed (see above).')
  process.exit(build.status ?? 1)
}

// Asking the electron package for its binary downloads it when missing.
const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
  cwd: root,
  encoding: 'utf8',
  timeout: 180_000,
})
if (probe.status !== 0 || !probe.stdout) {
  console.error(
    [
      '',
      'Alignment Tax Planner: the desktop window needs Electron, and its binary could not be',
      'downloaded on this machine (no network access to it?).',
      '',
      'Use web mode instead, the same app in your browser:',
      '',
      '    npm run web',
      '',
      'It prints a http://127.0.0.1 address to open. The CLI works too: npx atax --help',
    ].join('\n'),
  )
  process.exit(1)
}

const child = spawn(probe.stdout, [root], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 0))
