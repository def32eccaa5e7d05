import { count, eq } from 'drizzle-orm'
import * as schema from '../db/schema'
import type { ServiceContext } from './context'

export function getSetting(ctx: ServiceContext, key: string): string | null {
  return ctx.db.select().from(schema.settings).where(eq(schema.settings.key, key)).get()?.value ?? null
}

export function setSetting(ctx: ServiceContext, key: string, value: string): void {
  ctx.db
    .insert(schema.settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: schema.settings.key, set: { value } })
    .run()
}

/** First run: nothing was ever stored and the welcome was not dismissed. */
export function isFirstRun(ctx: ServiceContext): boolean {
  if (getSetting(ctx, 'firstRunDismissed') === 'true') return false
  const projects = ctx.db.select({ n: count() }).from(schema.projects).get()
  return (projects?.n ?? 0) === 0
}
