/**
 * The database schema: the single source of truth. Migrations in /drizzle are
 * generated from this file by drizzle-kit (`npm run db:generate`), never by hand.
 *
 * Ids use AUTOINCREMENT so that an id is never reused: undo restores rows with
 * their original ids, which must still be free.
 */
import { randomUUID } from 'node:crypto'
import { sql, type SQL } from 'drizzle-orm'
import { USER_ROLES } from '../../src-shared/api/contract'
import { check, index, integer, real, sqliteTable, text, uniqueIndex, type SQLiteColumn } from 'drizzle-orm/sqlite-core'

const id = () => integer('id').primaryKey({ autoIncrement: true })
const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)
const updatedAt = () =>
  text('updated_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

/** Who created / last changed a row: the signed-in user's name on a team server; null for local use (shown as "local"). */
const createdBy = () => text('created_by')
const updatedBy = () => text('updated_by')
/**
 * When a row users edit one by one was last changed, or null while it is as created (SQLite cannot
 * add a column with a non-constant default): its version for conflict checks is this, else created_at.
 */
const changedAt = () => text('updated_at')

// ---- CHECK constraints: the row rules of src-shared/api/rows.ts, said again in SQL so that
// no writer (an old build, a script, sqlite3 itself) can store a row the app cannot read.
type Col = SQLiteColumn
/** Non-empty text of at most `max` characters. */
/** What JavaScript's String.prototype.trim() removes (the zod rules trim): SQLite's trim() alone removes spaces. */
const JS_WHITESPACE = [
  9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239,
  8287, 12288, 65279,
].join(', ')
const textOk = (c: Col, max: number) =>
  sql`typeof(${c}) = 'text' AND trim(${c}, char(${sql.raw(JS_WHITESPACE)})) <> '' AND length(${c}) <= ${sql.raw(String(max))} AND instr(${c}, char(0)) = 0`
/** A real calendar date written YYYY-MM-DD (date() normalises 2021-02-30 to another day). */
const dateOk = (c: Col) => sql`${c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(${c}) IS ${c}`
/** A finite number (1e999 is infinity to SQLite). */
const numberOk = (c: Col) => sql`typeof(${c}) IN ('integer', 'real') AND abs(${c}) < 1e999`
/** A whole number from `min` up to the largest JavaScript reads exactly (Number.MAX_SAFE_INTEGER), as the row rules. */
const wholeOk = (c: Col, min: number) =>
  sql`typeof(${c}) = 'integer' AND ${c} >= ${sql.raw(String(min))} AND ${c} <= ${sql.raw(String(Number.MAX_SAFE_INTEGER))}`
const flagOk = (c: Col) => sql`${c} IN (0, 1)`
const oneOf = (c: Col, values: readonly string[]) => sql`${c} IN (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`
const orNull = (c: Col, rule: SQL) => sql`${c} IS NULL OR (${rule})`
/** JSON text of one kind: 'array' or 'object'. */
const jsonOk = (c: Col, type: 'array' | 'object') => sql`json_valid(${c}) AND json_type(${c}) = '${sql.raw(type)}'`
const SOURCES = ['manual', 'import', 'pipeline', 'sample'] as const

export const projects = sqliteTable(
  'projects',
  {
    id: id(),
    /**
     * The project's identity across stores (a random UUID made at creation): pushing a local
     * project to a team server finds the server's copy by it. Null only in a row written
     * before it existed and not yet filled (the migration and restores fill it).
     */
    uid: text('uid').$defaultFn(() => randomUUID()),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
    archivedAt: text('archived_at'),
    /** Set when the project is in the trash; cleared on restore. */
    deletedAt: text('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    uniqueIndex('projects_name_unique').on(t.name),
    uniqueIndex('projects_uid_unique').on(t.uid),
    check('projects_name', textOk(t.name, 200)),
    check('projects_description', sql`length(${t.description}) <= 5000`),
    check('projects_is_sample', flagOk(t.isSample)),
  ],
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
    createdBy: createdBy(),
    updatedBy: updatedBy(),
    /** Set while the generation is in the trash: hidden everywhere, its rows kept in place (no copy). */
    deletedAt: text('deleted_at'),
  },
  (t) => [
    uniqueIndex('generations_project_name_unique').on(t.projectId, t.name),
    index('generations_project_ordinal').on(t.projectId, t.ordinal),
    check('generations_name', textOk(t.name, 200)),
    check('generations_ordinal', wholeOk(t.ordinal, 0)),
    check('generations_params_b', orNull(t.paramsB, sql`${numberOk(t.paramsB)} AND ${t.paramsB} > 0`)),
    check(
      'generations_pretrain_compute_pfd',
      orNull(t.pretrainComputePfd, sql`${numberOk(t.pretrainComputePfd)} AND ${t.pretrainComputePfd} > 0`),
    ),
    check(
      'generations_pretrain_cost_usd',
      orNull(t.pretrainCostUsd, sql`${numberOk(t.pretrainCostUsd)} AND ${t.pretrainCostUsd} >= 0`),
    ),
    check('generations_technique_change', flagOk(t.techniqueChange)),
    check('generations_pretrained_on', dateOk(t.pretrainedOn)),
    check('generations_headline_metrics', jsonOk(t.headlineMetrics, 'object')),
    check(
      'generations_deployed_on',
      orNull(t.deployedOn, sql`${dateOk(t.deployedOn)} AND ${t.deployedOn} >= ${t.pretrainedOn}`),
    ),
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
    /** Who imported (null: local use); its measurements carry no stamp of their own. */
    createdBy: createdBy(),
  },
  (t) => [
    index('import_records_hash').on(t.sha256),
    check('import_records_file_name', textOk(t.fileName, 500)),
    check('import_records_format', oneOf(t.format, ['lm-eval', 'inspect', 'csv', 'backup'])),
    check('import_records_role', orNull(t.role, oneOf(t.role, ['baseline', 'aligned']))),
    check('import_records_row_count', wholeOk(t.rowCount, 0)),
  ],
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
    updatedAt: changedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    uniqueIndex('benchmark_measurements_gen_bench_metric').on(t.generationId, t.benchmark, t.metric),
    check('benchmark_measurements_benchmark', textOk(t.benchmark, 500)),
    check('benchmark_measurements_metric', textOk(t.metric, 500)),
    check('benchmark_measurements_group_path', orNull(t.groupPath, jsonOk(t.groupPath, 'array'))),
    check('benchmark_measurements_direction', oneOf(t.direction, ['higher', 'lower'])),
    check('benchmark_measurements_shots', orNull(t.shots, wholeOk(t.shots, 0))),
    check('benchmark_measurements_baseline', orNull(t.baseline, numberOk(t.baseline))),
    check('benchmark_measurements_aligned', orNull(t.aligned, numberOk(t.aligned))),
    check(
      'benchmark_measurements_baseline_stderr',
      orNull(t.baselineStderr, sql`${numberOk(t.baselineStderr)} AND ${t.baselineStderr} >= 0`),
    ),
    check(
      'benchmark_measurements_aligned_stderr',
      orNull(t.alignedStderr, sql`${numberOk(t.alignedStderr)} AND ${t.alignedStderr} >= 0`),
    ),
    check('benchmark_measurements_source', oneOf(t.source, SOURCES)),
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

/**
 * The maintained headline (src-main/services/readModels/maintained.ts): per generation,
 * the counts, headline figures and largest changes of its measurements, written with
 * them. Derived data: not in backups, filled again after a restore or an
 * upgrade; triggers (migration 0007; on PostgreSQL drizzle/pg 0004) drop a row when its generation's rows change.
 */
export const generationHeadline = sqliteTable('generation_headline', {
  generationId: integer('generation_id')
    .primaryKey()
    .references(() => generations.id, { onDelete: 'cascade' }),
  /** JSON (see maintained.ts: encodeKept). */
  figures: text('figures').notNull(),
})

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
    updatedAt: changedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    uniqueIndex('inference_policies_gen_name').on(t.generationId, t.name),
    check('inference_policies_name', textOk(t.name, 200)),
    check('inference_policies_rm_cost', sql`${numberOk(t.rmCost)} AND ${t.rmCost} >= 0`),
  ],
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
  (t) => [
    index('policy_rows_policy').on(t.policyId),
    check('policy_rows_position', wholeOk(t.position, 0)),
    check('policy_rows_fraction', sql`${numberOk(t.fraction)} AND ${t.fraction} BETWEEN 0 AND 1`),
    check('policy_rows_multiplier', sql`${numberOk(t.multiplier)} AND ${t.multiplier} >= 1`),
  ],
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
    updatedAt: changedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    uniqueIndex('compute_curves_gen_name').on(t.generationId, t.name),
    check('compute_curves_name', textOk(t.name, 200)),
    check('compute_curves_benchmark', textOk(t.benchmark, 200)),
    check('compute_curves_direction', oneOf(t.direction, ['higher', 'lower'])),
    check('compute_curves_baseline', numberOk(t.baseline)),
  ],
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
  (t) => [
    index('curve_points_curve').on(t.curveId),
    check('curve_points_multiplier', sql`${numberOk(t.multiplier)} AND ${t.multiplier} >= 1`),
    check('curve_points_score', numberOk(t.score)),
  ],
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
    updatedAt: changedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    index('cost_items_gen').on(t.generationId),
    check(
      'cost_items_category',
      oneOf(t.category, ['researcher-time', 'compute', 'human-feedback', 'infrastructure', 'other']),
    ),
    check('cost_items_amount_usd', sql`${numberOk(t.amountUsd)} AND ${t.amountUsd} >= 0`),
    check(
      'cost_items_low_usd',
      orNull(t.lowUsd, sql`${numberOk(t.lowUsd)} AND ${t.lowUsd} >= 0 AND ${t.lowUsd} <= ${t.amountUsd}`),
    ),
    check('cost_items_high_usd', orNull(t.highUsd, sql`${numberOk(t.highUsd)} AND ${t.highUsd} >= ${t.amountUsd}`)),
    check('cost_items_quantity', orNull(t.quantity, sql`${numberOk(t.quantity)} AND ${t.quantity} >= 0`)),
    check('cost_items_unit', sql`(${t.quantity} IS NULL) = (${t.unit} IS NULL OR ${t.unit} = '')`),
    check('cost_items_scales_with_model', flagOk(t.scalesWithModel)),
    check('cost_items_date', orNull(t.date, dateOk(t.date))),
    check('cost_items_source', oneOf(t.source, SOURCES)),
  ],
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
    updatedAt: changedAt(),
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    index('pipeline_phases_gen').on(t.generationId),
    check('pipeline_phases_name', textOk(t.name, 200)),
    check('pipeline_phases_dates', sql`${dateOk(t.startOn)} AND ${dateOk(t.endOn)} AND ${t.endOn} >= ${t.startOn}`),
  ],
)

const amountOk = (c: Col) => orNull(c, sql`${numberOk(c)} AND ${c} >= 0`)

export const plans = sqliteTable(
  'plans',
  {
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
    createdBy: createdBy(),
    updatedBy: updatedBy(),
  },
  (t) => [
    check(
      'plans_amounts',
      sql`${amountOk(t.targetTtdMonths)} AND ${amountOk(t.devBudgetUsd)} AND ${amountOk(t.maxPerfTaxPct)} AND ${amountOk(t.inferenceSpendUsdPerMonth)} AND ${amountOk(t.horizonMonths)} AND ${amountOk(t.delayCostUsdPerMonth)}`,
    ),
  ],
)

/**
 * Who changed what: one row per write (create, update, delete, restore, import, …), written in
 * the same transaction as the write. `actor` is the signed-in user's name on a team server, null
 * for local use. Newest first by id.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    /**
     * Without AUTOINCREMENT, as the team tables: no counter of its own enters sqlite_sequence
     * (which backups carry). Events are not part of a backup; a restore that replaces the
     * projects removes theirs (ON DELETE CASCADE).
     */
    id: integer('id').primaryKey(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    at: text('at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    actor: text('actor'),
    /** create, update, delete, restore, import, headline, … */
    action: text('action').notNull(),
    /** project, generation, measurement, policy, curve, cost, phase, plan, import */
    entity: text('entity').notNull(),
    entityId: integer('entity_id'),
    summary: text('summary').notNull(),
  },
  (t) => [index('audit_events_project').on(t.projectId, t.id)],
)

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

// ---- The team server (`atax serve`): users, browser sessions and the login rate limit. In the
// database so that several serve processes over one store share them. Not part of backups: a
// backup is the team's data, these are the server's accounts. Ids without AUTOINCREMENT so no
// counter of theirs enters sqlite_sequence (which backups carry).

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** sha256 (hex) of the personal API token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** scrypt$N$r$p$salt$hash, or null: no browser login until a password is set. */
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_name_unique').on(t.name),
    uniqueIndex('users_token_hash_unique').on(t.tokenHash),
    check('users_role', oneOf(t.role, USER_ROLES)),
  ],
)

/** A browser session: the cookie's value is the secret, the row holds its sha256 only. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What a cookie-authenticated write sends back in X-CSRF-Token. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
)

/** Failed logins per user name and client address, counted in a window (the rate limit). */
export const loginAttempts = sqliteTable('login_attempts', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStart: text('window_start').notNull(),
})
