/**
 * The app's actions, one function for each: the native menu (desktop), keyboard
 * shortcuts and buttons all open the same dialogs through here, in the context of
 * what is on screen (the selected project, the open generation).
 */
import { useAppStore } from './stores/app'
import { useGenerationsStore } from './stores/generations'
import { useProjectsStore } from './stores/projects'
import { usePlansStore } from './stores/plans'
import type { AppAction } from './logic/shortcuts'

export function useCommands() {
  const app = useAppStore()
  const generations = useGenerationsStore()
  const plans = usePlansStore()
  const projects = useProjectsStore()

  /** The generation on screen: the generation page's, or the plan's. */
  function currentGenerationId(): number | undefined {
    const route = app.route
    if (route.view === 'generation') return route.generationId
    if (route.view === 'plan') return route.generationId ?? plans.generationId ?? undefined
    return undefined
  }

  /** The project on screen: the selected one, or the open generation's. */
  function currentProjectId(): number | undefined {
    const route = app.route
    // The project the page shows, as the page picks it: known before its summary has loaded.
    if (route.view === 'projects') return projects.shownId(route.projectId) ?? undefined
    const generationId = currentGenerationId()
    if (generationId != null) {
      return generations.byId(generationId)?.projectId ?? generations.detail?.summary.generation.projectId
    }
    return undefined
  }

  function run(action: AppAction) {
    switch (action) {
      case 'new-project':
        return app.open({ kind: 'new-project' })
      case 'new-generation':
        return app.open({ kind: 'new-generation', projectId: currentProjectId() })
      case 'new-measurement':
        return app.open({ kind: 'new-measurement', generationId: currentGenerationId() })
      case 'import':
        return app.open({ kind: 'import', generationId: currentGenerationId() })
      case 'export':
        return app.open({ kind: 'export', projectId: currentProjectId() })
      case 'search':
        return app.open({ kind: 'search' })
      case 'about':
        return app.open({ kind: 'about' })
    }
  }

  return { run, currentProjectId, currentGenerationId }
}
