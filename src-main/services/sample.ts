/**
 * The sample workspace: an RLHF pipeline over two generations, with the figures of
 * DESIGN.md (9 months then 3; 4.9 and 60 pf-days against 3,640 for pretraining;
 * best-of-4 on 10% of tasks; one benchmark that alignment improved).
 * Loading it twice changes nothing.
 */
import { eq } from 'drizzle-orm'
import type { ServiceContext } from './context'
import { createGeneration } from './generations'
import { headlineChanged } from './readModels/maintained'
import { createCost, createCurve, createMeasurement, createPhase, createPolicy, savePlan } from './records'
import {
  costCreate,
  curveCreate,
  generationCreate,
  measurementCreate,
  phaseCreate,
  planSave,
  policyCreate,
} from '../../src-shared/api/schemas'

export const SAMPLE_PROJECT_NAME = 'RLHF pipeline (sample)'

export async function loadSample(ctx: ServiceContext): Promise<{ projectId: number; created: boolean }> {
  const existing = (await ctx.db.select().from(ctx.t.projects).where(eq(ctx.t.projects.name, SAMPLE_PROJECT_NAME)))[0]
  if (existing) return { projectId: existing.id, created: false }

  return ctx.transaction(async () => {
    const project = (
      await ctx.db
        .insert(ctx.t.projects)
        .values({
          name: SAMPLE_PROJECT_NAME,
          description:
            'Sample data: a first generation aligned with RLHF in 9 months, and a later one in 3 months reusing its data and code.',
          isSample: true,
        })
        .returning()
    )[0]

    const gen1 = await createGeneration(
      ctx,
      generationCreate.parse({
        projectId: project.id,
        name: 'Gen 1 (175B)',
        baseModel: 'base-175b',
        paramsB: 175,
        pretrainComputePfd: 3640,
        pretrainCostUsd: 4_600_000,
        technique: 'RLHF (SFT → reward model → PPO-ptx)',
        techniqueChange: true,
        pretrainedOn: '2021-01-15',
        deployedOn: '2021-10-15',
        notes: 'First generation: data collection, labeler onboarding and the RLHF codebase built from scratch.',
      }),
    )
    const gen2 = await createGeneration(
      ctx,
      generationCreate.parse({
        projectId: project.id,
        name: 'Gen 2 (175B, refreshed)',
        baseModel: 'base-175b-v2',
        paramsB: 175,
        pretrainComputePfd: 3900,
        pretrainCostUsd: 4_900_000,
        technique: 'RLHF (reused data and code)',
        techniqueChange: false,
        pretrainedOn: '2022-02-01',
        deployedOn: '2022-05-01',
        notes: 'Later generation: comparison data and the training code reused.',
      }),
    )

    const costs = [
      {
        generationId: gen1.id,
        category: 'compute',
        amountUsd: 6_500,
        quantity: 4.9,
        unit: 'pf-days',
        note: 'Supervised fine-tuning',
      },
      {
        generationId: gen1.id,
        category: 'compute',
        amountUsd: 80_000,
        lowUsd: 70_000,
        highUsd: 95_000,
        quantity: 60,
        unit: 'pf-days',
        note: 'RL with a pretraining mix (PPO-ptx)',
      },
      {
        generationId: gen1.id,
        category: 'human-feedback',
        amountUsd: 350_000,
        lowUsd: 300_000,
        highUsd: 420_000,
        quantity: 50_000,
        unit: 'labels',
        scalesWithModel: false,
        note: 'Labeler compensation: demonstrations and comparisons',
      },
      {
        generationId: gen1.id,
        category: 'researcher-time',
        amountUsd: 540_000,
        quantity: 36,
        unit: 'fte-months',
        note: 'Alignment researchers and engineers',
      },
      { generationId: gen1.id, category: 'infrastructure', amountUsd: 250_000, note: 'Building the RLHF codebase' },
      {
        generationId: gen2.id,
        category: 'compute',
        amountUsd: 12_000,
        quantity: 9,
        unit: 'pf-days',
        scalesWithModel: true,
        note: 'SFT and RL on the new base model',
      },
      {
        generationId: gen2.id,
        category: 'human-feedback',
        amountUsd: 90_000,
        quantity: 12_000,
        unit: 'labels',
        note: 'Top-up comparisons',
      },
      {
        generationId: gen2.id,
        category: 'researcher-time',
        amountUsd: 180_000,
        quantity: 12,
        unit: 'fte-months',
        note: 'Reusing data and code',
      },
    ]
    for (const c of costs) await createCost(ctx, costCreate.parse({ ...c, date: null }))

    const benchmarks = [
      {
        generationId: gen1.id,
        benchmark: 'hellaswag',
        metric: 'acc',
        baseline: 0.789,
        aligned: 0.771,
        baselineStderr: 0.004,
        alignedStderr: 0.004,
        shots: 0,
      },
      {
        generationId: gen1.id,
        benchmark: 'squad',
        metric: 'f1',
        baseline: 0.712,
        aligned: 0.684,
        baselineStderr: 0.005,
        alignedStderr: 0.005,
        shots: 0,
      },
      {
        generationId: gen1.id,
        benchmark: 'drop',
        metric: 'f1',
        baseline: 0.361,
        aligned: 0.352,
        baselineStderr: 0.006,
        alignedStderr: 0.006,
        shots: 3,
      },
      {
        generationId: gen1.id,
        benchmark: 'truthfulqa_mc',
        metric: 'mc2',
        baseline: 0.446,
        aligned: 0.471,
        baselineStderr: 0.005,
        alignedStderr: 0.005,
        shots: 0,
      },
      {
        generationId: gen2.id,
        benchmark: 'hellaswag',
        metric: 'acc',
        baseline: 0.801,
        aligned: 0.795,
        baselineStderr: 0.004,
        alignedStderr: 0.004,
        shots: 0,
      },
      {
        generationId: gen2.id,
        benchmark: 'squad',
        metric: 'f1',
        baseline: 0.725,
        aligned: 0.718,
        baselineStderr: 0.005,
        alignedStderr: 0.005,
        shots: 0,
      },
      {
        generationId: gen2.id,
        benchmark: 'truthfulqa_mc',
        metric: 'mc2',
        baseline: 0.452,
        aligned: 0.459,
        baselineStderr: 0.005,
        alignedStderr: 0.005,
        shots: 0,
      },
    ]
    for (const b of benchmarks) await createMeasurement(ctx, measurementCreate.parse({ ...b, direction: 'higher' }))

    // An imported suite as lm-eval writes it: the mmlu group with its aggregate, a nested
    // sub-group and subtasks (the headline counts mmlu once); glue without an aggregate
    // (the headline computes it from its subtasks), whose cola is scored by MCC, a signed
    // metric that shows a change in points, never a %.
    const suite: Array<[string, string, string[], number, number]> = [
      ['mmlu', 'acc', [], 0.702, 0.694],
      ['mmlu_stem', 'acc', ['mmlu'], 0.611, 0.598],
      ['mmlu_anatomy', 'acc', ['mmlu', 'mmlu_stem'], 0.652, 0.63],
      ['mmlu_college_physics', 'acc', ['mmlu', 'mmlu_stem'], 0.47, 0.461],
      ['mmlu_world_religions', 'acc', ['mmlu'], 0.83, 0.842],
      ['cola', 'mcc', ['glue'], -0.09, 0.22],
      ['rte', 'acc', ['glue'], 0.643, 0.661],
    ]
    await ctx.db.insert(ctx.t.benchmarkMeasurements).values(
      suite.map(([benchmark, metric, groups, baseline, aligned]) => ({
        generationId: gen2.id,
        benchmark,
        metric,
        groupPath: groups.length ? JSON.stringify(groups) : null,
        direction: 'higher' as const,
        shots: 0,
        baseline,
        aligned,
        source: 'sample' as const,
      })),
    )

    await createPolicy(
      ctx,
      policyCreate.parse({
        generationId: gen1.id,
        name: 'Best-of-4 on hard prompts',
        rows: [{ fraction: 0.1, multiplier: 4 }],
      }),
    )
    await createPolicy(
      ctx,
      policyCreate.parse({ generationId: gen2.id, name: 'Best-of-2 on 5%', rows: [{ fraction: 0.05, multiplier: 2 }] }),
    )
    await createCurve(
      ctx,
      curveCreate.parse({
        generationId: gen1.id,
        name: 'squad best-of-k',
        benchmark: 'squad',
        direction: 'higher',
        baseline: 0.712,
        points: [
          { multiplier: 1, score: 0.684 },
          { multiplier: 2, score: 0.701 },
          { multiplier: 4, score: 0.716 },
          { multiplier: 8, score: 0.724 },
        ],
      }),
    )

    const phases = [
      [gen1.id, 'Data collection', '2021-01-15', '2021-04-30'],
      [gen1.id, 'SFT', '2021-04-15', '2021-05-31'],
      [gen1.id, 'Reward model', '2021-05-15', '2021-07-15'],
      [gen1.id, 'RL (PPO-ptx)', '2021-07-01', '2021-08-31'],
      [gen1.id, 'Evals and red-teaming', '2021-08-15', '2021-09-30'],
      [gen1.id, 'Review', '2021-09-15', '2021-10-15'],
      [gen2.id, 'SFT', '2022-02-01', '2022-02-20'],
      [gen2.id, 'Reward model', '2022-02-10', '2022-03-05'],
      [gen2.id, 'RL (PPO-ptx)', '2022-03-01', '2022-03-31'],
      [gen2.id, 'Evals and red-teaming', '2022-03-25', '2022-04-20'],
      [gen2.id, 'Review', '2022-04-15', '2022-05-01'],
    ] as const
    for (const [generationId, name, startOn, endOn] of phases) {
      await createPhase(ctx, phaseCreate.parse({ generationId, name, startOn, endOn }))
    }

    await savePlan(
      ctx,
      planSave.parse({
        generationId: gen2.id,
        targetTtdMonths: 3,
        devBudgetUsd: 300_000,
        maxPerfTaxPct: 10,
        inferenceSpendUsdPerMonth: 200_000,
        horizonMonths: 12,
        delayCostUsdPerMonth: 150_000,
        notes: 'Ship within a quarter of the base model.',
      }),
    )
    await headlineChanged(ctx, [gen1.id, gen2.id])
    return { projectId: project.id, created: true }
  })
}
