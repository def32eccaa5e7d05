/** The import format a file most likely needs, from its name (the server checks the content). */

export type ImportFormat = 'lm-eval' | 'inspect' | 'csv'

export function formatFromFileName(fileName: string): ImportFormat {
  const name = fileName.toLowerCase()
  if (name.endsWith('.csv') || name.endsWith('.tsv') || name.endsWith('.txt')) return 'csv'
  if (name.endsWith('.eval')) return 'inspect'
  // Inspect names its JSON logs <timestamp>_<task>_<id>.json; lm-eval writes results*.json.
  if (/inspect|^\d{4}-\d{2}-\d{2}t\d{2}[-:]\d{2}/.test(name)) return 'inspect'
  return 'lm-eval'
}

/** A guess at the run's role from its name ("…-base…" → baseline, "…-rlhf…" → aligned), else null. */
export function roleFromFileName(fileName: string): 'baseline' | 'aligned' | null {
  const name = fileName.toLowerCase()
  if (/(^|[^a-z])(baseline|base|pretrained|unaligned)([^a-z]|$)/.test(name)) return 'baseline'
  if (/(^|[^a-z])(aligned|rlhf|sft|chat|instruct|ppo|dpo)([^a-z]|$)/.test(name)) return 'aligned'
  return null
}
