import { it } from 'vitest'
import { openTempApp } from '/work/main/test/support/tempDb'
import { seedLarge } from '/work/main/test/e2e/seed'
import { dispatch } from '/work/main/src-main/handlers'

it('perf', async () => {
  const app = openTempApp('web')
  let t = Date.now()
  seedLarge(app, 200, 100_000)
  console.log('seed', Date.now() - t)
  for (const name of ['timeline.get', 'generations.listAll', 'projects.list', 'app.info', 'trash.list', 'projects.trash']) {
    t = Date.now()
    const r = await dispatch(app.env, name, {})
    console.log(name, Date.now() - t, JSON.stringify(r).length)
  }
  t = Date.now()
  await dispatch(app.env, 'compare.get', { generationIds: [1, 2, 60, 120] })
  console.log('compare', Date.now() - t)
  t = Date.now()
  await dispatch(app.env, 'projects.summary', { projectId: 1 })
  console.log('summary', Date.now() - t)
  app.close()
}, 60000)
