#!/usr/bin/env node
// `atax`: runs the CLI built ahead of time (out/main/cli.js, by `npm run build`), on
// whatever Node ≥ 22.12 runs this file. Plain JavaScript that any Node can parse, so
// an older Node gets a clear message rather than a syntax error.
import fs from 'node:fs'
import module from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `atax needs Node.js 22.12 or newer; this is ${process.version} (${process.execPath}).\n` +
      'Install a newer Node (https://nodejs.org), or in a clone of the project run it through npm (npx atax, npm run …), which uses the Node 22 that npm install put in node_modules.\n',
  )
  process.exit(1)
}

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write(`atax: ${cli} is missing: build it first with npm run build\n`)
  process.exit(1)
}
// V8's code cache on disk (Node's own, in the temp folder): later calls skip compiling.
module.enableCompileCache?.()
await import(pathToFileURL(cli).href)
