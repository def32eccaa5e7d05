/** `atax project add|list`. */
import type { ApiInput } from '../../../src-shared/api/contract'
import { defineCommand } from '../command'
import { num, projectIdOf, table } from './common'

export const projectCommands = [
  defineCommand({
    words: ['project', 'add'],
    summary: 'create a project',
    positionals: [{ value: 'NAME', field: 'name' }],
    options: { description: { value: 'TEXT', field: 'description', absent: '' } },
    run: async (c) => {
      const p = await c.call('projects.create', { name: c.positionals[0], ...c.input() } as ApiInput<'projects.create'>)
      c.print(`created project "${p.name}" (#${p.id})`, p)
    },
  }),
  defineCommand({
    words: ['project', 'list'],
    summary: 'list projects',
    run: async (c) => {
      const list = await c.call('projects.list', { includeArchived: true })
      c.print(
        list.length
          ? table(
              ['id', 'name', 'status'],
              list.map((p) => [
                String(p.id),
                p.name,
                [p.isSample ? 'sample' : '', p.archivedAt ? 'archived' : ''].filter(Boolean).join(', '),
              ]),
            )
          : 'no projects yet: `atax project add NAME` or `atax sample`',
        list,
      )
    },
  }),
  defineCommand({
    words: ['project', 'activity'],
    summary: 'who changed what in a project, newest first ("local": written without a server\'s sign-in)',
    options: { project: { value: 'P', required: true }, limit: { value: 'N' } },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const limit = num(c, 'limit') ?? 50
      const events = await c.call('audit.list', { projectId, limit })
      c.print(
        events.length
          ? table(
              ['at', 'who', 'what'],
              events.map((e) => [e.at.slice(0, 19).replace('T', ' '), e.actor ?? 'local', e.summary]),
            )
          : 'no activity yet',
        events,
      )
    },
  }),
]
