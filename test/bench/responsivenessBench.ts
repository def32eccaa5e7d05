/**
 * Responsiveness: while web mode imports 300,000 rows sent through its own API (an
 * upload, then imports.run), another client asks for projects.list again and again;
 * the latencies of those lists, from request to answer, are the figure.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startEngineHost } from '../../src-main/engine/host'
import { startWebServer } from '../../src-main/web/server'
import { openTempApp, REPO_ROOT } from '../support/tempDb'
import { bigCsv } from '../support/bigCsv'

export interface ResponsivenessResult {
  rows: number
  importMs: number
  reads: number
  p99Ms: number
  maxMs: number
}

export async function runResponsivenessBench(rows = 300_000): Promise<ResponsivenessResult> {
  const app = openTempApp('web')
  const p = app.env.sqlite.prepare("INSERT INTO projects (name) VALUES ('bench') RETURNING id").get() as { id: number }
  const { id: generationId } = app.env.sqlite
    .prepare(
      "INSERT INTO generations (project_id, ordinal, name, pretrained_on) VALUES (?, 1, 'g', '2024-01-01') RETURNING id",
    )
    .get(p.id) as { id: number }
  const engine = await startEngineHost({ dbFile: app.file, version: '0', mode: 'web' })
  const web = await startWebServer({ engine, rendererDir: path.join(REPO_ROOT, 'out', 'renderer') })
  const base = `http://127.0.0.1:${web.port}`
  const headers = { 'x-atax-token': web.token }
  try {
    const csv = path.join(app.dir, 'big.csv')
    fs.writeFileSync(csv, bigCsv(rows))
    const t0 = performance.now()
    const uploaded = (await (
      await fetch(`${base}/upload?name=big.csv`, { method: 'POST', headers, body: fs.readFileSync(csv) })
    ).json()) as { value: { upload: string } }
    let done = false
    const importing = fetch(`${base}/api/imports.run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        format: 'csv',
        fileName: 'big.csv',
        upload: uploaded.value.upload,
        generationId,
        role: 'baseline',
      }),
    })
      .then((r) => r.json())
      .finally(() => (done = true))
    const latencies: number[] = []
    while (!done) {
      const start = performance.now()
      const r = await fetch(`${base}/api/projects.list`, { method: 'POST', headers, body: '{}' })
      await r.json()
      latencies.push(performance.now() - start)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const result = (await importing) as { ok: boolean; value?: { imported: number } }
    const importMs = performance.now() - t0
    if (!result.ok || result.value?.imported !== rows)
      throw new Error(`responsiveness bench: import failed: ${JSON.stringify(result)}`)
    latencies.sort((a, b) => a - b)
    return {
      rows,
      importMs,
      reads: latencies.length,
      p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
      maxMs: latencies.at(-1) ?? 0,
    }
  } finally {
    await web.close()
    await engine.close()
    app.close()
  }
}
