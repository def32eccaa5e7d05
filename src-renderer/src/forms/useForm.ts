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
    const current = result.value
    if (!current.ok) return false
    busy.value = true
    try {
      await action(current.data)
      return true
    } catch (err) {
      serverError.value = (err as Error).message
      return false
    } finally {
      busy.value = false
    }
  }

  return { touched, submitted, busy, serverError, result, errors, errorFor, touch, submit }
}
