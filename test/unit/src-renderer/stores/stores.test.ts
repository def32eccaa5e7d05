/// <reference lib="dom" />
/**
 * The Pinia stores against the real handler table on a temp SQLite file (no mocked
 * API): requests go through `dispatch`, as JSON, exactly as the web server would.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useTransport } from '../../../../src-renderer/src/api/client'
import { useAppStore } from '../../../../src-renderer/src/stores/app'
import { useProjectsStore } from '../../../../src-renderer/src/stores/projects'
import { useGenerationsStore } from '../../../../src-renderer/src/stores/generations'
import { FILTER_DELAY_MS, useMeasurementsStore } from '../../../../src-renderer/src/stores/measurements'
import { useInferenceStore } from '../../../../src-renderer/src/stores/inference'
import { useCostsStore } from '../../../../src-renderer/src/stores/costs'
import { usePhasesStore } from '../../../../src-renderer/src/stores/phases'
import { usePlansStore } from '../../../../src-renderer/src/stores/plans'
import { useTimelineStore } from '../../../../src-renderer/src/stores/timeline'
import { useCompareStore, MAX_COMPARED } from '../../../../src-renderer/src/stores/compare'
import { useTransferStore } from '../../../../src-renderer/src/stores/transfer'
import { useTrashStore } from '../../../../src-renderer/src/stores/trash'
import { dispatch } from '../../../../src-main/handlers'
import { openTempApp } from '../../../support/tempDb'

let app: ReturnType<typeof openTempApp>
const requests: string[] = []

beforeEach(() => {
  app = openTempApp('web')
  requests.length = 0
  useTransport(async (name, input, options) => {
    requests.push(name)
    const response = await dispatch(
      { ...app.env, onProgress: options?.onProgress },
      name,
      JSON.parse(JSON.stringify(input ?? {})),
    )
    return JSON.parse(JSON.stringify(response))
  })
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.useRealTimers()
  app.close()
})

/** Runs the Undo of the latest notice that has one. */
async function undoLatest() {
  const notice = [...useAppStore().notices].reverse().find((n) => n.undo)
  expect(notice, 'a notice with Undo').toBeDefined()
  await notice!.undo!()
}

async function projectWithTwoGenerations() {
  const projects = useProjectsStore()
  const generations = useGenerationsStore()
  const project = await projects.create({ name: 'Assistant' })
  const g1 = await generations.create({
    projectId: project.id,
    name: 'Gen 1',
    pretrainedOn: '2021-01-15',
    deployedOn: '2021-10-15',
  })
  const g2 = await generations.create({
    projectId: project.id,
    name: 'Gen 2',
    pretrainedOn: '2022-02-01',
    deployedOn: '2022-05-01',
  })
  return { project, g1, g2 }
}

describe('projects store', () => {
  it('creates, archives, deletes with undo, and empties the trash', async () => {
    const projects = useProjectsStore()
    const created = await projects.create({ name: 'Assistant' })
    expect(projects.active.map((p) => p.name)).toEqual(['Assistant'])

    await projects.setArchived(created.id, true)
    expect(projects.active).toEqual([])
    expect(projects.archived.map((p) => p.name)).toEqual(['Assistant'])
    await undoLatest()
    expect(projects.active.map((p) => p.name)).toEqual(['Assistant'])

    await projects.remove(created.id)
    expect(projects.list).toEqual([])
    expect(projects.trash.map((p) => p.name)).toEqual(['Assistant'])
    await undoLatest()
    expect(projects.list.map((p) => p.name)).toEqual(['Assistant'])
    expect(projects.trash).toEqual([])

    await projects.remove(created.id)
    await projects.emptyTrash()
    expect(projects.trash).toEqual([])
    expect(useAppStore().notices.at(-1)!.text).toBe('Deleted 1 project for good')
  })

  it('loads the sample workspace once', async () => {
    const projects = useProjectsStore()
    const first = await projects.loadSample()
    const again = await projects.loadSample()
    expect(first.created).toBe(true)
    expect(again).toEqual({ projectId: first.projectId, created: false })
    expect(projects.list.map((p) => p.isSample)).toEqual([true])
    expect(useAppStore().info?.firstRun).toBe(false)
  })
})

describe('app store', () => {
  it('turns a refused request into an error notice that says what is wrong', async () => {
    const appStore = useAppStore()
    const projects = useProjectsStore()
    await projects.create({ name: 'Taken' })
    const result = await appStore.attempt(() => projects.create({ name: 'Taken' }))
    expect(result).toBeUndefined()
    expect(appStore.notices.at(-1)).toMatchObject({ kind: 'error', text: 'a project named "Taken" already exists' })
  })

  it('lets notices expire, and undo notices last longer', async () => {
    vi.useFakeTimers()
    const appStore = useAppStore()
    appStore.notify('saved')
    appStore.notify('deleted', 'info', async () => undefined)
    vi.advanceTimersByTime(6_000)
    expect(appStore.notices.map((n) => n.text)).toEqual(['deleted'])
    vi.advanceTimersByTime(7_000)
    expect(appStore.notices).toEqual([])
  })

  it('opens one dialog at a time and answers confirmations', async () => {
    const appStore = useAppStore()
    appStore.open({ kind: 'new-project' })
    appStore.open({ kind: 'search' })
    expect(appStore.dialog).toEqual({ kind: 'search' })
    appStore.close()
    expect(appStore.dialog).toBeNull()
    const answer = appStore.confirm({ title: 'Sure?', message: 'Really', confirmLabel: 'Yes' })
    appStore.confirmation!.resolve(true)
    expect(await answer).toBe(true)
    expect(appStore.confirmation).toBeNull()
  })
})

describe('generations store', () => {
  it('summarises the project: time to deployment and its shrink', async () => {
    const { project } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    expect(generations.summary!.project.id).toBe(project.id)
    expect(generations.summary!.generations.map((g) => g.ttdMonths)).toEqual([9, 3])
    expect(generations.summary!.generations[1].shrink!.ratio).toBeCloseTo(3, 10)
    expect(generations.ofProject(project.id).map((g) => g.name)).toEqual(['Gen 1', 'Gen 2'])
  })

  it('updates dates, and deletes a generation with undo', async () => {
    const { g2 } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    await generations.loadDetail(g2.id)
    await generations.update({ id: g2.id, deployedOn: '2022-08-01' })
    expect(generations.detail!.summary.ttdMonths).toBe(6)
    expect(generations.summary!.generations[1].ttdMonths).toBe(6)

    await generations.remove(g2.id)
    expect(generations.summary!.generations.map((g) => g.generation.name)).toEqual(['Gen 1'])
    expect(useTrashStore().entries).toEqual([]) // not listed until refreshed, but undoable from the notice
    await undoLatest()
    expect(generations.summary!.generations.map((g) => g.generation.name)).toEqual(['Gen 1', 'Gen 2'])
    expect(generations.all.map((g) => g.name)).toEqual(['Gen 1', 'Gen 2'])
  })

  it('keeps the detail of the generation on screen when an older answer arrives late', async () => {
    const { g1, g2 } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    const slow = generations.loadDetail(g1.id)
    const fast = generations.loadDetail(g2.id)
    await Promise.all([slow, fast])
    expect(generations.detail!.summary.generation.id).toBe(g2.id)
  })
})

describe('record stores', () => {
  it('record measurements, policies, curves, costs and phases, refreshing the open generation', async () => {
    const { g1 } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    await generations.loadDetail(g1.id)

    const measurements = useMeasurementsStore()
    await measurements.openTable(g1.id)
    expect(measurements.page).toMatchObject({ rows: [], total: 0 })
    const m = await measurements.create({
      generationId: g1.id,
      benchmark: 'mmlu',
      metric: 'acc',
      baseline: 0.7,
      aligned: 0.65,
    })
    await measurements.create({
      generationId: g1.id,
      benchmark: 'truthfulqa',
      metric: 'mc2',
      baseline: 0.4,
      aligned: 0.46,
    })
    expect(measurements.page!.rows.map((r) => [r.measurement.benchmark, r.isGain])).toEqual([
      ['mmlu', false],
      ['truthfulqa', true],
    ])
    expect(generations.detail!.measurementCount).toBe(2)
    expect(generations.detail!.largestChanges.map((r) => r.measurement.benchmark)).toEqual(['truthfulqa', 'mmlu'])
    await measurements.update({ id: m.id, aligned: 0.7 })
    expect(measurements.page!.rows[0].regressionPct).toBe(0)

    const inference = useInferenceStore()
    await inference.createPolicy({ generationId: g1.id, name: 'Best-of-4', rows: [{ fraction: 0.1, multiplier: 4 }] })
    expect(generations.detail!.policies[0].taxPct).toBeCloseTo(30, 10)
    expect(generations.detail!.summary.inferenceTaxPct).toBeCloseTo(30, 10)
    await inference.createCurve({
      generationId: g1.id,
      benchmark: 'squad',
      baseline: 0.712,
      points: [
        { multiplier: 1, score: 0.684 },
        { multiplier: 4, score: 0.716 },
      ],
    })
    expect(generations.detail!.curves[0].reached).toBe(true)

    await useCostsStore().create({ generationId: g1.id, category: 'compute', amountUsd: 1000 })
    expect(generations.detail!.summary.development.totalUsd).toBe(1000)
    await usePhasesStore().create({ generationId: g1.id, name: 'SFT', startOn: '2021-02-01', endOn: '2021-03-01' })
    expect(generations.detail!.phases.map((p) => p.name)).toEqual(['SFT'])

    // Edits replace the whole record.
    const policy = generations.detail!.policies[0].policy
    await inference.updatePolicy({ id: policy.id, name: 'Best-of-2', rows: [{ fraction: 0.1, multiplier: 2 }] })
    expect(generations.detail!.policies[0]).toMatchObject({ policy: { name: 'Best-of-2' } })
    expect(generations.detail!.policies[0].taxPct).toBeCloseTo(10, 10)
    const cost = generations.detail!.costs[0]
    await useCostsStore().update({
      id: cost.id,
      category: 'human-feedback',
      amountUsd: 2500,
      lowUsd: 2000,
      highUsd: 3000,
    })
    expect(generations.detail!.summary.development).toMatchObject({ totalUsd: 2500, lowUsd: 2000, highUsd: 3000 })
    const phase = generations.detail!.phases[0]
    await usePhasesStore().update({ id: phase.id, name: 'SFT v2', startOn: '2021-02-01', endOn: '2021-04-01' })
    expect(generations.detail!.phases[0]).toMatchObject({ name: 'SFT v2', endOn: '2021-04-01' })

    // Every delete is undoable.
    const policyId = generations.detail!.policies[0].policy.id
    await inference.removePolicy(policyId, g1.id)
    expect(generations.detail!.policies).toEqual([])
    await undoLatest()
    expect(generations.detail!.policies.map((p) => p.policy.id)).toEqual([policyId])
    await measurements.remove(m.id, g1.id)
    expect(measurements.page!.rows).toHaveLength(1)
    expect(generations.detail!.measurementCount).toBe(1)
    await undoLatest()
    expect(measurements.page!.rows).toHaveLength(2)
    expect(generations.detail!.measurementCount).toBe(2)
  })

  it('saves a plan and checks the actual figures against it', async () => {
    const { g2 } = await projectWithTwoGenerations()
    const plans = usePlansStore()
    await plans.save({
      generationId: g2.id,
      targetTtdMonths: 2,
      devBudgetUsd: 100,
      inferenceSpendUsdPerMonth: 1000,
      horizonMonths: 12,
      delayCostUsdPerMonth: 500,
    })
    expect(plans.detail!.plan!.targetTtdMonths).toBe(2)
    const ttd = plans.detail!.summary.planChecks.find((c) => c.what === 'time-to-deployment')!
    expect(ttd).toMatchObject({ ok: false, actual: 3, target: 2 })
    expect(plans.detail!.summary.money!.deploymentUsd).toBe(1500)
  })
})

describe('measurements table', () => {
  /** 201 measurements of Gen 1, imported in one request: two pages of 100 and one of 1. */
  async function importMany(generationId: number) {
    const lines = Array.from({ length: 201 }, (_, i) => `task_${String(i).padStart(3, '0')},acc,0.5,${0.5 - i / 1000}`)
    const csv = ['benchmark,metric,baseline,aligned', ...lines].join('\n') + '\n'
    await useTransferStore().runImport({
      format: 'csv',
      fileName: 'many.csv',
      contentBase64: Buffer.from(csv).toString('base64'),
      generationId,
      role: 'baseline',
    })
  }

  it('pages on the server, refreshed by an import, and filters once typing pauses', async () => {
    const { g1 } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    await generations.loadDetail(g1.id)
    const measurements = useMeasurementsStore()
    await measurements.openTable(g1.id)
    expect(measurements.page!.total).toBe(0)

    await importMany(g1.id)
    expect(generations.detail!.measurementCount).toBe(201)
    expect(measurements.page).toMatchObject({ total: 201, offset: 0, limit: 100 })
    expect(measurements.page!.rows[0].measurement.benchmark).toBe('task_000')
    await measurements.goToPage(2)
    expect(measurements.page!.rows.map((r) => r.measurement.benchmark)).toEqual(['task_200'])

    vi.useFakeTimers()
    requests.length = 0
    const typing = [measurements.setFilter('TASK_1'), measurements.setFilter('TASK_15')]
    expect(measurements.filter).toBe('TASK_15')
    await vi.advanceTimersByTimeAsync(FILTER_DELAY_MS - 1)
    expect(requests).toEqual([]) // nothing asked while the user types
    await vi.advanceTimersByTimeAsync(1)
    await Promise.all(typing)
    expect(requests).toEqual(['measurements.page']) // once, for the last text
    expect(measurements.page).toMatchObject({ total: 10, offset: 0 })
    expect(measurements.page!.rows[0].measurement.benchmark).toBe('task_150')
  })

  it('shows the last page there is when a delete empties the one on screen', async () => {
    const { g1 } = await projectWithTwoGenerations()
    const measurements = useMeasurementsStore()
    await measurements.openTable(g1.id)
    await importMany(g1.id)
    await measurements.goToPage(2)
    const [last] = measurements.page!.rows
    await measurements.remove(last.measurement.id, g1.id)
    expect(measurements.page).toMatchObject({ total: 200, offset: 100 })
    expect(measurements.page!.rows).toHaveLength(100)
    await undoLatest()
    expect(measurements.page).toMatchObject({ total: 201, offset: 100 })
  })

  it('leaves the table of another generation alone', async () => {
    const { g1, g2 } = await projectWithTwoGenerations()
    const measurements = useMeasurementsStore()
    await measurements.openTable(g2.id)
    requests.length = 0
    await measurements.create({ generationId: g1.id, benchmark: 'mmlu', baseline: 0.7, aligned: 0.65 })
    expect(requests).not.toContain('measurements.page')
    expect(measurements.page!.total).toBe(0)
  })
})

describe('timeline and compare stores', () => {
  it('loads the timeline, optionally for some projects', async () => {
    const { project } = await projectWithTwoGenerations()
    await useProjectsStore().create({ name: 'Empty' })
    const timeline = useTimelineStore()
    await timeline.load()
    expect(timeline.view!.projects.map((p) => p.project.name)).toEqual(['Assistant', 'Empty'])
    timeline.projectIds = [project.id]
    await timeline.load()
    expect(timeline.view!.projects.map((p) => p.project.name)).toEqual(['Assistant'])
    expect(timeline.view!.projects[0].forecast).not.toBeNull()
  })

  it('shows or hides projects on the timeline, never hiding the last one', () => {
    const timeline = useTimelineStore()
    expect(timeline.toggleProject(2, [1, 2, 3])).toBe(true)
    expect(timeline.projectIds).toEqual([1, 3])
    expect(timeline.toggleProject(1, [1, 2, 3])).toBe(true)
    expect(timeline.projectIds).toEqual([3])
    expect(timeline.toggleProject(3, [1, 2, 3])).toBe(false)
    expect(timeline.projectIds).toEqual([3])
    timeline.toggleProject(1, [1, 2, 3])
    timeline.toggleProject(2, [1, 2, 3])
    expect(timeline.projectIds).toEqual([]) // all shown again
    timeline.toggleProject(2, [1, 2, 3])
    timeline.showAll()
    expect(timeline.projectIds).toEqual([])
  })

  it('compares at least two and at most twelve generations', async () => {
    const { g1, g2 } = await projectWithTwoGenerations()
    const compare = useCompareStore()
    compare.toggle(g1.id)
    await compare.load()
    expect(compare.view).toBeNull()
    expect(requests).not.toContain('compare.get')
    compare.toggle(g2.id)
    await compare.load()
    expect(compare.view!.generations.map((g) => g.ttdMonths)).toEqual([9, 3])
    compare.toggle(g1.id)
    expect(compare.selected).toEqual([g2.id])
    compare.selected = Array.from({ length: MAX_COMPARED }, (_, i) => 100 + i)
    compare.toggle(999)
    expect(compare.selected).toHaveLength(MAX_COMPARED)
    expect(compare.selected).not.toContain(999)
  })
})

describe('transfer store', () => {
  const csv = 'benchmark,metric,baseline,aligned\nmmlu,acc,0.70,0.65\nweird_eval,weirdness,0.50,0.40\n'
  const base64 = Buffer.from(csv).toString('base64')

  it('asks for missing directions, then imports with them, reporting progress', async () => {
    const { g1 } = await projectWithTwoGenerations()
    const generations = useGenerationsStore()
    await generations.loadDetail(g1.id)
    const measurements = useMeasurementsStore()
    await measurements.openTable(g1.id)
    const transfer = useTransferStore()
    const first = await transfer.runImport({
      format: 'csv',
      fileName: 'r.csv',
      contentBase64: base64,
      generationId: g1.id,
      role: 'baseline',
    })
    expect(first.needsDirection).toEqual(['weirdness'])
    expect(first.imported).toBe(0)
    expect(transfer.phase).toBe('done')
    const second = await transfer.rerunWithDirections({ weirdness: 'lower' })
    expect(second.imported).toBe(2)
    expect(transfer.result).toEqual(second)
    expect(generations.detail!.measurementCount).toBe(2)
    expect(measurements.page!.rows.map((r) => [r.measurement.benchmark, r.measurement.direction])).toEqual([
      ['mmlu', 'higher'],
      ['weird_eval', 'lower'],
    ])
  })

  it('keeps the failure of a broken file', async () => {
    const { g1 } = await projectWithTwoGenerations()
    const transfer = useTransferStore()
    await expect(
      transfer.runImport({
        format: 'lm-eval',
        fileName: 'broken.json',
        contentBase64: Buffer.from('{ not json').toString('base64'),
        generationId: g1.id,
        role: 'aligned',
      }),
    ).rejects.toThrow()
    expect(transfer.phase).toBe('failed')
    expect(transfer.error).toMatch(/broken\.json/)
    transfer.reset()
    expect(transfer.phase).toBe('idle')
  })

  it('exports the backup and restores it', async () => {
    await projectWithTwoGenerations()
    const transfer = useTransferStore()
    const backup = await transfer.exportBackup()
    expect(backup.fileName).toMatch(/^alignment-tax-backup-.*\.json$/)
    await useProjectsStore().create({ name: 'Later' })
    const restored = await transfer.restoreBackup(backup.fileName, Buffer.from(backup.content).toString('base64'))
    expect(restored.projects).toBe(1)
    expect(useProjectsStore().list.map((p) => p.name)).toEqual(['Assistant'])
    expect(useGenerationsStore().all).toHaveLength(2)
  })
})
