/** Compare: generations side by side, regression % per benchmark · metric. */
import { eq } from 'drizzle-orm'
import type { CompareView } from '../../../src-shared/api/views'
import { regressionFigures } from '../../../src-shared/tax'
import * as schema from '../../db/schema'
import type { ServiceContext } from '../context'
import { getGeneration } from '../generations'
import { summarizeGeneration } from './projectSummary'
/** Side by side; regression % per benchmark · metric. At most `limit` benchmarks, largest spread first. */
export function compare(ctx: ServiceContext, generationIds: number[], limit = 500): CompareView {
  const gens = generationIds.map((id) => getGeneration(ctx, id))
  const generations = gens.map((g) => summarizeGeneration(ctx, g))
  const byKey = new Map<string, { benchmark: string; metric: string; values: (number | null)[] }>()
  gens.forEach((g, column) => {
    const m = schema.benchmarkMeasurements
    const rows = ctx.db
      .select({
        benchmark: m.benchmark,
        metric: m.metric,
        baseline: m.baseline,
        aligned: m.aligned,
        direction: m.direction,
      })
      .from(m)
      .where(eq(m.generationId, g.id))
      .all()
    for (const r of rows) {
      const key = `${r.benchmark} · ${r.metric}`
      let entry = byKey.get(key)
      if (!entry) {
        entry = { benchmark: r.benchmark, metric: r.metric, values: gens.map(() => null) }
        byKey.set(key, entry)
      }
      if (r.baseline != null && r.aligned != null && r.baseline !== 0) {
        entry.values[column] = regressionFigures({
          baseline: r.baseline,
          aligned: r.aligned,
          baselineStderr: null,
          alignedStderr: null,
          direction: r.direction,
          metric: r.metric,
        }).regressionPct
      }
    }
  })
  const spread = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v != null)
    return known.length ? Math.max(...known) - Math.min(...known) : -1
  }
  const benchmarks = [...byKey.entries()]
    .map(([key, v]) => ({ key, ...v }))
    .sort((a, b) => spread(b.values) - spread(a.values) || a.key.localeCompare(b.key))
    .slice(0, limit)
  return { generations, benchmarks }
}
