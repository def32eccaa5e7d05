/** The entity schemas shared by the contract, the forms and the CLI. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { costCreate, generationCreate, isoDate, phaseCreate, policyCreate } from '../../../../src-shared/api/schemas'

describe('isoDate', () => {
  it.each(['2024-02-29', '2000-02-29', '2021-01-15', '0001-01-01', '0099-12-31', '9999-12-31'])('accepts %s', (d) => {
    expect(isoDate.safeParse(d).success).toBe(true)
  })
  it.each([
    '2023-02-29',
    '1900-02-29',
    '2021-13-01',
    '2021-00-10',
    '2021-04-31',
    '2021-1-5',
    '21-01-01',
    '',
    'yesterday',
  ])('refuses %j', (d) => {
    expect(isoDate.safeParse(d).success).toBe(false)
  })
  it('agrees with the calendar for every day of years 1970–2100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
          const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d
          expect(isoDate.safeParse(text).success).toBe(real)
        },
      ),
    )
  })
})

describe('entity schemas', () => {
  it('refuses a deployment before the pretrained date, naming deployedOn', () => {
    const r = generationCreate.safeParse({
      projectId: 1,
      name: 'g',
      pretrainedOn: '2024-05-01',
      deployedOn: '2024-04-01',
    })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0].path).toEqual(['deployedOn'])
  })
  it('refuses policy fractions over 1 in total, and a phase ending before it starts', () => {
    expect(
      policyCreate.safeParse({
        generationId: 1,
        rows: [
          { fraction: 0.6, multiplier: 2 },
          { fraction: 0.6, multiplier: 2 },
        ],
      }).success,
    ).toBe(false)
    expect(
      phaseCreate.safeParse({ generationId: 1, name: 'x', startOn: '2024-02-01', endOn: '2024-01-01' }).success,
    ).toBe(false)
  })
  it('keeps a cost range around its amount, and a quantity with its unit', () => {
    expect(costCreate.safeParse({ generationId: 1, category: 'compute', amountUsd: 10, lowUsd: 12 }).success).toBe(
      false,
    )
    expect(costCreate.safeParse({ generationId: 1, category: 'compute', amountUsd: 10, quantity: 4 }).success).toBe(
      false,
    )
    expect(
      costCreate.safeParse({ generationId: 1, category: 'compute', amountUsd: 10, quantity: 4, unit: 'pf-days' })
        .success,
    ).toBe(true)
  })
})
