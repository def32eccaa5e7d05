/**
 * `atax push`: copies a local project, with everything in it, to a team server. Pushing
 * again replaces the server's copy (found by the project's uid), keeping its id: never a
 * duplicate. The command takes its own --server/--token (the local file is the store it
 * reads: see main.ts, `parseOptions.server`); $ATAX_SERVER/$ATAX_TOKEN when they are absent.
 */
import type { ProjectCounts } from '../../../src-shared/api/transfer'
import {
  ConflictError,
  DataError,
  defineCommand,
  ForbiddenError,
  InterruptedError,
  NotAuthenticatedError,
  UsageError,
} from '../command'
import { opt, req } from './common'

/** What each counted table is called in the summary line. */
const COUNT_WORDS: [keyof ProjectCounts, string][] = [
  ['generations', 'generation(s)'],
  ['import_records', 'import record(s)'],
  ['benchmark_measurements', 'measurement(s)'],
  ['inference_policies', 'policy(ies)'],
  ['policy_rows', 'policy row(s)'],
  ['compute_curves', 'curve(s)'],
  ['curve_points', 'curve point(s)'],
  ['cost_items', 'cost item(s)'],
  ['pipeline_phases', 'phase(s)'],
  ['plans', 'plan(s)'],
]

export const pushCommands = [
  defineCommand({
    words: ['push'],
    summary: 'copy a local project, with everything in it, to a team server (again: update it there)',
    help:
      "P is the project's name or id in the local database (--db FILE). The server finds its copy by the\n" +
      "project's identity (a uid made when the project was created): the first push creates it there, a later\n" +
      "push replaces its contents in one transaction (its id on the server stays). A copy in the server's trash\n" +
      "is a conflict (exit 6). Needs an editor's token (a viewer: exit 5). Generations in the local trash stay behind.\n" +
      'Ctrl-C closes the connection: the server stays as it was.',
    options: {
      project: { value: 'P', required: true },
      server: { value: 'URL' },
      token: { value: 'T' },
    },
    run: async (c) => {
      const server = opt(c, 'server') ?? (c.io.env.ATAX_SERVER || undefined)
      if (server === undefined) throw new UsageError('push needs --server URL (or $ATAX_SERVER): the team server')
      const token = opt(c, 'token') ?? (c.io.env.ATAX_TOKEN || undefined)
      if (token === undefined) throw new UsageError('push needs --token T (or $ATAX_TOKEN): your token on the server')
      const wanted = req(c, 'project')
      const list = await c.call('projects.list', { includeArchived: true })
      const project =
        list.find((p) => p.name === wanted) ??
        (/^\d+$/.test(wanted) ? list.find((p) => p.id === Number(wanted)) : undefined)
      if (!project) {
        throw new DataError(
          `--project: no project named "${wanted}"${list.length ? ` (there are: ${list.map((p) => `"${p.name}" (#${p.id})`).join(', ')})` : ''}`,
        )
      }
      const [{ pushProject, PushRefusedError }, { ServerUrlError }] = await Promise.all([
        import('../../services/pushProject'),
        import('../remote'),
      ])
      const showProgress = c.io.stderrIsTty && !c.globals.json
      const interrupt = new AbortController()
      const stopListening = c.io.onInterrupt?.(() => interrupt.abort())
      let r
      try {
        r = await pushProject(c.app().env, {
          projectId: project.id,
          server,
          token,
          signal: interrupt.signal,
          onProgress: showProgress
            ? (f) => c.io.stderr(`\rpushing "${project.name}": ${Math.round(f * 100)}%`)
            : undefined,
        })
      } catch (err) {
        if (err instanceof ServerUrlError) throw new UsageError(err.message)
        if (err instanceof PushRefusedError) {
          const { status, message } = err.error
          if (status === 401) {
            throw new NotAuthenticatedError(
              `${err.server} refused the credentials (HTTP 401: ${message}): check --token or $ATAX_TOKEN`,
            )
          }
          if (status === 403) throw new ForbiddenError(`${err.server} refused (HTTP 403): ${message}`)
          if (status === 409 || err.error.code === 'conflict') throw new ConflictError(message)
          throw new DataError(message)
        }
        if ((err as { code?: unknown }).code === 'cancelled' && interrupt.signal.aborted) {
          throw new InterruptedError((err as Error).message)
        }
        throw err
      } finally {
        stopListening?.()
        if (showProgress) c.io.stderr('\n')
      }
      const counted = COUNT_WORDS.map(([table, words]) => `${r.counts[table]} ${words}`).join(', ')
      c.print(
        [
          `pushed "${r.name}" to ${r.server}: ${r.result === 'created' ? 'created' : 'updated'} project #${r.serverProjectId} there`,
          `  ${counted}`,
          `  project uid ${r.projectUid}`,
        ].join('\n'),
        {
          projectUid: r.projectUid,
          serverProjectId: r.serverProjectId,
          name: r.name,
          server: r.server,
          result: r.result,
          created: r.result === 'created',
          updated: r.result === 'updated',
          counts: r.counts,
        },
      )
    },
  }),
]
