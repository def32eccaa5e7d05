import { count, eq } from 'drizzle-orm'
import type { ServiceContext } from './context'

export async function getSetting(ctx: ServiceContext, key: string): Promise<string | null> {
  return (await ctx.db.select().from(ctx.t.settings).where(eq(ctx.t.settings.key, key)))[0]?.value ?? null
}

export async function setSetting(ctx: ServiceContext, key: string, value: string): Promise<void> {
  await ctx.db
    .insert(ctx.t.settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: ctx.t.settings.key, set: { value } })
}

/** First run: nothing was ever stored and the welcome was not dismissed. */
export async function isFirstRun(ctx: ServiceContext): Promise<boolean> {
  if ((await getSetting(ctx, 'firstRunDismissed')) === 'true') return false
  const projects = (await ctx.db.select({ n: count() }).from(ctx.t.projects))[0]
  return (projects?.n ?? 0) === 0
}
