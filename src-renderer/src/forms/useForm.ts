/**
 * A form's state around one zod schema: values are validated as the user types;
 * a field shows its error once it has been touched (or after a submit attempt);
 * `submit` runs the action only with valid data, so nothing is saved half.
 */
import { computed, reactive, ref, type Ref } from 'vue'
import type { z } from 'zod'
import { validate, type FieldErrors } from './validate'

export function useForm<S extends z.ZodType>(schema: S, build: () => unknown) {
  const touched = reactive(new Set<string>())
  const submitted = ref(false)
  const busy = ref(false)
  /** An error from the server (e.g. a name already taken), shown with the form. */
  const serverError = ref<string | null>(null) as Ref<string | null>
  /**
   * True when the server refused the save because someone changed the item after it was read
   * (HTTP 409, a conflict naming what changed): the form offers to reload the item.
   */
  const conflict = ref(false)

  const result = computed(() => validate(schema, build()))
  const errors = computed<FieldErrors>(() => result.value.errors)

  /** The message to show next to a field, if any. Paths of row fields: 'rows.0.fraction'. */
  function errorFor(path: string): string | undefined {
    const message = errors.value[path]
    if (!message) return undefined
    return submitted.value || touched.has(path) || touched.has(path.split('.')[0]) ? message : undefined
  }

  function touch(path: string) {
    touched.add(path)
    serverError.value = null
  }

  async function submit(action: (data: z.output<S>) => Promise<unknown>): Promise<boolean> {
    submitted.value = true
    serverError.value = null
    conflict.value = false
    const current = result.value
    if (!current.ok) return false
    busy.value = true
    try {
      await action(current.data)
      return true
    } catch (err) {
      serverError.value = (err as Error).message
      conflict.value = isEditConflict(err)
      return false
    } finally {
      busy.value = false
    }
  }

  /** After the item was reloaded: the refusal no longer applies. */
  function clearServerError() {
    serverError.value = null
    conflict.value = false
  }

  return { touched, submitted, busy, serverError, conflict, result, errors, errorFor, touch, submit, clearServerError }
}

/** A save refused because the item changed since it was read (not, say, a name already taken). */
export function isEditConflict(err: unknown): boolean {
  const error = (err as { error?: { code?: string; message?: string } })?.error
  return error?.code === 'conflict' && /after you opened it/.test(error.message ?? '')
}
