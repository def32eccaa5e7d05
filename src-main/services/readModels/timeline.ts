/** The Timeline: every project's generations, phases and forecast, in one batch for all projects. */
import { and, asc, inArray, isNull } from 'drizzle-orm'
import type { TimelineView } from '../../../src-shared/api/views'
import * as schema from '../../db/schema'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'
import { groupBy } from './load'
import { forecastFor, summarizeGenerations } from './projectSummary'

export function timeline(ctx: ServiceContext, projectIds?: number[]): TimelineView {
  const projects = ctx.db
    .select()
    .from(schema.projects)
    .where(isNull(schema.projects.deletedAt))
    .orderBy(asc(schema.projects.name))
    .all()
    .filter((p) => !projectIds || projectIds.includes(p.id))
  const ids = projects.map((p) => p.id)
  // Every project's live generations at once, in project order (the shrink follows it).
  const gens = chunked(ids, (chunk) =>
    ctx.db
      .select()
      .from(schema.generations)
      .where(and(inArray(schema.generations.projectId, chunk), isNull(schema.generations.deletedAt)))
      .orderBy(asc(schema.generations.projectId), asc(schema.generations.ordinal))
      .all(),
  )
  const summaries = groupBy(summarizeGenerations(ctx, gens), (s) => s.generation.projectId)
  const names = new Map(gens.map((g) => [g.id, g.name]))
  const phases = groupBy(
    chunked(
      gens.map((g) => g.id),
      (chunk) =>
        ctx.db
          .select({
            id: schema.pipelinePhases.id,
            generationId: schema.pipelinePhases.generationId,
            name: schema.pipelinePhases.name,
            startOn: schema.pipelinePhases.startOn,
            endOn: schema.pipelinePhases.endOn,
          })
          .from(schema.pipelinePhases)
          .where(inArray(schema.pipelinePhases.generationId, chunk))
          .all(),
    ),
    (p) => p.generationId,
  )
  const projectOf = new Map(gens.map((g) => [g.id, g.projectId]))
  const phasesByProject = new Map<number, TimelineView['projects'][number]['phases']>()
  for (const [generationId, list] of phases) {
    const projectId = projectOf.get(generationId)!
    const into = phasesByProject.get(projectId) ?? []
    for (const p of list) into.push({ ...p, generationName: names.get(p.generationId) ?? '' })
    phasesByProject.set(projectId, into)
  }
  return {
    warnings: [...summaries.values()].flat().flatMap((g) => g.warnings),
    projects: projects.map((project) => {
      const generations = summaries.get(project.id) ?? []
      // By start; equal starts by generation, then as entered.
      const projectPhases = (phasesByProject.get(project.id) ?? []).sort((a, b) =>
        a.startOn !== b.startOn ? (a.startOn < b.startOn ? -1 : 1) : a.generationId - b.generationId || a.id - b.id,
      )
      return { project, generations, phases: projectPhases, forecast: forecastFor(generations) }
    }),
  }
}
