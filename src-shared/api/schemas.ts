/**
 * Input schemas for every entity. The API contract, the forms of the UI and the CLI
 * all validate with these, so a value refused in one place is refused everywhere
 * with the same words.
 */
import { z } from 'zod'
import { COST_CATEGORIES } from '../domain/types'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** A real calendar date written YYYY-MM-DD (2021-02-30 is refused). */
export const isoDate = z.string({ error: 'must be a date written YYYY-MM-DD' }).refine((s) => {
  if (!ISO_DATE.test(s)) return false
  const [y, m, d] = s.split('-').map(Number)
  // Plain calendar arithmetic: Date.UTC would read years 0–99 as 1900–1999.
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
  return days !== undefined && d >= 1 && d <= days
}, 'must be a real date written YYYY-MM-DD')

/** The largest id: PostgreSQL's integer (the team server's ids); SQLite's ids never reach it either. */
export const MAX_ID = 2_147_483_647

export const id = z
  .number({ error: 'must be a numeric id' })
  .int('must be a whole number')
  .positive('must be positive')
  .max(MAX_ID, `must be at most ${MAX_ID}`)

export const name = (what: string, max = 200) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    // PostgreSQL's text cannot hold U+0000; SQLite's CHECK refuses it too (src-main/db/schema.ts).
    .refine((s) => !s.includes('\u0000'), `${what} must not contain a NUL character`)

export const finite = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be a finite number`)
export const nonNegative = (what: string) => finite(what).refine((x) => x >= 0, `${what} must not be negative`)
export const positive = (what: string) => finite(what).refine((x) => x > 0, `${what} must be greater than 0`)

export const direction = z.enum(['higher', 'lower'], { error: "direction must be 'higher' or 'lower'" })
export const costCategory = z.enum(COST_CATEGORIES, {
  error: `category must be one of ${COST_CATEGORIES.join(', ')}`,
})

export const projectCreate = z.object({
  name: name('name'),
  description: z.string().max(5000).default(''),
})

/**
 * The `updatedAt` the client read (for records never changed: their `createdAt`): a save
 * over a newer change is refused with a conflict, never a silent overwrite. Leave it out to
 * write whatever is stored (scripts).
 */
export const expectedUpdatedAt = z.string().min(1).max(40).optional()

export const projectUpdate = z.object({
  id,
  expectedUpdatedAt,
  name: name('name').optional(),
  description: z.string().max(5000).optional(),
  archived: z.boolean().optional(),
})

export const generationFields = {
  name: name('name'),
  pretrainedOn: isoDate,
  deployedOn: isoDate.nullable().default(null),
  baseModel: z.string().trim().max(200).nullable().default(null),
  paramsB: positive('parameters (billions)').nullable().default(null),
  pretrainComputePfd: positive('pretraining compute (pf-days)').nullable().default(null),
  pretrainCostUsd: nonNegative('pretraining cost (USD)').nullable().default(null),
  technique: z.string().trim().max(200).nullable().default(null),
  techniqueChange: z.boolean().default(false),
  notes: z.string().max(20000).default(''),
}

export const deployedAfterPretrained = (g: { pretrainedOn?: string; deployedOn?: string | null }) =>
  !g.deployedOn || !g.pretrainedOn || g.deployedOn >= g.pretrainedOn

export const generationCreate = z.object({ projectId: id, ...generationFields }).refine(deployedAfterPretrained, {
  message: 'deployed date must not be before the pretrained date',
  path: ['deployedOn'],
})

export const generationUpdate = z.object({
  id,
  expectedUpdatedAt,
  name: generationFields.name.optional(),
  pretrainedOn: isoDate.optional(),
  deployedOn: isoDate.nullable().optional(),
  baseModel: z.string().trim().max(200).nullable().optional(),
  paramsB: positive('parameters (billions)').nullable().optional(),
  pretrainComputePfd: positive('pretraining compute (pf-days)').nullable().optional(),
  pretrainCostUsd: nonNegative('pretraining cost (USD)').nullable().optional(),
  technique: z.string().trim().max(200).nullable().optional(),
  techniqueChange: z.boolean().optional(),
  notes: z.string().max(20000).optional(),
})

/** Imported suites have long task names (lm-eval groups): more room than a name typed by hand. */
export const benchmarkName = (what: string) => name(what, 500)

export const shots = z
  .number({ error: 'shots must be a number' })
  .int('shots must be a whole number')
  .min(0, 'shots must not be negative')

export const measurementCreate = z.object({
  generationId: id,
  benchmark: benchmarkName('benchmark'),
  metric: benchmarkName('metric').default('score'),
  direction: direction.default('higher'),
  shots: shots.nullable().default(null),
  baseline: finite('baseline score'),
  aligned: finite('aligned score'),
  baselineStderr: nonNegative('baseline standard error').nullable().default(null),
  alignedStderr: nonNegative('aligned standard error').nullable().default(null),
  source: z.enum(['manual', 'pipeline']).default('manual'),
})

export const measurementUpdate = z.object({
  id,
  expectedUpdatedAt,
  benchmark: benchmarkName('benchmark').optional(),
  metric: benchmarkName('metric').optional(),
  direction: direction.optional(),
  shots: shots.nullable().optional(),
  baseline: finite('baseline score').nullable().optional(),
  aligned: finite('aligned score').nullable().optional(),
  baselineStderr: nonNegative('baseline standard error').nullable().optional(),
  alignedStderr: nonNegative('aligned standard error').nullable().optional(),
})

export const policyRow = z.object({
  fraction: finite('fraction').refine((p) => p >= 0 && p <= 1, 'fraction must be between 0 and 1'),
  multiplier: finite('multiplier').refine((k) => k >= 1, 'multiplier must be at least 1'),
})

/** Fractions of tasks add up to at most 1 (with room for rounding). */
export const fractionsFitInOne = (rows: { fraction: number }[]) => rows.reduce((s, r) => s + r.fraction, 0) <= 1 + 1e-9
export const FRACTIONS_MESSAGE = 'the fractions of tasks must add up to at most 1'

/** A quantity comes with its unit, and a unit with its quantity. */
export const quantityHasUnit = (c: { quantity: number | null; unit: string | null }) =>
  (c.quantity === null) === (c.unit === null || c.unit === '')
export const QUANTITY_UNIT_MESSAGE = 'a quantity needs a unit, and a unit a quantity'
export const RANGE_MESSAGE = 'the low estimate must not exceed the amount, nor the amount the high estimate'

export const policyCreate = z
  .object({
    generationId: id,
    name: name('name').default('Policy'),
    rmCost: nonNegative('reward-model cost').default(0),
    rows: z.array(policyRow).min(1, 'a policy needs at least one row'),
  })
  .refine((p) => fractionsFitInOne(p.rows), {
    message: FRACTIONS_MESSAGE,
    path: ['rows'],
  })

export const curvePoint = z.object({
  multiplier: finite('multiplier').refine((k) => k >= 1, 'multiplier must be at least 1'),
  score: finite('score'),
})

export const curveCreate = z.object({
  generationId: id,
  name: name('name').default('Curve'),
  benchmark: name('benchmark'),
  direction: direction.default('higher'),
  baseline: finite('baseline score'),
  points: z.array(curvePoint).min(1, 'a curve needs at least one point'),
})

export const costFields = {
  category: costCategory,
  amountUsd: nonNegative('amount (USD)'),
  lowUsd: nonNegative('low estimate (USD)').nullable().default(null),
  highUsd: nonNegative('high estimate (USD)').nullable().default(null),
  quantity: nonNegative('quantity').nullable().default(null),
  unit: z.string().trim().max(50).nullable().default(null),
  scalesWithModel: z.boolean().default(false),
  note: z.string().max(5000).default(''),
  date: isoDate.nullable().default(null),
}

export const rangeHoldsAmount = (c: { amountUsd: number; lowUsd: number | null; highUsd: number | null }) =>
  (c.lowUsd === null || c.lowUsd <= c.amountUsd) && (c.highUsd === null || c.highUsd >= c.amountUsd)

export const costCreate = z
  .object({ generationId: id, ...costFields, source: z.enum(['manual', 'pipeline']).default('manual') })
  .refine(rangeHoldsAmount, {
    message: RANGE_MESSAGE,
    path: ['lowUsd'],
  })
  .refine(quantityHasUnit, {
    message: QUANTITY_UNIT_MESSAGE,
    path: ['unit'],
  })

export const endsAfterStart = (p: { startOn: string; endOn: string }) => p.endOn >= p.startOn

export const phaseCreate = z
  .object({ generationId: id, name: name('name'), startOn: isoDate, endOn: isoDate })
  .refine(endsAfterStart, { message: 'end must not be before start', path: ['endOn'] })

const optionalAmount = (what: string) => nonNegative(what).nullable().default(null)

export const planSave = z.object({
  generationId: id,
  targetTtdMonths: optionalAmount('target time to deployment (months)'),
  devBudgetUsd: optionalAmount('development budget (USD)'),
  maxPerfTaxPct: optionalAmount('maximum performance tax (%)'),
  inferenceSpendUsdPerMonth: optionalAmount('inference spend per month (USD)'),
  horizonMonths: optionalAmount('horizon (months)'),
  delayCostUsdPerMonth: optionalAmount('cost of delay per month (USD)'),
  notes: z.string().max(20000).default(''),
  /** The plan's `updatedAt` the client read, or null when it read no plan (see expectedUpdatedAt). */
  expectedUpdatedAt: z.string().min(1).max(40).nullable().optional(),
})

export type ProjectCreate = z.input<typeof projectCreate>
export type GenerationCreate = z.input<typeof generationCreate>
export type MeasurementCreate = z.input<typeof measurementCreate>
export type PolicyCreate = z.input<typeof policyCreate>
export type CurveCreate = z.input<typeof curveCreate>
export type CostCreate = z.input<typeof costCreate>
export type PhaseCreate = z.input<typeof phaseCreate>
export type PlanSave = z.input<typeof planSave>

// ---- edits of a generation's records (the UI's Edit buttons): the whole record is sent again ----

export const costUpdate = z
  .object({ id, expectedUpdatedAt, ...costFields })
  .refine(rangeHoldsAmount, {
    message: RANGE_MESSAGE,
    path: ['lowUsd'],
  })
  .refine(quantityHasUnit, {
    message: QUANTITY_UNIT_MESSAGE,
    path: ['unit'],
  })

export const phaseUpdate = z
  .object({ id, expectedUpdatedAt, name: name('name'), startOn: isoDate, endOn: isoDate })
  .refine(endsAfterStart, { message: 'end must not be before start', path: ['endOn'] })

export const policyUpdate = z
  .object({
    id,
    expectedUpdatedAt,
    name: name('name'),
    rmCost: nonNegative('reward-model cost').default(0),
    rows: z.array(policyRow).min(1, 'a policy needs at least one row'),
  })
  .refine((p) => fractionsFitInOne(p.rows), {
    message: FRACTIONS_MESSAGE,
    path: ['rows'],
  })

export type CostUpdate = z.input<typeof costUpdate>
export type PhaseUpdate = z.input<typeof phaseUpdate>
export type PolicyUpdate = z.input<typeof policyUpdate>
