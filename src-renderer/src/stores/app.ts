/** App-wide state: the current view (hash routing), notices with undo, first-run info. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../src-shared/api/contract'
import { api, ApiCallError } from '../api/client'

export type ViewName = 'projects' | 'generation' | 'timeline' | 'compare' | 'plan'

export interface Route {
  view: ViewName
  projectId?: number
  generationId?: number
}

export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
  undo?: () => Promise<void>
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [view, a] = parts
  if (view === 'timeline' || view === 'compare' || view === 'plan') return { view }
  if (view === 'generation' && a) return { view: 'generation', generationId: Number(a) }
  if (view === 'projects' && a) return { view: 'projects', projectId: Number(a) }
  return { view: 'projects' }
}

export function routeHash(route: Route): string {
  if (route.view === 'generation') return `#/generation/${route.generationId}`
  if (route.view === 'projects' && route.projectId) return `#/projects/${route.projectId}`
  return `#/${route.view}`
}

export const useAppStore = defineStore('app', () => {
  const route = ref<Route>(parseHash(window.location.hash))
  const info = ref<AppInfo | null>(null)
  const notices = ref<Notice[]>([])
  let nextNotice = 1

  window.addEventListener('hashchange', () => {
    route.value = parseHash(window.location.hash)
  })

  function go(next: Route) {
    window.location.hash = routeHash(next)
    route.value = next
  }

  function notify(text: string, kind: Notice['kind'] = 'info', undo?: () => Promise<void>) {
    const notice = { id: nextNotice++, kind, text, undo }
    notices.value.push(notice)
    setTimeout(() => dismiss(notice.id), undo ? 10_000 : kind === 'error' ? 12_000 : 4_000)
  }

  function dismiss(id: number) {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** Runs an action; a failure becomes an error notice that says what and where. */
  async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action()
    } catch (err) {
      notify(err instanceof ApiCallError ? err.message : String((err as Error)?.message ?? err), 'error')
      return undefined
    }
  }

  async function loadInfo() {
    info.value = await api['app.info']({})
  }

  return { route, info, notices, go, notify, dismiss, attempt, loadInfo }
})
