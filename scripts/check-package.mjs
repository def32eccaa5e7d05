#!/usr/bin/env node
// `npm run check:package` (run by .ci/run): the npm package as a user gets it. Packs
// the project (prepack builds it), installs the tarball globally into a temp prefix,
// then, from a temp folder outside the repo, runs the installed `atax`:
//   atax --db f.db sample · atax export pdf · atax web (answers over HTTP, then stops).
// The installed atax runs on the `node` found on PATH (npm scripts put Node 22 from
// node_modules/.bin first), never on anything inside this repo.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atax-package-'))
const prefix = path.join(work, 'prefix')
const home = path.join(work, 'home')
fs.mkdirSync(home)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const keep = process.argv.includes('--keep')

function step(text) {
  console.log(`\n== ${text}`)
}

function fail(text) {
  console.error(`\ncheck-package: FAILED: ${text}`)
  console.error(`(files kept in ${work})`)
  process.exit(1)
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options })
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`)
  return r
}

try {
  step('npm run build, npm pack')
  // The build first, on its own (npm pack's prepack would mix its output into --json).
  run(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' })
  const packed = run(npm, ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [{ filename, size, unpackedSize, files }] = JSON.parse(packed.stdout)
  const tarball = path.join(work, path.basename(filename))
  console.log(
    `${path.basename(tarball)}: ${(size / 2 ** 20).toFixed(1)} MiB packed, ${(unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked, ${files.length} files`,
  )
  for (const needed of ['bin/atax.mjs', 'out/main/cli.js', 'out/renderer/index.html', 'package.json']) {
    if (!files.some((f) => f.path === needed)) fail(`the package lacks ${needed}`)
  }
  if (files.some((f) => /^(src-|test\/|node_modules\/)/.test(f.path)))
    fail('the package carries sources, tests or node_modules')

  step(`npm install -g --prefix ${prefix} (Node ${execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()})`)
  run(npm, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: work, stdio: 'inherit' })
  const atax = path.join(prefix, process.platform === 'win32' ? 'atax.cmd' : 'bin/atax')
  if (!fs.existsSync(atax)) fail(`${atax} was not installed`)
  const env = { ...process.env, ATAX_DB: '', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') }
  const db = path.join(work, 'f.db')

  step('atax --db f.db sample')
  const sample = run(atax, ['--db', db, 'sample'], { cwd: work, env })
  console.log(sample.stdout.trim())
  const list = JSON.parse(
    run(atax, ['--db', db, '--json', 'gen', 'list', '--project', 'RLHF pipeline (sample)'], { cwd: work, env }).stdout,
  )
  if (list.map((g) => g.ttdMonths).join() !== '9,3')
    fail(`gen list: ttdMonths ${list.map((g) => g.ttdMonths)} (expected 9,3)`)

  step('atax export pdf')
  const pdf = path.join(work, 'report.pdf')
  run(atax, ['--db', db, 'export', 'pdf', '--out', pdf], { cwd: work, env })
  const head = fs.readFileSync(pdf).subarray(0, 5).toString()
  if (head !== '%PDF-') fail(`${pdf} is not a PDF (starts with ${JSON.stringify(head)})`)
  console.log(`${pdf}: ${fs.statSync(pdf).size} bytes`)

  step('atax web --port 0')
  const web = spawn(atax, ['--db', db, 'web', '--port', '0'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  web.stderr.on('data', (d) => (stderr += d))
  const line = await new Promise((resolve) => {
    let out = ''
    web.stdout.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    web.on('exit', (code) => resolve(`exited ${code}: ${out}${stderr}`))
    setTimeout(() => resolve(`no address printed within 60 s: ${out}${stderr}`), 60_000).unref()
  })
  try {
    const match = /at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))$/.exec(line)
    if (!match) fail(`atax web: ${line}`)
    const [, url, port, token] = match
    console.log(line)
    const page = await fetch(url)
    const html = await page.text()
    if (page.status !== 200 || !html.includes('<div id="app"')) fail(`GET ${url}: ${page.status} ${html.slice(0, 200)}`)
    const info = await fetch(`http://127.0.0.1:${port}/api/app.info`, {
      method: 'POST',
      headers: { 'x-atax-token': token, 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.json())
    if (!info.ok || info.value.mode !== 'web' || info.value.dbFile !== db) fail(`app.info: ${JSON.stringify(info)}`)
    console.log(`GET / → the app; POST /api/app.info → mode ${info.value.mode}, database ${info.value.dbFile}`)
  } finally {
    web.kill('SIGTERM')
  }
  const code = await new Promise((resolve) => (web.exitCode !== null ? resolve(web.exitCode) : web.on('exit', resolve)))
  if (code !== 0) fail(`atax web exited ${code} on SIGTERM: ${stderr}`)

  console.log('\ncheck-package: the packed atax works (sample, export pdf, web)')
} finally {
  if (!keep && process.exitCode !== 1) fs.rmSync(work, { recursive: true, force: true })
}
