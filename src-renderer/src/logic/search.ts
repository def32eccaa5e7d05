/** The quick switcher's matching (Ctrl/Cmd+K): projects and generations by name. */
import type { Generation, Project } from '../../../src-shared/domain/types'

export interface SearchItem {
  key: string
  kind: 'project' | 'generation' | 'view'
  label: string
  detail: string
  /** Where choosing it goes, as a hash route. */
  hash: string
}

export function searchItems(projects: Project[], generations: Generation[]): SearchItem[] {
  const names = new Map(projects.map((p) => [p.id, p.name]))
  const views: SearchItem[] = [
    { key: 'view:projects', kind: 'view', label: 'Projects', detail: 'view', hash: '#/projects' },
    { key: 'view:timeline', kind: 'view', label: 'Timeline', detail: 'view', hash: '#/timeline' },
    { key: 'view:compare', kind: 'view', label: 'Compare', detail: 'view', hash: '#/compare' },
    { key: 'view:plan', kind: 'view', label: 'Plan', detail: 'view', hash: '#/plan' },
  ]
  return [
    ...projects.map((p) => ({
      key: `project:${p.id}`,
      kind: 'project' as const,
      label: p.name,
      detail: p.archivedAt ? 'project · archived' : 'project',
      hash: `#/projects/${p.id}`,
    })),
    ...generations
      .filter((g) => names.has(g.projectId))
      .map((g) => ({
        key: `generation:${g.id}`,
        kind: 'generation' as const,
        label: g.name,
        detail: `generation ${g.ordinal} of ${names.get(g.projectId)}`,
        hash: `#/generation/${g.id}`,
      })),
    ...views,
  ]
}

/**
 * Items whose label (or detail) holds every word of the query, best first: a
 * label starting with the query, then a word of the label starting with it, then
 * anywhere. An empty query lists everything, up to `limit`.
 */
export function searchMatches(items: SearchItem[], query: string, limit = 20): SearchItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return items.slice(0, limit)
  const q = query.trim().toLowerCase()
  const scored: { item: SearchItem; score: number; index: number }[] = []
  items.forEach((item, index) => {
    const label = item.label.toLowerCase()
    const haystack = `${label} ${item.detail.toLowerCase()}`
    if (!words.every((w) => haystack.includes(w))) return
    const score = label.startsWith(q) ? 0 : label.split(/[\s(·_-]+/).some((w) => w.startsWith(words[0])) ? 1 : 2
    scored.push({ item, score, index })
  })
  return scored
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .slice(0, limit)
    .map((s) => s.item)
}
