/** An internal error is answered with a sentence and a reference; its JS message only goes to the log. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { toApiError } from '../../../src-main/handlers'

afterEach(() => vi.restoreAllMocks())

describe('internal errors', () => {
  it('answer a sentence with a reference, and log the error under it', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const answer = toApiError(new TypeError("Cannot read properties of undefined (reading 'rows')"))
    expect(answer.code).toBe('internal')
    expect(answer.message).not.toMatch(/unexpected error|Cannot read|TypeError/)
    const reference = /reference ([0-9a-f]{8})/.exec(answer.message)?.[1]
    expect(reference).toBeDefined()
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0][0])).toContain(reference)
    expect(log.mock.calls[0][1]).toBeInstanceOf(TypeError)
    // Each error its own reference.
    expect(toApiError(new Error('again')).message).not.toContain(reference!)
  })
})
