/**
 * Which way common evaluation metrics improve, for files that do not say so
 * (legacy lm-eval, Inspect, CSV without a direction column). An unknown metric gives
 * null: the caller asks the user rather than guess, because a wrong direction flips
 * the sign of the tax.
 */
import type { Direction } from '../../src-shared/domain/types'

/** Exact metric names (lower case), from lm-evaluation-harness, Inspect AI and common usage. */
export const KNOWN_METRIC_DIRECTIONS: Readonly<Record<string, Direction>> = {
  // higher is better
  acc: 'higher',
  acc_norm: 'higher',
  acc_mutual_info: 'higher',
  accuracy: 'higher',
  exact_match: 'higher',
  exact: 'higher',
  em: 'higher',
  quasi_exact_match: 'higher',
  f1: 'higher',
  macro_f1: 'higher',
  micro_f1: 'higher',
  mcc: 'higher',
  mc1: 'higher',
  mc2: 'higher',
  bleu: 'higher',
  sacrebleu: 'higher',
  chrf: 'higher',
  meteor: 'higher',
  bertscore: 'higher',
  precision: 'higher',
  recall: 'higher',
  auc: 'higher',
  auroc: 'higher',
  mean: 'higher',
  score: 'higher',
  win_rate: 'higher',
  pass_at_1: 'higher',
  bypass: 'higher',
  // lower is better
  perplexity: 'lower',
  ppl: 'lower',
  word_perplexity: 'lower',
  byte_perplexity: 'lower',
  token_perplexity: 'lower',
  bits_per_byte: 'lower',
  bpb: 'lower',
  brier_score: 'lower',
  ece: 'lower',
  loss: 'lower',
  nll: 'lower',
  wer: 'lower',
  cer: 'lower',
  ter: 'lower',
  error_rate: 'lower',
  toxicity: 'lower',
  likelihood_diff: 'lower',
  pct_stereotype: 'lower',
}

/** Name families: `rouge1`, `rougeLsum`, `bleu_max`, `pass@10`… */
const PREFIXES: ReadonlyArray<[string, Direction]> = [
  ['rouge', 'higher'],
  ['bleu', 'higher'],
  ['pass@', 'higher'],
  ['pass_at_', 'higher'],
  ['perplexity', 'lower'],
]

/**
 * The direction of a metric by its name, or null when it is not known.
 * Tolerates the decorations importers add or files carry: a namespace or scorer
 * (`inspect_ai/accuracy`, `match/accuracy`), an lm-eval filter (`acc,none`,
 * `exact_match (flexible-extract)`), and case.
 */
export function knownDirection(metric: string): Direction | null {
  let name = metric.trim().toLowerCase()
  const slash = name.lastIndexOf('/')
  if (slash !== -1) name = name.slice(slash + 1)
  const comma = name.indexOf(',')
  if (comma !== -1) name = name.slice(0, comma)
  const paren = name.indexOf(' (')
  if (paren !== -1) name = name.slice(0, paren)
  name = name.trim()
  if (name === '' || name.endsWith('stderr')) return null

  const exact = KNOWN_METRIC_DIRECTIONS[name]
  if (exact) return exact
  for (const [prefix, direction] of PREFIXES) if (name.startsWith(prefix)) return direction
  // lm-eval spells many accuracies in parts: prompt_level_strict_acc, inst_level_loose_acc…
  const words = name.split(/[_\-\s]+/)
  if (words.includes('acc') || words.includes('accuracy')) return 'higher'
  if (words.includes('perplexity')) return 'lower'
  return null
}
