/** `atax gen add|list`: the model generations of a project. */
import type { ApiInput } from '../../../src-shared/api/contract'
import { formatMonths } from '../../../src-shared/tax'
import { defineCommand } from '../command'
import { DATE_HELP, projectIdOf, table } from './common'

export const generationCommands = [
  defineCommand({
    words: ['gen', 'add'],
    summary: 'add a model generation',
    help: DATE_HELP,
    options: {
      project: { value: 'P', required: true },
      name: { value: 'G', required: true, field: 'name' },
      pretrained: { value: 'DATE', required: true, field: 'pretrainedOn' },
      deployed: { value: 'DATE', field: 'deployedOn', absent: null },
      'base-model': { value: 'M', field: 'baseModel', absent: null },
      'params-b': { value: 'N', field: 'paramsB', number: true },
      'pretrain-compute-pfd': { value: 'N', field: 'pretrainComputePfd', number: true },
      'pretrain-cost-usd': { value: 'N', field: 'pretrainCostUsd', number: true },
      technique: { value: 'T', field: 'technique', absent: null },
      'technique-change': { field: 'techniqueChange' },
      notes: { value: 'T', field: 'notes', absent: '' },
    },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const input = { projectId, ...c.input() } as ApiInput<'generations.create'>
      const g = await c.call('generations.create', input)
      c.print(`added generation "${g.name}" (#${g.id}, generation ${g.ordinal} of its project)`, g)
    },
  }),
  defineCommand({
    words: ['gen', 'list'],
    summary: 'list the generations of a project with their time to deployment',
    options: { project: { value: 'P', required: true } },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const summary = await c.call('projects.summary', { projectId })
      const rows = summary.generations.map((s) => ({ ...s.generation, ttdMonths: s.ttdMonths }))
      c.print(
        rows.length
          ? table(
              ['#', 'name', 'pretrained', 'deployed', 'time to deployment'],
              rows.map((g) => [
                String(g.ordinal),
                g.name,
                g.pretrainedOn,
                g.deployedOn ?? '—',
                g.ttdMonths == null ? 'not deployed' : formatMonths(g.ttdMonths),
              ]),
            )
          : 'no generations yet: `atax gen add --project P --name G --pretrained DATE`',
        rows,
      )
    },
  }),
]
