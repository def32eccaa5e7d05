/**
 * Runs a query per chunk of ids and concatenates the rows: an `IN (…)` list stays
 * under the store's bound-parameter limit however many ids there are.
 */
export async function chunked<T>(ids: number[], load: (chunk: number[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < ids.length; i += size) {
    // A loop, not push(...rows): a spread of 100k+ rows overflows the stack.
    for (const row of await load(ids.slice(i, i + size))) out.push(row)
  }
  return out
}
