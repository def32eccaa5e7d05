/**
 * What the team server's code works on: the part of the store's ServiceContext it needs
 * (`db`, `t`). The same functions run on the SQLite file and on PostgreSQL: the store's
 * opener (src-main/db/store.ts) gives each its own `db` and tables `t`.
 */
import type { ServiceContext } from '../services/context'

export type TeamContext = Pick<ServiceContext, 'db' | 't'>
