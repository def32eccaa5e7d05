/** Real read models for the renderer's unit tests: the sample workspace in a temp SQLite file, read by the services. */
import { openTempApp } from '../../support/tempDb'
import { loadSample } from '../../../src-main/services/sample'
import { compare, generationDetail, timeline } from '../../../src-main/services/readModels'
import { listGenerations } from '../../../src-main/services/generations'

export async function sampleReadModels() {
  const app = openTempApp()
  try {
    const { projectId } = await loadSample(app.env)
    const [gen1, gen2] = await listGenerations(app.env, projectId)
    return {
      timeline: await timeline(app.env),
      gen1: await generationDetail(app.env, gen1.id),
      gen2: await generationDetail(app.env, gen2.id),
      compare: await compare(app.env, [gen1.id, gen2.id]),
    }
  } finally {
    app.close()
  }
}
