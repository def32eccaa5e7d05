/** Calendar dates on a linear chart axis, in days since 1970-01-01 (no date adapter needed). */

const DAY_MS = 86_400_000

export function dayOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number)
  return Date.UTC(y, m - 1, d) / DAY_MS
}

export function isoOfDay(day: number): string {
  return new Date(Math.round(day) * DAY_MS).toISOString().slice(0, 10)
}

/** Tick label for a day number: "2021-04". */
export function monthTick(day: number): string {
  return isoOfDay(day).slice(0, 7)
}
