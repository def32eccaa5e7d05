import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { generationCreate, measurementCreate, policyCreate, projectCreate } from '../../../../src-shared/api/schemas'
import {
  numberText,
  optionalNumber,
  optionalText,
  requiredNumber,
  validate,
} from '../../../../src-renderer/src/forms/validate'
import { useForm } from '../../../../src-renderer/src/forms/useForm'

describe('validate with the API schemas', () => {
  it('returns the parsed data when valid, with defaults', () => {
    const result = validate(projectCreate, { name: '  Assistant  ' })
    expect(result).toEqual({ ok: true, data: { name: 'Assistant', description: '' }, errors: {} })
  })

  it('names each field with its first problem, in the schema’s words', () => {
    const result = validate(measurementCreate, {
      generationId: 1,
      benchmark: '',
      baseline: requiredNumber(''),
      aligned: Number('x'),
    })
    expect(result.ok).toBe(false)
    expect(result.errors).toMatchObject({
      benchmark: 'benchmark must not be empty',
      baseline: 'baseline score must be a number',
      aligned: 'aligned score must be a number',
    })
  })

  it('reports row fields and cross-field rules at their paths', () => {
    const rows = validate(policyCreate, { generationId: 1, rows: [{ fraction: 1.5, multiplier: 4 }] })
    expect(rows.errors['rows.0.fraction']).toBe('fraction must be between 0 and 1')
    const sum = validate(policyCreate, {
      generationId: 1,
      rows: [
        { fraction: 0.6, multiplier: 2 },
        { fraction: 0.6, multiplier: 2 },
      ],
    })
    expect(sum.errors.rows).toBe('the fractions of tasks must add up to at most 1')
    const dates = validate(generationCreate, {
      projectId: 1,
      name: 'G',
      pretrainedOn: '2021-05-01',
      deployedOn: '2021-01-01',
    })
    expect(dates.errors.deployedOn).toBe('deployed date must not be before the pretrained date')
  })

  it('turns text boxes into numbers and back', () => {
    expect(optionalNumber('')).toBeNull()
    expect(optionalNumber('  ')).toBeNull()
    expect(optionalNumber(' 0.5 ')).toBe(0.5)
    expect(Number.isNaN(optionalNumber('abc'))).toBe(true)
    expect(requiredNumber('')).toBeUndefined()
    expect(optionalText('  ')).toBeNull()
    expect(numberText(null)).toBe('')
    expect(numberText(3)).toBe('3')
  })
})

describe('useForm', () => {
  it('shows an error only once its field is touched or a submit was tried, and never saves invalid data', async () => {
    const name = ref('')
    const form = useForm(projectCreate, () => ({ name: name.value }))
    expect(form.errorFor('name')).toBeUndefined() // invalid, but not touched yet
    form.touch('name')
    expect(form.errorFor('name')).toBe('name must not be empty')
    const saved: unknown[] = []
    expect(await form.submit(async (data) => saved.push(data))).toBe(false)
    expect(saved).toEqual([])
    name.value = 'Assistant'
    expect(form.errorFor('name')).toBeUndefined()
    expect(await form.submit(async (data) => saved.push(data))).toBe(true)
    expect(saved).toEqual([{ name: 'Assistant', description: '' }])

    const untouched = useForm(projectCreate, () => ({ name: '' }))
    await untouched.submit(async () => undefined)
    expect(untouched.errorFor('name')).toBe('name must not be empty') // after a submit attempt
  })

  it('keeps a server error for the form to show', async () => {
    const form = useForm(projectCreate, () => ({ name: 'taken' }))
    expect(
      await form.submit(async () => {
        throw new Error('a project named "taken" already exists')
      }),
    ).toBe(false)
    expect(form.serverError.value).toBe('a project named "taken" already exists')
  })
})
