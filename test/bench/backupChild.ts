/**
 * One side of the backup bench in a process of its own: `export DB FILE` or
 * `restore DB FILE`, through the handler table with the file by path (as the CLI
 * does). Prints {"ms","maxRssMb"} on its last line.
 */
import path from 'node:path'
import { openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'

const [what, db, file] = process.argv.slice(2)
const app = openApp(db, 'desktop')
const t0 = performance.now()
const response =
  what === 'export'
    ? await dispatch({ ...app.env, outputFile: file }, 'backup.export', {})
    : await dispatch({ ...app.env, inputFile: file }, 'backup.restore', { fileName: path.basename(file) })
const ms = performance.now() - t0
app.close()
if (!response.ok) {
  console.error(JSON.stringify(response.error))
  process.exit(1)
}
// maxRSS is in KiB.
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }))
