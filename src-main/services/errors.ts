/** Errors a service raises on purpose; the handler table turns them into ApiErrors. */
export class ServiceError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict' | 'invalid-data' | 'cancelled' | 'disk-full',
    message: string,
  ) {
    super(message)
    this.name = 'ServiceError'
  }
}

export const notFound = (what: string, id: number | string) =>
  new ServiceError('not-found', `${what} ${typeof id === 'number' ? `#${id}` : `"${id}"`} does not exist`)

/**
 * PostgreSQL's SQLSTATE of an error, or of its cause (drizzle wraps the driver's errors in
 * DrizzleQueryError): '23505' unique, '23503' foreign key, '23514' check, …
 */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
  }
  return undefined
}

/** Turns the store's constraint errors (SQLite's messages, PostgreSQL's SQLSTATEs) into words a user understands. */
export function explainConstraint(err: unknown, uniqueMessage: string): never {
  const message = (err as Error)?.message ?? ''
  const state = sqlState(err)
  if (message.includes('UNIQUE constraint failed') || state === '23505')
    throw new ServiceError('conflict', uniqueMessage)
  if (message.includes('FOREIGN KEY constraint failed') || state === '23503') {
    throw new ServiceError('not-found', 'the item it belongs to does not exist (any more)')
  }
  throw err
}
