/**
 * The big-CSV bench's import, in a process of its own so that its peak resident
 * memory (maxRSS) is the import's alone: `DB FILE`, through the handler table with
 * the file by path (as every door hands it over). Prints {"ms","maxRssMb","rows"}.
 */
import path from 'node:path'
import { openApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'

const [db, file] = process.argv.slice(2)
const app = openApp(db, 'desktop')
const project = app.env.sqlite.prepare("INSERT INTO projects (name) VALUES ('Big CSV') RETURNING id").get() as {
  id: number
}
const generation = app.env.sqlite
  .prepare(
    "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g1', '2024-01-01') RETURNING id",
  )
  .get(project.id) as { id: number }
const t0 = performance.now()
const response = await dispatch({ ...app.env, inputFile: file }, 'imports.run', {
  format: 'csv',
  fileName: path.basename(file),
  generationId: generation.id,
  role: 'baseline',
  list: 'summary',
})
const ms = performance.now() - t0
app.close()
if (!response.ok) {
  console.error(JSON.stringify(response.error))
  process.exit(1)
}
const rows = (response.value as { imported: number }).imported
// maxRSS is in KiB.
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }))
