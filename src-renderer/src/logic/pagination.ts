/** Paging of long tables: never render 100,000 rows, show 100 at a time. */

export const PAGE_SIZE = 100

export interface Page<T> {
  rows: T[]
  /** Zero-based page index, clamped to the pages that exist. */
  index: number
  pageCount: number
  total: number
  /** Zero-based index of the first row shown, and one past the last. */
  from: number
  to: number
}

export function paginate<T>(rows: readonly T[], index: number, size = PAGE_SIZE): Page<T> {
  const pageCount = Math.max(1, Math.ceil(rows.length / size))
  const clamped = Math.min(Math.max(0, Math.floor(index) || 0), pageCount - 1)
  const from = clamped * size
  const to = Math.min(rows.length, from + size)
  return { rows: rows.slice(from, to), index: clamped, pageCount, total: rows.length, from, to }
}

/** A page the server cut (rows `offset`… of `total`), in the shape the pager shows. */
export function serverPage<T>(answer: { rows: T[]; total: number; offset: number; limit: number }): Page<T> {
  const pageCount = Math.max(1, Math.ceil(answer.total / answer.limit))
  return {
    rows: answer.rows,
    index: Math.floor(answer.offset / answer.limit),
    pageCount,
    total: answer.total,
    from: answer.offset,
    to: answer.offset + answer.rows.length,
  }
}
