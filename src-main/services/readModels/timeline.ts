/** The Timeline: every project's generations, phases and forecast, in one batch for all projects. */
import { and, asc, inArray, isNull } from 'drizzle-orm'
import type { TimelineView } from '../../../src-shared/api/views'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'
import { groupBy } from './load'
import { forecastFor, summarizeGenerations } from './projectSummary'

export async function timeline(ctx: ServiceContext, projectIds?: number[]): Promise<TimelineView> {
  const projects = (
    await ctx.db.select().from(ctx.t.projects).where(isNull(ctx.t.projects.deletedAt)).orderBy(asc(ctx.t.projects.name))
  ).filter((p) => !projectIds || projectIds.includes(p.id))
  const ids = projects.map((p) => p.id)
  // Every project's live generations at once, in project order (the shrink follows it).
  const gens = await chunked(
    ids,
    async (chunk) =>
      await ctx.db
        .select()
        .from(ctx.t.generations)
        .where(and(inArray(ctx.t.generations.projectId, chunk), isNull(ctx.t.generations.deletedAt)))
        .orderBy(asc(ctx.t.generations.projectId), asc(ctx.t.generations.ordinal)),
  )
  const summaries = groupBy(await summarizeGenerations(ctx, gens), (s) => s.generation.projectId)
  const names = new Map(gens.map((g) => [g.id, g.name]))
  const phases = groupBy(
    await chunked(
      gens.map((g) => g.id),
      async (chunk) =>
        await ctx.db
          .select({
            id: ctx.t.pipelinePhases.id,
            generationId: ctx.t.pipelinePhases.generationId,
            name: ctx.t.pipelinePhases.name,
            startOn: ctx.t.pipelinePhases.startOn,
            endOn: ctx.t.pipelinePhases.endOn,
          })
          .from(ctx.t.pipelinePhases)
          .where(inArray(ctx.t.pipelinePhases.generationId, chunk)),
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
