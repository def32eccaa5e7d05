/**
 * The project summary of a project with 200 generations of 1,000 benchmarks each
 * (200,000 measurements), through the handler table on a real file: the first answer
 * after opening (nothing cached) and the median of the next runs.
 */
import { dispatch } from '../../src-main/handlers'
import { openTempApp } from '../support/tempDb'
import { seedLargeWorkspace } from './seed'

export interface SummaryResult {
  generations: number
  measurements: number
  /** The median of `runs` summaries. */
  ms: number
  firstMs: number
  runs: number
}

export async function runSummaryBench({ generations = 200, benchmarks = 1000, runs = 7 } = {}): Promise<SummaryResult> {
  const app = openTempApp('desktop')
  try {
    seedLargeWorkspace(app.env.sqlite, {
      projects: 1,
      generationsPerProject: generations,
      measurementsPerGeneration: benchmarks,
    })
    const projectId = (app.env.sqlite.prepare('SELECT id FROM projects').get() as { id: number }).id
    const once = async () => {
      const t0 = performance.now()
      const r = await dispatch(app.env, 'projects.summary', { projectId })
      const ms = performance.now() - t0
      if (!r.ok || (r.value as { generations: unknown[] }).generations.length !== generations) {
        throw new Error(`summary bench: ${JSON.stringify(r).slice(0, 300)}`)
      }
      return ms
    }
    const firstMs = await once()
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push(await once())
    times.sort((a, b) => a - b)
    return { generations, measurements: generations * benchmarks, ms: times[Math.floor(runs / 2)], firstMs, runs }
  } finally {
    app.close()
  }
}
