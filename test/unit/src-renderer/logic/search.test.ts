import { describe, expect, it } from 'vitest'
import { searchItems, searchMatches } from '../../../../src-renderer/src/logic/search'
import type { Generation, Project } from '../../../../src-shared/domain/types'

const project = (id: number, name: string): Project => ({
  id,
  name,
  description: '',
  isSample: false,
  archivedAt: null,
  deletedAt: null,
  createdAt: '',
  updatedAt: '',
})
const generation = (id: number, projectId: number, name: string, ordinal: number): Generation => ({
  id,
  projectId,
  ordinal,
  name,
  baseModel: null,
  paramsB: null,
  pretrainComputePfd: null,
  pretrainCostUsd: null,
  technique: null,
  techniqueChange: false,
  pretrainedOn: '2021-01-01',
  deployedOn: null,
  notes: '',
  headlineMetrics: '{}',
  createdAt: '',
  updatedAt: '',
  deletedAt: null,
})

const items = searchItems(
  [project(1, 'Assistant RLHF'), project(2, 'Code model')],
  [
    generation(10, 1, 'Gen 1', 1),
    generation(11, 1, 'Gen 2 refreshed', 2),
    generation(12, 2, 'Codex A', 1),
    generation(13, 99, 'Orphan', 1),
  ],
)

describe('quick switcher', () => {
  it('lists projects, generations of known projects, and the views', () => {
    expect(items.map((i) => i.key)).toEqual([
      'project:1',
      'project:2',
      'generation:10',
      'generation:11',
      'generation:12',
      'view:projects',
      'view:timeline',
      'view:compare',
      'view:plan',
    ])
    expect(items.find((i) => i.key === 'generation:11')).toMatchObject({
      detail: 'generation 2 of Assistant RLHF',
      hash: '#/generation/11',
    })
  })

  it('matches every word, best matches first', () => {
    expect(searchMatches(items, 'code').map((i) => i.label)).toEqual(['Code model', 'Codex A'])
    expect(searchMatches(items, 'gen refreshed').map((i) => i.label)).toEqual(['Gen 2 refreshed'])
    // The project name in the detail matches too: generations of "Assistant RLHF".
    expect(searchMatches(items, 'rlhf').map((i) => i.label)).toEqual(['Assistant RLHF', 'Gen 1', 'Gen 2 refreshed'])
    expect(searchMatches(items, 'timeline')[0].hash).toBe('#/timeline')
    expect(searchMatches(items, 'zzz')).toEqual([])
  })

  it('lists everything (up to the limit) for an empty query', () => {
    expect(searchMatches(items, '  ', 3)).toHaveLength(3)
  })
})
