import { describe, expect, it } from 'vitest'
import { paginate, PAGE_SIZE, serverPage } from '../../../../src-renderer/src/logic/pagination'

describe('paginate', () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => i)

  it('shows 100 rows a page', () => {
    const page = paginate(rows, 3)
    expect(PAGE_SIZE).toBe(100)
    expect(page.rows).toHaveLength(100)
    expect(page.rows[0]).toBe(300)
    expect(page).toMatchObject({ index: 3, pageCount: 1000, total: 100_000, from: 300, to: 400 })
  })

  it('clamps the page index', () => {
    expect(paginate(rows, 5000).index).toBe(999)
    expect(paginate(rows, -2).index).toBe(0)
    expect(paginate([1, 2, 3], 1).rows).toEqual([1, 2, 3])
  })

  it('has one empty page for no rows', () => {
    expect(paginate([], 0)).toMatchObject({ rows: [], pageCount: 1, total: 0, from: 0, to: 0 })
  })
})

describe('serverPage', () => {
  it('shows a page the server cut as the pager expects ("rows 101–200 of 500")', () => {
    const rows = Array.from({ length: 100 }, (_, i) => 100 + i)
    expect(serverPage({ rows, total: 500, offset: 100, limit: 100 })).toEqual({
      rows,
      index: 1,
      pageCount: 5,
      total: 500,
      from: 100,
      to: 200,
    })
    expect(serverPage({ rows: [1], total: 201, offset: 200, limit: 100 })).toMatchObject({
      index: 2,
      pageCount: 3,
      from: 200,
      to: 201,
    })
    expect(serverPage({ rows: [], total: 0, offset: 0, limit: 100 })).toMatchObject({ pageCount: 1, from: 0, to: 0 })
  })
})
