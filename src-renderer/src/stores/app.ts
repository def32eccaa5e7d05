/**
 * App-wide state: the current view (hash routing), the open dialog, notices with
 * undo, first-run info and the colour scheme (which follows the OS).
 */
import { defineStore } from 'pinia'
import { nextTick, ref } from 'vue'
import type { AppInfo } from '../../../src-shared/api/contract'
import { api, ApiCallError, signOut, teamSession, type SignedIn } from '../api/client'
import { parseHash, routeHash, type Route } from '../logic/routes'

export type { Route, ViewName } from '../logic/routes'

export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
  undo?: () => Promise<void>
}

/** The dialogs the app can show, one at a time; menu items, shortcuts and buttons open the same ones. */
export type Dialog =
  | { kind: 'new-project' }
  | { kind: 'edit-project'; projectId: number }
  | { kind: 'new-generation'; projectId?: number }
  | { kind: 'edit-generation'; generationId: number }
  | { kind: 'new-measurement'; generationId?: number }
  | { kind: 'edit-measurement'; generationId: number; measurementId: number }
  | { kind: 'new-policy'; generationId: number }
  | { kind: 'edit-policy'; generationId: number; policyId: number }
  | { kind: 'new-curve'; generationId: number }
  | { kind: 'new-cost'; generationId: number }
  | { kind: 'edit-cost'; generationId: number; costId: number }
  | { kind: 'new-phase'; generationId: number }
  | { kind: 'edit-phase'; generationId: number; phaseId: number }
  | { kind: 'import'; file?: File; generationId?: number }
  | { kind: 'export'; projectId?: number }
  | { kind: 'search' }
  | { kind: 'about' }
  | { kind: 'open-server' }
  | { kind: 'push'; projectId: number }

export interface Confirmation {
  title: string
  message: string
  confirmLabel: string
  danger?: boolean
  resolve: (ok: boolean) => void
}

const hasWindow = typeof window !== 'undefined'

/** Text of an error for a notice: the API's message says what and where. */
export function errorText(err: unknown): string {
  if (err instanceof ApiCallError) return err.message
  return String((err as Error)?.message ?? err)
}

export const useAppStore = defineStore('app', () => {
  const route = ref<Route>(parseHash(hasWindow ? window.location.hash : ''))
  const info = ref<AppInfo | null>(null)
  /** On a team server: who is signed in (the sidebar shows it); else null. */
  const user = ref<SignedIn | null>(null)
  const notices = ref<Notice[]>([])
  const dialog = ref<Dialog | null>(null)
  const confirmation = ref<Confirmation | null>(null)
  const darkQuery = hasWindow && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null
  const dark = ref(darkQuery?.matches ?? false)
  let nextNotice = 1

  darkQuery?.addEventListener('change', (event) => {
    dark.value = event.matches
  })
  if (hasWindow) {
    window.addEventListener('hashchange', () => {
      route.value = parseHash(window.location.hash)
    })
  }

  function go(next: Route) {
    route.value = next
    if (hasWindow) window.location.hash = routeHash(next)
  }

  function notify(text: string, kind: Notice['kind'] = 'info', undo?: () => Promise<void>) {
    const notice: Notice = { id: nextNotice++, kind, text, undo }
    notices.value.push(notice)
    setTimeout(() => dismiss(notice.id), undo ? 12_000 : kind === 'error' ? 12_000 : 5_000)
  }

  function dismiss(id: number) {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** Runs an action; a failure becomes an error notice that says what and where. */
  async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action()
    } catch (err) {
      notify(errorText(err), 'error')
      return undefined
    }
  }

  function open(next: Dialog) {
    dialog.value = next
  }

  function close() {
    dialog.value = null
  }

  /** Opens the current dialog afresh (after its item was reloaded): its fields show the stored values. */
  async function reopen() {
    const current = dialog.value
    dialog.value = null
    await nextTick()
    dialog.value = current
  }

  /** Asks before something that cannot be undone from the notice (e.g. replacing all data). */
  function confirm(request: Omit<Confirmation, 'resolve'>): Promise<boolean> {
    return new Promise((resolve) => {
      confirmation.value = {
        ...request,
        resolve: (ok) => {
          confirmation.value = null
          resolve(ok)
        },
      }
    })
  }

  async function loadInfo() {
    const [next, signedIn] = await Promise.all([api['app.info']({}), teamSession()])
    info.value = next
    user.value = signedIn
  }

  async function dismissFirstRun() {
    await api['app.dismissFirstRun']({})
    await loadInfo()
  }

  return {
    route,
    info,
    user,
    signOut,
    notices,
    dialog,
    reopen,
    confirmation,
    dark,
    go,
    notify,
    dismiss,
    attempt,
    open,
    close,
    confirm,
    loadInfo,
    dismissFirstRun,
  }
})
