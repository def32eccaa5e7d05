/**
 * The summaries keep a generation's counts and headline figures while nothing is
 * written (services/readModels/load.ts). After every write path — measurement create,
 * update and delete, import, headline-metric choice, trash mark and unmark, backup
 * restore, and a write from another connection — the summary of the open app must equal
 * the one a fresh connection (nothing remembered) computes from the store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OpenApp } from '../../src-main/app'
import { dispatch } from '../../src-main/handlers'
import type { ApiName } from '../../src-shared/api/contract'
import { openAgain, openTempApp } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>

beforeEach(() => {
  app = openTempApp()
})
afterEach(() => app.close())

async function call(name: ApiName, input: unknown, on: OpenApp = app): Promise<any> {
  const r = await dispatch(on.env, name, input as never)
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`)
  return r.value
}

/** The project summary by the open app and by a fresh connection; they must agree. */
async function summaries(projectId: number) {
  const fresh = openAgain(app)
  try {
    const fromFresh = await call('projects.summary', { projectId }, fresh)
    const fromOpen = await call('projects.summary', { projectId })
    return { fromOpen, fromFresh }
  } finally {
    fresh.close()
  }
}

describe('remembered summary figures', () => {
  it('follow every write path', async () => {
    const project = await call('projects.create', { name: 'P' })
    const gen = await call('generations.create', { projectId: project.id, name: 'G1', pretrainedOn: '2024-01-01' })
    await call('generations.create', { projectId: project.id, name: 'G2', pretrainedOn: '2024-06-01' })
    const a = await call('measurements.create', {
      generationId: gen.id,
      benchmark: 'mmlu',
      metric: 'acc',
      baseline: 0.6,
      aligned: 0.5,
    })
    await call('measurements.create', {
      generationId: gen.id,
      benchmark: 'mmlu',
      metric: 'acc_norm',
      baseline: 0.6,
      aligned: 0.3,
    })

    let previous = (await summaries(project.id)).fromFresh
    const step = async (what: string, write: () => Promise<unknown>) => {
      // Read first, so the open app has remembered figures to keep or drop.
      await call('projects.summary', { projectId: project.id })
      await write()
      const { fromOpen, fromFresh } = await summaries(project.id)
      expect(fromOpen, what).toEqual(fromFresh)
      // Each write changes the summary, so a stale memo could not pass unnoticed.
      expect(fromFresh, `${what} changes the summary`).not.toEqual(previous)
      previous = fromFresh
    }

    await step('measurement create', () =>
      call('measurements.create', {
        generationId: gen.id,
        benchmark: 'gsm8k',
        metric: 'exact_match',
        baseline: 0.5,
        aligned: 0.4,
      }),
    )
    await step('measurement update', () => call('measurements.update', { id: a.id, aligned: 0.7 }))
    await step('headline metric choice', () =>
      call('performance.setHeadlineMetric', { generationId: gen.id, benchmark: 'mmlu', metric: 'acc_norm' }),
    )
    let trashed: { id: number } = { id: 0 }
    await step('measurement delete', async () => {
      trashed = await call('measurements.delete', { id: a.id })
    })
    await step('trash restore (unmark)', () => call('trash.restore', { id: trashed.id }))
    await step('import', () =>
      call('imports.run', {
        format: 'csv',
        fileName: 'more.csv',
        contentBase64: Buffer.from('benchmark,metric,value\nhellaswag,acc_norm,0.8\narc,acc,0.5\n').toString('base64'),
        generationId: gen.id,
        role: 'baseline',
      }).then(() =>
        call('imports.run', {
          format: 'csv',
          fileName: 'more-aligned.csv',
          contentBase64: Buffer.from('benchmark,metric,value\nhellaswag,acc_norm,0.6\narc,acc,0.45\n').toString(
            'base64',
          ),
          generationId: gen.id,
          role: 'aligned',
        }),
      ),
    )
    const backup = await call('backup.export', {})
    await step('a write from another connection', async () => {
      const other = openAgain(app)
      try {
        await call(
          'measurements.create',
          { generationId: gen.id, benchmark: 'bbh', metric: 'acc', baseline: 0.5, aligned: 0.2 },
          other,
        )
      } finally {
        other.close()
      }
    })
    await step('backup restore', () =>
      call('backup.restore', { fileName: 'b.json', contentBase64: Buffer.from(backup.content).toString('base64') }),
    )
    await step('generation to the trash (mark)', () => call('generations.delete', { id: gen.id }))
  })
})
