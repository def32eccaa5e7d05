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

/** Turns SQLite's constraint messages into words a user understands. */
export function explainConstraint(err: unknown, uniqueMessage: string): never {
  const message = (err as Error)?.message ?? ''
  if (message.includes('UNIQUE constraint failed')) throw new ServiceError('conflict', uniqueMessage)
  if (message.includes('FOREIGN KEY constraint failed')) {
    throw new ServiceError('not-found', 'the item it belongs to does not exist (any more)')
  }
  throw err
}
