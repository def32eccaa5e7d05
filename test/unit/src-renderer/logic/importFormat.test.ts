import { describe, expect, it } from 'vitest'
import { formatFromFileName, roleFromFileName } from '../../../../src-renderer/src/logic/importFormat'

describe('import format from the file name', () => {
  it('detects the format', () => {
    expect(formatFromFileName('results.csv')).toBe('csv')
    expect(formatFromFileName('RUN.TSV')).toBe('csv')
    expect(formatFromFileName('log_formats.eval')).toBe('inspect')
    expect(formatFromFileName('2024-05-01T10-20-30_mmlu_abc.json')).toBe('inspect')
    expect(formatFromFileName('inspect-log.json')).toBe('inspect')
    expect(formatFromFileName('hellaswag-v0-res.json')).toBe('lm-eval')
    expect(formatFromFileName('results_2024.json')).toBe('lm-eval')
  })

  it('guesses the role when the name says it', () => {
    expect(roleFromFileName('llama-base-results.json')).toBe('baseline')
    expect(roleFromFileName('baseline.csv')).toBe('baseline')
    expect(roleFromFileName('model-rlhf-v2.json')).toBe('aligned')
    expect(roleFromFileName('chat_results.json')).toBe('aligned')
    expect(roleFromFileName('hellaswag-v0-res.json')).toBeNull()
    expect(roleFromFileName('database.json')).toBeNull()
  })
})
