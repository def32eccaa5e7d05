/** Compare: generations side by side, regression % per benchmark · metric. */
import { and, inArray, sql } from 'drizzle-orm'
import type { CompareView } from '../../../src-shared/api/views'
import { regressionFigures } from '../../../src-shared/tax'
import type { ServiceContext } from '../context'
import { chunked } from '../chunked'
import { notFound } from '../errors'
import { COMPUTABLE } from './load'
import { previousGenerations, summarizeGenerations } from './projectSummary'

/** Side by side; regression % per benchmark · metric. At most `limit` benchmarks, largest spread first. */
export async function compare(ctx: ServiceContext, generationIds: number[], limit = 500): Promise<CompareView> {
  // The generations, their predecessors, summaries and rows: one batch for all columns, not a query per generation.
  const ids = [...new Set(generationIds)]
  const found = new Map(
    (
      await chunked(
        ids,
        async (chunk) => await ctx.db.select().from(ctx.t.generations).where(inArray(ctx.t.generations.id, chunk)),
      )
    ).map((g) => [g.id, g]),
  )
  const gens = generationIds.map((id) => {
    const g = found.get(id)
    if (!g || g.deletedAt !== null) throw notFound('generation', id)
    return g
  })
  const unique = ids.map((id) => found.get(id)!)
  const summaries = new Map(
    (await summarizeGenerations(ctx, unique, await previousGenerations(ctx, unique))).map((s) => [s.generation.id, s]),
  )
  const generations = gens.map((g) => summaries.get(g.id)!)
  const columnsOf = new Map<number, number[]>()
  gens.forEach((g, column) => columnsOf.set(g.id, [...(columnsOf.get(g.id) ?? []), column]))
  const byKey = new Map<string, { benchmark: string; metric: string; values: (number | null)[] }>()
  const m = ctx.t.benchmarkMeasurements
  const rows = await chunked(
    ids,
    async (chunk) =>
      await ctx.db
        .select({
          generationId: m.generationId,
          benchmark: m.benchmark,
          metric: m.metric,
          baseline: m.baseline,
          aligned: m.aligned,
          direction: m.direction,
        })
        .from(m)
        .where(and(inArray(m.generationId, chunk), sql.raw(COMPUTABLE))),
  )
  for (const r of rows) {
    const key = `${r.benchmark} · ${r.metric}`
    let entry = byKey.get(key)
    if (!entry) {
      entry = { benchmark: r.benchmark, metric: r.metric, values: gens.map(() => null) }
      byKey.set(key, entry)
    }
    if (r.baseline != null && r.aligned != null && r.baseline !== 0) {
      const pct = regressionFigures({
        baseline: r.baseline,
        aligned: r.aligned,
        baselineStderr: null,
        alignedStderr: null,
        direction: r.direction,
        metric: r.metric,
      }).regressionPct
      for (const column of columnsOf.get(r.generationId)!) entry.values[column] = pct
    }
  }
  const spread = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v != null)
    return known.length ? Math.max(...known) - Math.min(...known) : -1
  }
  const benchmarks = [...byKey.entries()]
    .map(([key, v]) => ({ key, ...v }))
    .sort((a, b) => spread(b.values) - spread(a.values) || a.key.localeCompare(b.key))
    .slice(0, limit)
  return { generations, benchmarks, warnings: [...summaries.values()].flatMap((g) => g.warnings) }
}
