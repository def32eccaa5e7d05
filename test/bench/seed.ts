/** A large workspace for the benchmarks: many projects, generations and measurements, written raw. */
import type Database from 'better-sqlite3'

export function seedLargeWorkspace(
  sqlite: Database.Database,
  { projects = 10, generationsPerProject = 20, measurementsPerGeneration = 500 } = {},
): { generations: number; measurements: number; generationIds: number[] } {
  const generationIds: number[] = []
  sqlite.transaction(() => {
    const addProject = sqlite.prepare('INSERT INTO projects (name) VALUES (?) RETURNING id')
    const addGen = sqlite.prepare(
      `INSERT INTO generations (project_id, ordinal, name, pretrained_on, deployed_on, technique_change, pretrain_compute_pfd, pretrain_cost_usd)
       VALUES (?, ?, ?, ?, ?, ?, 3640, 4600000) RETURNING id`,
    )
    const addMeasurement = sqlite.prepare(
      `INSERT INTO benchmark_measurements (generation_id, benchmark, metric, direction, baseline, aligned, baseline_stderr, aligned_stderr, source)
       VALUES (?, ?, 'acc', 'higher', ?, ?, 0.004, 0.004, 'import')`,
    )
    const addCost = sqlite.prepare(
      "INSERT INTO cost_items (generation_id, category, amount_usd, quantity, unit) VALUES (?, 'compute', ?, ?, 'pf-days')",
    )
    const addPhase = sqlite.prepare(
      'INSERT INTO pipeline_phases (generation_id, name, start_on, end_on) VALUES (?, ?, ?, ?)',
    )
    for (let p = 0; p < projects; p++) {
      const { id: projectId } = addProject.get(`Project ${String(p + 1).padStart(2, '0')}`) as { id: number }
      for (let g = 0; g < generationsPerProject; g++) {
        const year = 2010 + g
        const months = Math.max(1, 9 - g * 0.4)
        const pretrained = `${year}-01-15`
        const deployed = `${year}-${String(1 + Math.round(months)).padStart(2, '0')}-15`
        const { id } = addGen.get(projectId, g + 1, `Gen ${g + 1}`, pretrained, deployed, g % 7 === 0 ? 1 : 0) as {
          id: number
        }
        generationIds.push(id)
        for (let m = 0; m < measurementsPerGeneration; m++) {
          const base = 0.4 + ((m * 37) % 50) / 100
          addMeasurement.run(id, `bench_${m}`, base, base - 0.03 + ((m * 13) % 60) / 1000)
        }
        addCost.run(id, 10000 + g * 100, 5 + g)
        addPhase.run(id, 'SFT', pretrained, `${year}-01-30`)
        addPhase.run(id, 'RL', `${year}-01-30`, deployed)
      }
    }
  })()
  return {
    generations: projects * generationsPerProject,
    measurements: projects * generationsPerProject * measurementsPerGeneration,
    generationIds,
  }
}
