/**
 * Input checks shared by the tax engine. Each returns the checked value with a
 * narrowed type or throws a TaxInputError whose message names the field and the
 * value received, e.g. `rows[1].fraction must be between 0 and 1, got 1.5`.
 * Values arrive from forms, files and pipelines, so nothing is trusted to be a
 * number just because the TypeScript type says so.
 */
import type { Direction } from '../domain/types'
import { TaxInputError } from './errors'

/**
 * How a received value is shown in an error message (the tax engine's and the
 * importers'): numbers as-is, strings quoted, anything long cut short, a missing
 * value as "nothing".
 */
export function describeValue(value: unknown): string {
  const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text)
  if (value === undefined) return 'nothing'
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value)
  if (typeof value === 'string') return JSON.stringify(cut(value))
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function' || typeof value === 'symbol') return String(typeof value)
  try {
    return cut(JSON.stringify(value) ?? String(value))
  } catch {
    return cut(String(value))
  }
}

function fail(path: string, requirement: string, value: unknown): never {
  throw new TaxInputError(`${path} ${requirement}, got ${describeValue(value)}`, path, value)
}

export function requireFinite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number', value)
  return value
}

export function requireAtLeast(value: unknown, min: number, path: string): number {
  const x = requireFinite(value, path)
  if (x < min) fail(path, `must be at least ${min}`, value)
  return x
}

export function requireGreaterThan(value: unknown, min: number, path: string): number {
  const x = requireFinite(value, path)
  if (!(x > min)) fail(path, `must be greater than ${min}`, value)
  return x
}

export function requireBetween(value: unknown, min: number, max: number, path: string): number {
  const x = requireFinite(value, path)
  if (x < min || x > max) fail(path, `must be between ${min} and ${max}`, value)
  return x
}

export function requireInteger(value: unknown, path: string): number {
  const x = requireFinite(value, path)
  if (!Number.isInteger(x)) fail(path, 'must be a whole number', value)
  return x
}

/** A nullable number field: null and undefined mean "not recorded". */
export function optionalAtLeast(value: unknown, min: number, path: string): number | null {
  if (value === null || value === undefined) return null
  return requireAtLeast(value, min, path)
}

export function requireDirection(value: unknown, path: string): Direction {
  if (value !== 'higher' && value !== 'lower') fail(path, "must be 'higher' or 'lower'", value)
  return value
}

export function requireBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be true or false', value)
  return value
}

export function requireArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be a list', value)
  return value
}

export function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object', value)
  return value as Record<string, unknown>
}
