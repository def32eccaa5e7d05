/**
 * The project summary of a project with 200 generations of 1,000 benchmarks each
 * (200,000 measurements), through the handler table on a real file: the first answer
 * after opening the file (a new connection: nothing in memory), the first answer after a
 * write (a measurement edited: the memo is dropped and that generation's headline is
 * worked out again by the write), and the median of answers with nothing written between.
 */
import { openApp, type OpenApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import { fillHeadlines } from '../../src-main/services/readModels/maintained'
import { openTempApp } from '../support/tempDb'
import { seedLargeWorkspace } from './seed'

export interface SummaryResult {
  generations: number
  measurements: number
  /** The first summary after opening the file. */
  ms: number
  /** The first summary after a write (the median of `runs` write-then-summary pairs). */
  afterWriteMs: number
  /** The median of `runs` summaries with nothing written between. */
  warmMs: number
  runs: number
}

export async function runSummaryBench({ generations = 200, benchmarks = 1000, runs = 7 } = {}): Promise<SummaryResult> {
  const seeded = openTempApp('desktop')
  let reopened: OpenApp | null = null
  try {
    const { generationIds } = seedLargeWorkspace(seeded.env.sqlite, {
      projects: 1,
      generationsPerProject: generations,
      measurementsPerGeneration: benchmarks,
    })
    // The seed writes raw SQL, past the write paths: what they keep of each generation is
    // stored the way a restore or an upgrade stores it (not measured).
    await fillHeadlines(seeded.env)
    const projectId = (seeded.env.sqlite.prepare('SELECT id FROM projects').get() as { id: number }).id
    const measurementIds = seeded.env.sqlite
      .prepare('SELECT min(id) AS id FROM benchmark_measurements GROUP BY generation_id ORDER BY generation_id')
      .pluck()
      .all() as number[]
    seeded.env.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    // Opened again: a new connection remembers nothing.
    seeded.env.sqlite.close()
    reopened = openApp(seeded.file, 'desktop')
    const env = reopened.env
    const call = async (name: 'projects.summary' | 'measurements.update', input: object) => {
      const t0 = performance.now()
      const r = await dispatch(env, name, input as never)
      const ms = performance.now() - t0
      if (!r.ok) throw new Error(`summary bench: ${JSON.stringify(r).slice(0, 300)}`)
      if (name === 'projects.summary' && (r.value as { generations: unknown[] }).generations.length !== generations) {
        throw new Error(`summary bench: ${JSON.stringify(r).slice(0, 300)}`)
      }
      return ms
    }
    const summary = () => call('projects.summary', { projectId })
    const ms = await summary()
    const warm: number[] = []
    for (let i = 0; i < runs; i++) warm.push(await summary())
    const afterWrite: number[] = []
    for (let i = 0; i < runs; i++) {
      // A different generation each time, its first measurement's aligned score edited.
      await call('measurements.update', { id: measurementIds[(i * 37) % generationIds.length], aligned: 0.5 + i / 100 })
      afterWrite.push(await summary())
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    return {
      generations,
      measurements: generations * benchmarks,
      ms,
      afterWriteMs: median(afterWrite),
      warmMs: median(warm),
      runs,
    }
  } finally {
    reopened?.close()
    seeded.close()
  }
}
