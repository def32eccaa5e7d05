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

  it("go to the door's own log where it has one (the CLI's), which says where the details are", () => {
    const console_ = vi.spyOn(console, 'error').mockImplementation(() => {})
    const logged: Array<[string, unknown]> = []
    const err = new RangeError('inside')
    const answer = toApiError(err, {
      dbFile: 'x.db',
      logInternalError: (reference, e) => (logged.push([reference, e]), 'set ATAX_DEBUG=1 for the details'),
    })
    expect(answer.message).toMatch(
      /^something went wrong inside the app .*\(reference [0-9a-f]{8}; set ATAX_DEBUG=1 for the details\)$/,
    )
    expect(logged).toEqual([[/reference ([0-9a-f]{8})/.exec(answer.message)![1], err]])
    expect(console_).not.toHaveBeenCalled()
  })
})
