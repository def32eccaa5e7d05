import { describe, expect, it } from 'vitest'
import { parseHash, routeHash, type Route } from '../../../../src-renderer/src/logic/routes'

describe('hash routes', () => {
  it('parses every view', () => {
    expect(parseHash('')).toEqual({ view: 'projects' })
    expect(parseHash('#/projects/4')).toEqual({ view: 'projects', projectId: 4 })
    expect(parseHash('#/generation/12')).toEqual({ view: 'generation', generationId: 12 })
    expect(parseHash('#/timeline')).toEqual({ view: 'timeline' })
    expect(parseHash('#/compare/3,5,9')).toEqual({ view: 'compare', generationIds: [3, 5, 9] })
    expect(parseHash('#/plan/7')).toEqual({ view: 'plan', generationId: 7 })
    expect(parseHash('#/plan')).toEqual({ view: 'plan' })
    expect(parseHash('#/trash')).toEqual({ view: 'trash' })
  })

  it('falls back to projects on nonsense', () => {
    expect(parseHash('#/generation/abc')).toEqual({ view: 'projects' })
    expect(parseHash('#/nowhere')).toEqual({ view: 'projects' })
    expect(parseHash('#/compare/x,0,-2')).toEqual({ view: 'compare' })
  })

  it('round-trips', () => {
    const routes: Route[] = [
      { view: 'projects' },
      { view: 'projects', projectId: 2 },
      { view: 'generation', generationId: 3 },
      { view: 'timeline' },
      { view: 'compare', generationIds: [1, 2] },
      { view: 'plan', generationId: 8 },
      { view: 'trash' },
    ]
    for (const route of routes) expect(parseHash(routeHash(route))).toEqual(route)
  })
})
