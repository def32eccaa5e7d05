/**
 * No import cycles in src-main and src-shared (type imports included): the cycle
 * app.ts → handlers.ts → exporters → reportModel.ts → app.ts was broken by passing the
 * version in, and this keeps it (and any other) from coming back.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../support/tempDb'

type Graph = Map<string, string[]>

function importGraph(roots: string[]): Graph {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (p.endsWith('.ts')) files.push(p)
    }
  }
  for (const r of roots) walk(path.join(REPO_ROOT, r))
  const resolve = (from: string, spec: string) => {
    if (!spec.startsWith('.')) return null
    const base = path.join(path.dirname(from), spec)
    return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c)) ?? null
  }
  return new Map(
    files.map((f) => [
      f,
      [...fs.readFileSync(f, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)]
        .map((m) => resolve(f, m[1]))
        .filter((x): x is string => x !== null),
    ]),
  )
}

function cycles(graph: Graph): string[] {
  const state = new Map<string, 1 | 2>()
  const stack: string[] = []
  const found: string[] = []
  const visit = (n: string) => {
    state.set(n, 1)
    stack.push(n)
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1)
        found.push([...stack.slice(stack.indexOf(m)), m].map((f) => path.relative(REPO_ROOT, f)).join(' → '))
      else if (!state.has(m)) visit(m)
    }
    stack.pop()
    state.set(n, 2)
  }
  for (const f of graph.keys()) if (!state.has(f)) visit(f)
  return found
}

describe('import cycles', () => {
  it('finds a cycle when there is one', () => {
    const found = cycles(
      new Map([
        [path.join(REPO_ROOT, 'a'), [path.join(REPO_ROOT, 'b')]],
        [path.join(REPO_ROOT, 'b'), [path.join(REPO_ROOT, 'a')]],
      ]),
    )
    expect(found).toEqual(['a → b → a'])
  })

  it('src-main and src-shared have none', () => {
    const graph = importGraph(['src-main', 'src-shared'])
    expect(graph.size).toBeGreaterThan(50)
    expect(cycles(graph)).toEqual([])
  })
})
