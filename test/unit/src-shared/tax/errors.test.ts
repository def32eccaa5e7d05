import { describe, expect, it } from 'vitest'
import { TaxInputError } from '../../../../src-shared/tax/errors'

describe('TaxInputError', () => {
  it('is an Error carrying the path and the bad value', () => {
    const error = new TaxInputError('rows[1].fraction must be between 0 and 1, got 1.5', 'rows[1].fraction', 1.5)
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(TaxInputError)
    expect(error.name).toBe('TaxInputError')
    expect(error.message).toBe('rows[1].fraction must be between 0 and 1, got 1.5')
    expect(error.path).toBe('rows[1].fraction')
    expect(error.value).toBe(1.5)
  })
})
