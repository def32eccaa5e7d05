/** Hash routes: #/projects[/ID], #/generation/ID, #/timeline, #/compare[/ID,ID…], #/plan[/ID], #/trash. */

export type ViewName = 'projects' | 'generation' | 'timeline' | 'compare' | 'plan' | 'trash'

export interface Route {
  view: ViewName
  projectId?: number
  generationId?: number
  /** Compare: the generations side by side. */
  generationIds?: number[]
}

const positiveId = (text: string | undefined): number | undefined => {
  const n = Number(text)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [view, a] = parts
  if (view === 'timeline' || view === 'trash') return { view }
  if (view === 'compare') {
    const ids = (a ?? '')
      .split(',')
      .map(positiveId)
      .filter((id): id is number => id !== undefined)
    return ids.length ? { view, generationIds: ids } : { view }
  }
  if (view === 'plan') {
    const generationId = positiveId(a)
    return generationId ? { view, generationId } : { view }
  }
  if (view === 'generation') {
    const generationId = positiveId(a)
    if (generationId) return { view, generationId }
  }
  if (view === 'projects') {
    const projectId = positiveId(a)
    if (projectId) return { view, projectId }
  }
  return { view: 'projects' }
}

export function routeHash(route: Route): string {
  switch (route.view) {
    case 'generation':
      return `#/generation/${route.generationId}`
    case 'projects':
      return route.projectId ? `#/projects/${route.projectId}` : '#/projects'
    case 'plan':
      return route.generationId ? `#/plan/${route.generationId}` : '#/plan'
    case 'compare':
      return route.generationIds?.length ? `#/compare/${route.generationIds.join(',')}` : '#/compare'
    default:
      return `#/${route.view}`
  }
}
