/**
 * Who changed what (issue 12, item 4), through the handler table on the test store (SQLite,
 * and PostgreSQL in the integration-pg project): rows stamped with who created and last
 * changed them, an audit event per write in the same transaction, audit.list newest first,
 * and a save over a newer change refused with a conflict that names what changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch, type HandlerEnv } from '../../src-main/handlers'
import type { ApiName } from '../../src-shared/api/contract'
import type { AuditEvent } from '../../src-shared/api/views'
import { openAgain, openTempApp, TEST_STORE } from '../support/tempDb'

let app: ReturnType<typeof openTempApp>
let other: ReturnType<typeof openAgain>
/** Ada and Bob: two clients of one store, each signed in (the team server passes the name). */
let ada: HandlerEnv
let bob: HandlerEnv
beforeEach(() => {
  app = openTempApp('web')
  other = openAgain(app, 'web')
  ada = { ...app.env, actor: 'ada' }
  bob = { ...other.env, actor: 'bob' }
})
afterEach(() => {
  other.close()
  app.close()
})

async function ok<T = any>(env: HandlerEnv, name: ApiName, input: unknown): Promise<T> {
  const r = await dispatch(env, name, input)
  if (!r.ok) throw new Error(`${name} failed: ${r.error.message}`)
  return r.value as T
}
async function fail(env: HandlerEnv, name: ApiName, input: unknown) {
  const r = await dispatch(env, name, input)
  if (r.ok) throw new Error(`${name} unexpectedly succeeded`)
  return r.error
}
const events = (env: HandlerEnv, projectId: number, limit = 100) =>
  ok<AuditEvent[]>(env, 'audit.list', { projectId, limit })

async function seed(env: HandlerEnv) {
  const project = await ok(env, 'projects.create', { name: 'Alpha', description: 'first' })
  const generation = await ok(env, 'generations.create', {
    projectId: project.id,
    name: 'G1',
    pretrainedOn: '2024-01-01',
  })
  return { project, generation }
}

describe('stamps and audit events', () => {
  it('stamps who created and changed each row, and records an event per write path', async () => {
    const { project, generation } = await seed(ada)
    expect(project).toMatchObject({ createdBy: 'ada', updatedBy: 'ada' })
    expect(generation).toMatchObject({ createdBy: 'ada', updatedBy: 'ada' })
    const g = generation.id
    const m = await ok(ada, 'measurements.create', { generationId: g, benchmark: 'mmlu', baseline: 0.6, aligned: 0.58 })
    expect(m).toMatchObject({ createdBy: 'ada', updatedAt: null })
    const m2 = await ok(bob, 'measurements.update', { id: m.id, aligned: 0.59, expectedUpdatedAt: m.createdAt })
    expect(m2).toMatchObject({ createdBy: 'ada', updatedBy: 'bob', aligned: 0.59 })
    expect(m2.updatedAt > m.createdAt).toBe(true)
    const policy = await ok(bob, 'policies.create', {
      generationId: g,
      name: 'best-of-4',
      rmCost: 0,
      rows: [{ fraction: 0.5, multiplier: 4 }],
    })
    await ok(ada, 'policies.update', {
      id: policy.id,
      name: 'best-of-8',
      rmCost: 0,
      rows: [{ fraction: 0.5, multiplier: 8 }],
      expectedUpdatedAt: policy.createdAt,
    })
    const curve = await ok(bob, 'curves.create', {
      generationId: g,
      name: 'c',
      benchmark: 'mmlu',
      baseline: 0.6,
      points: [{ multiplier: 1, score: 0.58 }],
    })
    expect(curve.createdBy).toBe('bob')
    const cost = await ok(bob, 'costs.create', { generationId: g, category: 'compute', amountUsd: 100 })
    const cost2 = await ok(ada, 'costs.update', {
      id: cost.id,
      category: 'compute',
      amountUsd: 150,
      expectedUpdatedAt: cost.createdAt,
    })
    expect(cost2).toMatchObject({ createdBy: 'bob', updatedBy: 'ada', amountUsd: 150 })
    const phase = await ok(ada, 'phases.create', {
      generationId: g,
      name: 'SFT',
      startOn: '2024-01-01',
      endOn: '2024-02-01',
    })
    const phase2 = await ok(bob, 'phases.update', {
      id: phase.id,
      name: 'SFT',
      startOn: '2024-01-01',
      endOn: '2024-03-01',
      expectedUpdatedAt: phase.createdAt,
    })
    expect(phase2).toMatchObject({ createdBy: 'ada', updatedBy: 'bob', endOn: '2024-03-01' })
    const plan = await ok(ada, 'plans.save', { generationId: g, devBudgetUsd: 1000, expectedUpdatedAt: null })
    expect(plan).toMatchObject({ createdBy: 'ada' })
    const plan2 = await ok(bob, 'plans.save', {
      generationId: g,
      devBudgetUsd: 2000,
      expectedUpdatedAt: plan.updatedAt,
    })
    expect(plan2).toMatchObject({ createdBy: 'ada', updatedBy: 'bob' })
    await ok(ada, 'performance.setHeadlineMetric', { generationId: g, benchmark: 'mmlu', metric: 'score' })
    const updated = await ok(bob, 'projects.update', {
      id: project.id,
      description: 'second',
      expectedUpdatedAt: project.updatedAt,
    })
    expect(updated).toMatchObject({ createdBy: 'ada', updatedBy: 'bob' })
    await ok(bob, 'costs.delete', { id: cost.id })
    const trash = await ok<{ id: number; label: string }[]>(ada, 'trash.list', {})
    await ok(ada, 'trash.restore', { id: trash.find((t) => t.label.startsWith('cost item'))!.id })
    // The headline choice changed the generation: its version is the one read now.
    const [readAgain] = await ok(ada, 'generations.list', { projectId: project.id })
    expect(readAgain.updatedAt > generation.updatedAt).toBe(true)
    const stale = await fail(bob, 'generations.update', { id: g, notes: 'm', expectedUpdatedAt: generation.updatedAt })
    expect(stale.code).toBe('conflict')
    await ok(ada, 'generations.update', { id: g, notes: 'n', expectedUpdatedAt: readAgain.updatedAt })
    await ok(ada, 'generations.delete', { id: g })

    const list = await events(bob, project.id)
    const seen = list.map((e) => `${e.actor} ${e.action} ${e.entity}`).reverse()
    expect(seen).toEqual([
      'ada create project',
      'ada create generation',
      'ada create measurement',
      'bob update measurement',
      'bob create policy',
      'ada update policy',
      'bob create curve',
      'bob create cost',
      'ada update cost',
      'ada create phase',
      'bob update phase',
      'ada create plan',
      'bob update plan',
      'ada headline generation',
      'bob update project',
      'bob delete cost',
      'ada restore cost',
      'ada update generation',
      'ada delete generation',
    ])
    const byAction = (action: string, entity: string) => list.find((e) => e.action === action && e.entity === entity)!
    expect(byAction('update', 'project').summary).toBe('changed project "Alpha": description')
    expect(byAction('update', 'cost').summary).toContain('amountUsd')
    expect(byAction('update', 'policy').summary).toContain('name, rows')
    expect(byAction('update', 'measurement')).toMatchObject({ entityId: m.id, projectId: project.id })
    for (const e of list) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('shows local use (no actor) as null stamps and null actors', async () => {
    const project = await ok(app.env, 'projects.create', { name: 'Local' })
    expect(project).toMatchObject({ createdBy: null, updatedBy: null })
    const [event] = await events(app.env, project.id)
    expect(event).toMatchObject({
      actor: null,
      action: 'create',
      entity: 'project',
      summary: 'created project "Local"',
    })
  })

  it('records an import with who imported, on the import record and in the activity', async () => {
    const { project, generation } = await seed(ada)
    const csv = 'benchmark,metric,baseline,aligned\nmmlu,acc,0.6,0.58\narc,acc,0.5,0.49\n'
    const result = await ok(bob, 'imports.run', {
      format: 'csv',
      fileName: 'runs.csv',
      contentBase64: Buffer.from(csv).toString('base64'),
      generationId: generation.id,
      role: 'baseline',
    })
    expect(result.imported).toBe(2)
    const [record] = await ok(ada, 'imports.list', { projectId: project.id })
    expect(record.createdBy).toBe('bob')
    const [event] = await events(ada, project.id)
    expect(event).toMatchObject({ actor: 'bob', action: 'import', entity: 'import', entityId: record.id })
    expect(event.summary).toBe('imported 2 rows from runs.csv into generation "G1" (baseline)')
  })

  it('lists newest first, at most `limit`, and pages back with `before`', async () => {
    const { project } = await seed(ada)
    let current = project
    for (let i = 0; i < 5; i++) {
      current = await ok(i % 2 ? ada : bob, 'projects.update', {
        id: project.id,
        description: `d${i}`,
        expectedUpdatedAt: current.updatedAt,
      })
    }
    const all = await events(ada, project.id)
    expect(all).toHaveLength(7)
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a))
    expect(all[0]).toMatchObject({ actor: 'bob', summary: 'changed project "Alpha": description' })
    const page = await events(ada, project.id, 3)
    expect(page).toEqual(all.slice(0, 3))
    const next = await ok<AuditEvent[]>(ada, 'audit.list', { projectId: project.id, limit: 3, before: page[2].id })
    expect(next).toEqual(all.slice(3, 6))
    expect((await fail(ada, 'audit.list', { projectId: project.id, limit: 0 })).code).toBe('invalid-input')
    // Another project's events are not listed.
    const beta = await ok(ada, 'projects.create', { name: 'Beta' })
    expect(await events(ada, beta.id)).toHaveLength(1)
  })

  it('rolls the audit event back with its write', async () => {
    const { project } = await seed(ada)
    await ok(ada, 'projects.create', { name: 'Taken' })
    const e = await fail(bob, 'projects.update', {
      id: project.id,
      name: 'Taken',
      expectedUpdatedAt: project.updatedAt,
    })
    expect(e.code).toBe('conflict')
    expect((await events(ada, project.id)).map((x) => x.action)).toEqual(['create', 'create'])
  })
})

describe('two clients editing the same item', () => {
  it('refuses the second save with a conflict naming the item, who changed it, when and which fields', async () => {
    const { project, generation } = await seed(ada)
    // Both read the project; Ada saves first.
    const read = project.updatedAt
    const saved = await ok(ada, 'projects.update', { id: project.id, name: 'Alpha 2', expectedUpdatedAt: read })
    const e = await fail(bob, 'projects.update', {
      id: project.id,
      name: 'Alpha B',
      description: 'first',
      expectedUpdatedAt: read,
    })
    expect(e.code).toBe('conflict')
    expect(e.message).toContain('project "Alpha 2" was changed by ada at ')
    expect(e.message).toContain(`${saved.updatedAt.slice(0, 10)} ${saved.updatedAt.slice(11, 19)} UTC`)
    expect(e.message).toContain('differs from your version in: name')
    expect(e.message).not.toContain('description')
    expect(e.message).toContain('reload it')
    // Nothing was overwritten, and no event for the refused save.
    expect((await ok(bob, 'projects.list', {}))[0].name).toBe('Alpha 2')
    expect((await events(bob, project.id)).filter((x) => x.actor === 'bob')).toEqual([])
    // Bob reloads and saves over the version he now read.
    const again = await ok(bob, 'projects.update', {
      id: project.id,
      name: 'Alpha B',
      expectedUpdatedAt: saved.updatedAt,
    })
    expect(again).toMatchObject({ name: 'Alpha B', updatedBy: 'bob' })

    // The same for a generation and for a generation's records.
    await ok(ada, 'generations.update', {
      id: generation.id,
      technique: 'RLHF',
      expectedUpdatedAt: generation.updatedAt,
    })
    const g = await fail(bob, 'generations.update', {
      id: generation.id,
      technique: 'DPO',
      expectedUpdatedAt: generation.updatedAt,
    })
    expect(g.code).toBe('conflict')
    expect(g.message).toMatch(/^generation "G1" was changed by ada at .*differs from your version in: technique/)

    const cost = await ok(ada, 'costs.create', { generationId: generation.id, category: 'compute', amountUsd: 1 })
    await ok(ada, 'costs.update', { id: cost.id, category: 'compute', amountUsd: 2, expectedUpdatedAt: cost.createdAt })
    const c = await fail(bob, 'costs.update', {
      id: cost.id,
      category: 'compute',
      amountUsd: 3,
      note: 'x',
      expectedUpdatedAt: cost.createdAt,
    })
    expect(c.code).toBe('conflict')
    expect(c.message).toContain('was changed by ada')
    expect(c.message).toContain('amountUsd, note')

    const plan = await ok(ada, 'plans.save', { generationId: generation.id, devBudgetUsd: 5, expectedUpdatedAt: null })
    const p = await fail(bob, 'plans.save', { generationId: generation.id, devBudgetUsd: 6, expectedUpdatedAt: null })
    expect(p.code).toBe('conflict')
    expect(p.message).toContain('the plan of generation "G1" was changed by ada')
    await ok(bob, 'plans.save', { generationId: generation.id, devBudgetUsd: 6, expectedUpdatedAt: plan.updatedAt })
  })

  it('lets exactly one of two simultaneous saves over the same version win', async () => {
    const { project } = await seed(ada)
    // On PostgreSQL two connections race in the database (the compare-and-set decides); on SQLite
    // requests of one process take turns on its connection (another connection in this thread
    // would block it on the write lock), so the second finds the first's change.
    const second = TEST_STORE === 'postgres' ? bob : { ...app.env, actor: 'bob' }
    const results = await Promise.all([
      dispatch(ada, 'projects.update', { id: project.id, description: 'A', expectedUpdatedAt: project.updatedAt }),
      dispatch(second, 'projects.update', { id: project.id, description: 'B', expectedUpdatedAt: project.updatedAt }),
    ])
    const won = results.filter((r) => r.ok)
    const lost = results.filter((r) => !r.ok)
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(['conflict', 'busy']).toContain(!lost[0].ok && lost[0].error.code)
    const stored = (await ok(ada, 'projects.list', {}))[0]
    expect(stored.description).toBe((won[0] as { value: { description: string } }).value.description)
  })

  it('writes whatever is stored when no version is sent (scripts)', async () => {
    const { project } = await seed(ada)
    await ok(ada, 'projects.update', { id: project.id, description: 'x' })
    const after = await ok(bob, 'projects.update', { id: project.id, description: 'y' })
    expect(after.description).toBe('y')
  })
})
