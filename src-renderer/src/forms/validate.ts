/**
 * Form validation with the API's own zod schemas (src-shared/api/schemas), so a
 * form refuses exactly what the API would refuse, with the same words. Pure
 * functions, tested in Node.
 */
import type { z } from 'zod'

/** First message per field path, e.g. { 'rows.1.fraction': 'fraction must be between 0 and 1' }. */
export type FieldErrors = Record<string, string>

export type Validation<T> = { ok: true; data: T; errors: FieldErrors } | { ok: false; data: null; errors: FieldErrors }

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validation<z.output<S>> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, data: parsed.data, errors: {} }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.') || '(form)'
    errors[path] ??= issue.message
  }
  return { ok: false, data: null, errors }
}

/** An optional number typed in a text box: empty → null; anything else → a number (NaN is refused by the schema). */
export function optionalNumber(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined) return null
  if (typeof text === 'number') return text
  const trimmed = text.trim()
  return trimmed === '' ? null : Number(trimmed)
}

/** A required number typed in a text box: empty → undefined, so the schema says it must be a number. */
export function requiredNumber(text: string | number | null | undefined): number | undefined {
  const n = optionalNumber(text)
  return n === null ? undefined : n
}

/** Optional text: empty (after trimming) → null. */
export function optionalText(text: string | null | undefined): string | null {
  const trimmed = (text ?? '').trim()
  return trimmed === '' ? null : trimmed
}

/** A stored number as the text of an input box (null → ''). */
export function numberText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n)
}
