/**
 * The database schema: the single source of truth. Migrations in /drizzle are
 * generated from this file by drizzle-kit (`npm run db:generate`), never by hand.
 *
 * Ids use AUTOINCREMENT so that an id is never reused: undo restores rows with
 * their original ids, which must still be free.
 */
import { sql } from 'drizzle-orm'
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

const id = () => integer('id').primaryKey({ autoIncrement: true })
const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)
const updatedAt = () =>
  text('updated_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const projects = sqliteTable(
  'projects',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
    archivedAt: text('archived_at'),
    /** Set when the project is in the trash; cleared on restore. */
    deletedAt: text('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('projects_name_unique').on(t.name)],
)

export const generations = sqliteTable(
  'generations',
  {
    id: id(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    name: text('name').notNull(),
    baseModel: text('base_model'),
    paramsB: real('params_b'),
    pretrainComputePfd: real('pretrain_compute_pfd'),
    pretrainCostUsd: real('pretrain_cost_usd'),
    technique: text('technique'),
    techniqueChange: integer('technique_change', { mode: 'boolean' }).notNull().default(false),
    pretrainedOn: text('pretrained_on').notNull(),
    deployedOn: text('deployed_on'),
    notes: text('notes').notNull().default(''),
    /**
     * The user's choice of headline metric per benchmark, as a JSON object
     * `{ "<benchmark>": "<metric>" }`; benchmarks not named follow the documented rule
     * (src-shared/tax/headline.ts).
     */
    headlineMetrics: text('headline_metrics').notNull().default('{}'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set while the generation is in the trash: hidden everywhere, its rows kept in place (no copy). */
    deletedAt: text('deleted_at'),
  },
  (t) => [
    uniqueIndex('generations_project_name_unique').on(t.projectId, t.name),
    index('generations_project_ordinal').on(t.projectId, t.ordinal),
  ],
)

export const importRecords = sqliteTable(
  'import_records',
  {
    id: id(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    generationId: integer('generation_id').references(() => generations.id, {
      onDelete: 'cascade',
    }),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    format: text('format', { enum: ['lm-eval', 'inspect', 'csv', 'backup'] }).notNull(),
    role: text('role', { enum: ['baseline', 'aligned'] }),
    rowCount: integer('row_count').notNull().default(0),
    importedAt: createdAt(),
  },
  (t) => [index('import_records_hash').on(t.sha256)],
)

export const benchmarkMeasurements = sqliteTable(
  'benchmark_measurements',
  {
    id: id(),
    generationId: integer('generation_id')
      .notNull()
      .references(() => generations.id, { onDelete: 'cascade' }),
    benchmark: text('benchmark').notNull(),
    metric: text('metric').notNull().default('score'),
    /**
     * The benchmark groups this task belongs to, outermost first, as a JSON array
     * (`["mmlu", "mmlu_stem"]` for mmlu_anatomy); null for a top-level benchmark. The
     * last name is the parent group. The whole path is kept because a group without
     * an aggregate score has no row of its own to say where it sits.
     */
    groupPath: text('group_path'),
    direction: text('direction', { enum: ['higher', 'lower'] })
      .notNull()
      .default('higher'),
    shots: integer('shots'),
    baseline: real('baseline'),
    aligned: real('aligned'),
    baselineStderr: real('baseline_stderr'),
    alignedStderr: real('aligned_stderr'),
    source: text('source', { enum: ['manual', 'import', 'pipeline', 'sample'] })
      .notNull()
      .default('manual'),
    importId: integer('import_id').references(() => importRecords.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('benchmark_measurements_gen_bench_metric').on(t.generationId, t.benchmark, t.metric),
    // Only the grouped rows (a partial index costs nothing to imports of flat files): a
    // generation's groups and its headline's group links are read without a scan of its rows.
    index('benchmark_measurements_gen_group')
      .on(t.generationId, t.groupPath)
      .where(sql`${t.groupPath} IS NOT NULL`),
    // Only rows the engine cannot compute (none, unless a backup or an older version stored
    // them): a page counts what it leaves out with a seek, not a scan of the generation.
    index('benchmark_measurements_gen_uncomputable')
      .on(t.generationId)
      .where(sql`${t.direction} NOT IN ('higher', 'lower')`),
  ],
)

export const inferencePolicies = sqliteTable(
  'inference_policies',
  {
    id: id(),
    generationId: integer('generation_id')
      .notNull()
      .references(() => generations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    rmCost: real('rm_cost').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('inference_policies_gen_name').on(t.generationId, t.name)],
)

export const policyRows = sqliteTable(
  'policy_rows',
  {
    id: id(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => inferencePolicies.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    fraction: real('fraction').notNull(),
    multiplier: real('multiplier').notNull(),
  },
  (t) => [index('policy_rows_policy').on(t.policyId)],
)

export const computeCurves = sqliteTable(
  'compute_curves',
  {
    id: id(),
    generationId: integer('generation_id')
      .notNull()
      .references(() => generations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    benchmark: text('benchmark').notNull(),
    direction: text('direction', { enum: ['higher', 'lower'] })
      .notNull()
      .default('higher'),
    baseline: real('baseline').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('compute_curves_gen_name').on(t.generationId, t.name)],
)

export const curvePoints = sqliteTable(
  'curve_points',
  {
    id: id(),
    curveId: integer('curve_id')
      .notNull()
      .references(() => computeCurves.id, { onDelete: 'cascade' }),
    multiplier: real('multiplier').notNull(),
    score: real('score').notNull(),
  },
  (t) => [index('curve_points_curve').on(t.curveId)],
)

export const costItems = sqliteTable(
  'cost_items',
  {
    id: id(),
    generationId: integer('generation_id')
      .notNull()
      .references(() => generations.id, { onDelete: 'cascade' }),
    category: text('category', {
      enum: ['researcher-time', 'compute', 'human-feedback', 'infrastructure', 'other'],
    }).notNull(),
    amountUsd: real('amount_usd').notNull(),
    lowUsd: real('low_usd'),
    highUsd: real('high_usd'),
    quantity: real('quantity'),
    unit: text('unit'),
    scalesWithModel: integer('scales_with_model', { mode: 'boolean' }).notNull().default(false),
    note: text('note').notNull().default(''),
    date: text('date'),
    source: text('source', { enum: ['manual', 'import', 'pipeline', 'sample'] })
      .notNull()
      .default('manual'),
    createdAt: createdAt(),
  },
  (t) => [index('cost_items_gen').on(t.generationId)],
)

export const pipelinePhases = sqliteTable(
  'pipeline_phases',
  {
    id: id(),
    generationId: integer('generation_id')
      .notNull()
      .references(() => generations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    startOn: text('start_on').notNull(),
    endOn: text('end_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('pipeline_phases_gen').on(t.generationId)],
)

export const plans = sqliteTable('plans', {
  id: id(),
  generationId: integer('generation_id')
    .notNull()
    .unique()
    .references(() => generations.id, { onDelete: 'cascade' }),
  targetTtdMonths: real('target_ttd_months'),
  devBudgetUsd: real('dev_budget_usd'),
  maxPerfTaxPct: real('max_perf_tax_pct'),
  inferenceSpendUsdPerMonth: real('inference_spend_usd_per_month'),
  horizonMonths: real('horizon_months'),
  delayCostUsdPerMonth: real('delay_cost_usd_per_month'),
  notes: text('notes').notNull().default(''),
  updatedAt: updatedAt(),
})

/**
 * Undo for deletions other than projects (which have their own trash through
 * `deletedAt`): the deleted rows, children included, as JSON keyed by table.
 */
/**
 * The trash. A deleted generation is a mark (`generation_id`, its row's `deleted_at`),
 * not a copy; smaller items (a cost, a phase, a curve…) and generations trashed before
 * marks existed are JSON snapshots of their rows in `payload`.
 */
export const trash = sqliteTable('trash', {
  id: id(),
  kind: text('kind').notNull(),
  label: text('label').notNull(),
  payload: text('payload').notNull(),
  /**
   * The marked generation. No foreign key: drizzle-kit cannot add one with ON DELETE
   * CASCADE to an existing table, so the services remove these rows before the generation.
   */
  generationId: integer('generation_id'),
  deletedAt: createdAt(),
})

/** Key/value settings of the app (first-run flag, window state, …). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})
