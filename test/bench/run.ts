/**
 * `npm run bench`: the speed targets, measured (never asserted in tests).
 *   - import: 1,000,000 CSV measurements vs raw prepared inserts (target ≤ 1.3×)
 *   - responsiveness: projects.list answered while web mode imports 300,000 rows
 *     (p99 ≤ 100 ms, max ≤ 300 ms)
 *   - bigGeneration: a 1,000,000-measurement generation's page / delete / undo
 *     (≤ 300 / 1,000 / 2,000 ms)
 *   - backup: out and in with 3,000,000 measurements, peak RSS ≤ 400 MiB each
 *   - views: Timeline and Compare drawn within 1 s with 200 generations and
 *     100,000 measurements (target ≤ 1000 ms)
 *   - cli: `atax` start-up against a bare `node -e 0` (target ≤ 4×)
 *   - bigCsv: a 2 GiB CSV (over V8's longest string) imported by path, peak RSS
 *     ≤ 500 MiB
 *   - summary: a project summary, 200 generations × 1,000 benchmarks (target ≤ 50 ms)
 *   - team: the team server (a real `serve`) over PostgreSQL and over SQLite, 8 and 32
 *     clients: requests per second and p99 of two reads and a write (no target: README figures)
 * `npm run bench -- import` (or responsiveness, bigGeneration, backup, views, cli, bigCsv, summary, team) runs
 * some parts; `-- --json` prints every figure as one JSON object on the last line.
 * Exits 1 when a target is missed.
 */
import { runImportBench } from './importBench'

const args = process.argv.slice(2)
const json = args.includes('--json')
const parts = args.filter((a) => a !== '--json')
const want = (name: string) => parts.length === 0 || parts.includes(name)
let failed = false
const figures: Record<string, Record<string, number>> = {}
const verdict = (ok: boolean) => {
  failed ||= !ok
  return ok ? 'OK' : 'MISSED'
}

if (want('import')) {
  const r = await runImportBench()
  figures.import = {
    ratio: r.ratio,
    cpuRatio: r.cpuRatio,
    importMs: r.importMs,
    limitMs: r.limitMs,
    rows: r.rows,
    runs: r.runs,
    peakRssMb: r.peakRssMb,
  }
  console.log(
    `import: ${r.rows.toLocaleString('en-US')} rows (${(r.csvBytes / 2 ** 20).toFixed(1)} MiB CSV) in ${r.importMs.toFixed(0)} ms; ` +
      `raw prepared inserts ${r.limitMs.toFixed(0)} ms (medians of ${r.runs} interleaved pairs); ` +
      `ratio ${r.ratio.toFixed(2)}× wall-clock (target ≤ 1.3×) ${verdict(r.ratio <= 1.3)}, ${r.cpuRatio.toFixed(2)}× in CPU time ` +
      `(pairs wall/cpu ${r.ratios.map((x) => `${x.wall.toFixed(2)}/${x.cpu.toFixed(2)}`).join(', ')}); ` +
      `peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
  )
}

if (want('responsiveness')) {
  const { runResponsivenessBench } = await import('./responsivenessBench')
  const r = await runResponsivenessBench()
  figures.responsiveness = { p99Ms: r.p99Ms, maxMs: r.maxMs, reads: r.reads, importMs: r.importMs }
  console.log(
    `responsiveness: ${r.reads} projects.list while web mode imported ${r.rows.toLocaleString('en-US')} rows (${r.importMs.toFixed(0)} ms): ` +
      `p99 ${r.p99Ms.toFixed(1)} ms (target ≤ 100), max ${r.maxMs.toFixed(1)} ms (target ≤ 300) ${verdict(r.p99Ms <= 100 && r.maxMs <= 300)}`,
  )
}

if (want('bigGeneration')) {
  const { runBigGenerationBench } = await import('./bigGenerationBench')
  const r = await runBigGenerationBench()
  figures.bigGeneration = {
    generationGetMs: r.generationGetMs,
    generationGetAgainMs: r.generationGetAgainMs,
    pageMs: r.pageMs,
    deleteMs: r.deleteMs,
    undoMs: r.undoMs,
  }
  console.log(
    `bigGeneration: ${r.measurements.toLocaleString('en-US')} measurements: generations.get ${r.generationGetMs.toFixed(0)} ms (≤ 300), ` +
      `again ${r.generationGetAgainMs.toFixed(0)} ms, page ${r.pageMs.toFixed(0)} ms (≤ 300), ` +
      `delete ${r.deleteMs.toFixed(0)} ms (≤ 1000), undo ${r.undoMs.toFixed(0)} ms (≤ 2000) ` +
      verdict(r.generationGetMs <= 300 && r.pageMs <= 300 && r.deleteMs <= 1000 && r.undoMs <= 2000),
  )
}

if (want('backup')) {
  const { runBackupBench } = await import('./backupBench')
  const r = runBackupBench()
  figures.backup = {
    exportRssMb: r.exportRssMb,
    restoreRssMb: r.restoreRssMb,
    exportMs: r.exportMs,
    restoreMs: r.restoreMs,
    backupMb: r.backupMb,
  }
  console.log(
    `backup: ${r.measurements.toLocaleString('en-US')} measurements (${r.backupMb.toFixed(0)} MiB JSON Lines): ` +
      `export ${r.exportMs.toFixed(0)} ms, peak RSS ${r.exportRssMb.toFixed(0)} MiB; restore ${r.restoreMs.toFixed(0)} ms, peak RSS ${r.restoreRssMb.toFixed(0)} MiB ` +
      `(target ≤ 400 MiB each) ${verdict(r.exportRssMb <= 400 && r.restoreRssMb <= 400)}`,
  )
}

if (want('views')) {
  const { runViewsBench } = await import('./viewsBench')
  const r = await runViewsBench()
  figures.views = {}
  for (const v of r.views) {
    figures.views[v.name.startsWith('Timeline') ? 'timelineMs' : 'compareMs'] = v.ms
    console.log(
      `views: ${v.name} drawn in ${v.ms.toFixed(0)} ms after navigation (${r.generations} generations, ${r.measurements.toLocaleString('en-US')} measurements; target ≤ 1000 ms) ${verdict(v.ms <= 1000)}`,
    )
  }
}

if (want('cli')) {
  const { runCliStartBench } = await import('./cliStartBench')
  const r = runCliStartBench()
  const [target, ...others] = r.commands
  figures.cli = { ratio: target.ratio, ms: target.ms, nodeMs: r.nodeMs }
  // The command a pipeline logs with opens the database: its ratio, for reference.
  if (others[0]) figures.cli.dbCommandRatio = others[0].ratio
  console.log(
    `cli: ${target.name} starts in ${target.ms.toFixed(0)} ms, node -e 0 in ${r.nodeMs.toFixed(0)} ms (medians of ${r.runs}); ` +
      `ratio ${target.ratio.toFixed(2)}× (target ≤ 4×) ${verdict(target.ratio <= 4)}`,
  )
  for (const c of others) {
    console.log(`cli: ${c.name} in ${c.ms.toFixed(0)} ms, ${c.ratio.toFixed(2)}× node -e 0 (for reference)`)
  }
}

if (want('bigCsv')) {
  const { runBigCsvBench } = await import('./bigCsvBench')
  const r = await runBigCsvBench()
  figures.bigCsv = { peakRssMb: r.peakRssMb, importMs: r.importMs, csvMb: r.csvMb, rows: r.rows }
  console.log(
    `bigCsv: ${r.rows.toLocaleString('en-US')} rows (${r.csvMb.toFixed(0)} MiB CSV) imported by path in ${r.importMs.toFixed(0)} ms, ` +
      `peak RSS ${r.peakRssMb.toFixed(0)} MiB (target ≤ 500 MiB) ${verdict(r.peakRssMb <= 500)}`,
  )
}

if (want('summary')) {
  const { runSummaryBench } = await import('./summaryBench')
  const r = await runSummaryBench()
  figures.summary = { ms: r.ms, afterWriteMs: r.afterWriteMs, warmMs: r.warmMs }
  console.log(
    `summary: project summary of ${r.generations} generations, ${r.measurements.toLocaleString('en-US')} measurements: ` +
      `the first after opening ${r.ms.toFixed(1)} ms, the first after a write ${r.afterWriteMs.toFixed(1)} ms (median of ${r.runs}), ` +
      `nothing written ${r.warmMs.toFixed(1)} ms (median of ${r.runs}) (target ≤ 50) ${verdict(r.ms <= 50 && r.afterWriteMs <= 50)}`,
  )
}

if (want('team')) {
  const { runTeamBench } = await import('./teamBench')
  const r = await runTeamBench()
  figures.team = {}
  console.log(`team: ${r.machine}`)
  for (const f of r.figures) {
    const key = `${f.store}${f.request[0].toUpperCase()}${f.request.slice(1)}${f.clients}`
    figures.team[`${key}Rps`] = f.rps
    figures.team[`${key}P99Ms`] = f.p99Ms
    console.log(
      `team: ${f.store.padEnd(8)} ${{ read: 'read  (projects.list)      ', summary: 'read  (projects.summary)   ', write: 'write (measurements.create)' }[f.request]} ` +
        `${String(f.clients).padStart(2)} clients: ${f.rps.toFixed(0).padStart(5)} req/s, p99 ${f.p99Ms.toFixed(1)} ms, ` +
        `median ${f.medianMs.toFixed(1)} ms (${f.requests} requests${f.errors ? `, ${f.errors} not 200` : ''})`,
    )
  }
}

if (json) {
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([part, values]) => [
      part,
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    ]),
  )
  console.log(JSON.stringify({ ...rounded, ok: !failed }))
}
process.exitCode = failed ? 1 : 0
