#!/usr/bin/env node
// `atax`: runs the TypeScript CLI (src-main/cli) through tsx, so the repo needs no build step.
import { register } from 'tsx/esm/api'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `atax needs Node.js 22.12 or newer (this is ${process.version}). Run it through npm (npx atax, npm run …) in the project, which uses the Node that npm install put in node_modules.\n`,
  )
  process.exit(1)
}
register()
await import('../src-main/cli/index.ts')
