/** Seeds for e2e flows, written through the services (the same code the API runs) before the page opens. */
import type { openTempApp } from '../support/tempDb'
import { createProject } from '../../src-main/services/projects'
import { createGeneration } from '../../src-main/services/generations'
import { loadSample } from '../../src-main/services/sample'
import { generationCreate, projectCreate } from '../../src-shared/api/schemas'

type App = ReturnType<typeof openTempApp>

/** One project with one deployed generation; returns their ids. */
export async function seedProjectWithGeneration(
  app: App,
  name = 'Assistant alignment',
): Promise<{ projectId: number; generationId: number }> {
  const project = await createProject(app.env, projectCreate.parse({ name }))
  const generation = await createGeneration(
    app.env,
    generationCreate.parse({
      projectId: project.id,
      name: 'Gen 1',
      pretrainedOn: '2023-01-10',
      deployedOn: '2023-07-10',
    }),
  )
  return { projectId: project.id, generationId: generation.id }
}

export async function seedSample(app: App): Promise<number> {
  return (await loadSample(app.env)).projectId
}

/**
 * A big workspace: `generations` generations over a few projects and `measurements`
 * benchmark measurements spread over them, written with raw SQL in one transaction.
 */
export function seedLarge(app: App, generations = 200, measurements = 100_000): void {
  const db = app.env.sqlite
  db.transaction(() => {
    const insertProject = db.prepare(`INSERT INTO projects (name, description) VALUES (?, '') RETURNING id`)
    const insertGeneration = db.prepare(
      `INSERT INTO generations (project_id, ordinal, name, pretrained_on, deployed_on, technique_change) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    const insertMeasurement = db.prepare(
      `INSERT INTO benchmark_measurements (generation_id, benchmark, metric, direction, baseline, aligned, baseline_stderr, aligned_stderr, source)
       VALUES (?, ?, 'acc', 'higher', ?, ?, 0.01, 0.01, 'pipeline')`,
    )
    const insertPhase = db.prepare(
      `INSERT INTO pipeline_phases (generation_id, name, start_on, end_on) VALUES (?, ?, ?, ?)`,
    )
    const projects = 4
    const perProject = Math.ceil(generations / projects)
    const perGeneration = Math.ceil(measurements / generations)
    let made = 0
    for (let p = 0; p < projects; p++) {
      const { id: projectId } = insertProject.get(`Large project ${p + 1}`) as { id: number }
      for (let g = 0; g < perProject && made < generations; g++, made++) {
        const start = new Date(Date.UTC(2015, g, 1 + p))
        const end = new Date(start.getTime() + (30 + ((g * 7) % 200)) * 86_400_000)
        const iso = (d: Date) => d.toISOString().slice(0, 10)
        const { id: generationId } = insertGeneration.get(
          projectId,
          g + 1,
          `Gen ${g + 1}`,
          iso(start),
          iso(end),
          g % 10 === 0 ? 1 : 0,
        ) as {
          id: number
        }
        insertPhase.run(generationId, 'SFT', iso(start), iso(new Date(start.getTime() + 20 * 86_400_000)))
        insertPhase.run(generationId, 'RL', iso(new Date(start.getTime() + 15 * 86_400_000)), iso(end))
        for (let m = 0; m < perGeneration; m++) {
          const baseline = 0.5 + ((m * 37) % 100) / 400
          insertMeasurement.run(generationId, `task_${m}`, baseline, baseline - 0.02 + ((m * 13 + g) % 9) / 200)
        }
      }
    }
  })()
}
