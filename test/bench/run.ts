/**
 * `npm run bench`: the speed targets, measured (never asserted in tests).
 *   - import: 1,000,000 CSV measurements vs raw prepared inserts (target ≤ 1.5×)
 *   - views: Timeline and Compare drawn within 1 s with 200 generations and
 *     100,000 measurements (target ≤ 1000 ms)
 * `npm run bench -- import` or `-- views` runs one part. Exits 1 when a target is missed.
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

process.exitCode = failed ? 1 : 0
