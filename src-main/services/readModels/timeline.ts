/** The Timeline: every project's generations, phases and forecast. */
import { asc, inArray, isNull } from 'drizzle-orm'
import type { TimelineView } from '../../../src-shared/api/views'
import * as schema from '../../db/schema'
import type { ServiceContext } from '../context'
import { listGenerations } from '../generations'
import { chunked } from '../chunked'
import { forecastFor, summarizeGenerations } from './projectSummary'
export function timeline(ctx: ServiceContext, projectIds?: number[]): TimelineView {
  const projects = ctx.db
    .select()
    .from(schema.projects)
    .where(isNull(schema.projects.deletedAt))
    .orderBy(asc(schema.projects.name))
    .all()
    .filter((p) => !projectIds || projectIds.includes(p.id))
  return {
    projects: projects.map((project) => {
      const gens = listGenerations(ctx, project.id)
      const generations = summarizeGenerations(ctx, gens)
      const names = new Map(gens.map((g) => [g.id, g.name]))
      const phases = chunked(
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
            .orderBy(asc(schema.pipelinePhases.startOn))
            .all(),
      ).map((p) => ({ ...p, generationName: names.get(p.generationId) ?? '' }))
      return { project, generations, phases, forecast: forecastFor(generations) }
    }),
  }
}
