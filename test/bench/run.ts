/**
 * `npm run bench`: the speed targets, measured (never asserted in tests).
 *   - import: 1,000,000 CSV measurements vs raw prepared inserts (target ≤ 1.5×)
 *   - views: Timeline and Compare drawn within 1 s with 200 generations and
 *     100,000 measurements (target ≤ 1000 ms)
 *   - cli: `atax` start-up against a bare `node -e 0` (target ≤ 4×)
 * `npm run bench -- import`, `-- views` or `-- cli` runs one part. Exits 1 when a target is missed.
 */
import { runImportBench } from './importBench'

const parts = process.argv.slice(2)
const want = (name: string) => parts.length === 0 || parts.includes(name)
let failed = false

if (want('import')) {
  const r = runImportBench()
  const ok = r.ratio <= 1.5
  failed ||= !ok
  console.log(
    `import: ${r.rows.toLocaleString('en-US')} rows (${(r.csvBytes / 2 ** 20).toFixed(1)} MiB CSV) in ${r.importMs.toFixed(0)} ms; ` +
      `raw prepared inserts ${r.limitMs.toFixed(0)} ms; ratio ${r.ratio.toFixed(2)}× (target ≤ 1.5×) ${ok ? 'OK' : 'MISSED'}; peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
  )
}

if (want('views')) {
  const { runViewsBench } = await import('./viewsBench')
  const r = await runViewsBench()
  for (const v of r.views) {
    const ok = v.ms <= 1000
    failed ||= !ok
    console.log(
      `views: ${v.name} drawn in ${v.ms.toFixed(0)} ms after navigation (${r.generations} generations, ${r.measurements.toLocaleString('en-US')} measurements; target ≤ 1000 ms) ${ok ? 'OK' : 'MISSED'}`,
    )
  }
}

if (want('cli')) {
  const { runCliStartBench } = await import('./cliStartBench')
  const r = runCliStartBench()
  const [target, ...others] = r.commands
  const ok = target.ratio <= 4
  failed ||= !ok
  console.log(
    `cli: ${target.name} starts in ${target.ms.toFixed(0)} ms, node -e 0 in ${r.nodeMs.toFixed(0)} ms (medians of ${r.runs}); ` +
      `ratio ${target.ratio.toFixed(2)}× (target ≤ 4×) ${ok ? 'OK' : 'MISSED'}`,
  )
  for (const c of others) {
    console.log(`cli: ${c.name} in ${c.ms.toFixed(0)} ms, ${c.ratio.toFixed(2)}× node -e 0 (for reference)`)
  }
}

process.exitCode = failed ? 1 : 0
