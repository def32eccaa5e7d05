import { describe, expect, it } from 'vitest'
import { knownDirection } from '../../../../src-main/importers'

describe('knownDirection', () => {
  it('knows the usual higher-is-better metrics', () => {
    for (const metric of [
      'acc',
      'acc_norm',
      'exact_match',
      'f1',
      'mc1',
      'mc2',
      'bleu',
      'rouge1',
      'rougeLsum',
      'accuracy',
      'mean',
      'pass@1',
      'pass@10',
      'prompt_level_strict_acc',
      'inst_level_loose_acc',
      'bleu_max',
    ]) {
      expect(knownDirection(metric), metric).toBe('higher')
    }
  })

  it('knows the usual lower-is-better metrics', () => {
    for (const metric of [
      'perplexity',
      'word_perplexity',
      'byte_perplexity',
      'bits_per_byte',
      'brier_score',
      'ece',
      'loss',
      'wer',
    ]) {
      expect(knownDirection(metric), metric).toBe('lower')
    }
  })

  it('sees through namespaces, scorers, filters and case', () => {
    expect(knownDirection('inspect_ai/accuracy')).toBe('higher')
    expect(knownDirection('model_graded_qa/accuracy')).toBe('higher')
    expect(knownDirection('acc,none')).toBe('higher')
    expect(knownDirection('exact_match (flexible-extract)')).toBe('higher')
    expect(knownDirection(' Word_Perplexity ')).toBe('lower')
  })

  it('returns null for what it does not know, and for stderrs', () => {
    for (const metric of ['refusal_rate', 'helpfulness_rating', 'acc_stderr', 'stderr', ''])
      expect(knownDirection(metric), metric).toBeNull()
  })
})
