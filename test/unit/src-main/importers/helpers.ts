import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { ImportError } from '../../../../src-main/importers'

const here = path.dirname(fileURLToPath(import.meta.url))

/** The real files shared by the project: shared/fixtures beside the repo. */
export const SHARED_FIXTURES = path.resolve(here, '../../../../../shared/fixtures')
/** Synthetic files made for these tests. */
export const OWN_FIXTURES = path.resolve(here, '../../../fixtures/importers')

export const shared = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(SHARED_FIXTURES, name)))
export const own = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(OWN_FIXTURES, name)))
export const ownText = (name: string): string => readFileSync(path.join(OWN_FIXTURES, name), 'utf8')

/**
 * Runs `parse` and expects an ImportError for `file` at `location` (exact, or a
 * pattern) whose message names the file, the location and every `mentions` text.
 */
export function expectImportError(
  parse: () => unknown,
  file: string,
  location: string | RegExp,
  ...mentions: string[]
): ImportError {
  let error: unknown
  try {
    parse()
  } catch (e) {
    error = e
  }
  expect(error, 'the parser should have refused the file').toBeInstanceOf(ImportError)
  const e = error as ImportError
  expect(e.file).toBe(file)
  if (typeof location === 'string') expect(e.location).toBe(location)
  else expect(e.location).toMatch(location)
  expect(e.message).toContain(file)
  expect(e.message).toContain(e.location)
  for (const text of mentions) expect(e.message).toContain(text)
  return e
}
