import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { BACKUP_FORMAT_MARKER, detectFormat } from '../../../../src-main/importers'
import { own, shared } from './helpers'

describe('detectFormat', () => {
  it('recognises the real lm-eval and Inspect files, whatever their name', () => {
    for (const name of ['arc_challenge-v2.0-res.json', 'hellaswag-v0-res.json', 'truthfulqa_mc-v1-res.json']) {
      expect(detectFormat(name, shared(`lm-eval/${name}`))).toBe('lm-eval')
      expect(detectFormat('results', shared(`lm-eval/${name}`))).toBe('lm-eval')
    }
    expect(detectFormat('log_formats.eval', shared('inspect/log_formats.eval'))).toBe('inspect')
    expect(detectFormat('download.zip', shared('inspect/log_formats.eval'))).toBe('inspect')
    expect(detectFormat('no-samples.json', shared('inspect/no-samples.json'))).toBe('inspect')
    expect(detectFormat('log.txt', shared('inspect/no-samples.json'))).toBe('inspect')
    expect(detectFormat('results_2024.json', own('lm-eval-v0.4-results.json'))).toBe('lm-eval')
  })

  it('recognises CSV by extension or by its header', () => {
    expect(detectFormat('m.csv', own('measurements.csv'))).toBe('csv')
    expect(detectFormat('M.CSV', new Uint8Array())).toBe('csv')
    expect(detectFormat('export.txt', own('run-bom-crlf.csv'))).toBe('csv')
  })

  it('recognises the app backup by its format marker', () => {
    const backup = strToU8(JSON.stringify({ format: BACKUP_FORMAT_MARKER, version: 1, projects: [] }))
    expect(detectFormat('atax-backup.json', backup)).toBe('backup')
  })

  it('decides from the first bytes of a huge file', () => {
    const head = '{"version": 2, "status": "success", "eval": {"task": "t"}, "samples": ['
    expect(detectFormat('big.json', strToU8(head + '{"id": 1}, '.repeat(10)))).toBe('inspect')
  })

  it('sends a .eval that is not a ZIP to the Inspect importer, which explains', () => {
    expect(detectFormat('broken.eval', strToU8('not a zip'))).toBe('inspect')
  })

  it('returns null for anything else', () => {
    expect(detectFormat('other.json', strToU8('{"hello": "world"}'))).toBeNull()
    expect(detectFormat('list.json', strToU8('[1, 2]'))).toBeNull()
    expect(detectFormat('notes.txt', strToU8('just some words'))).toBeNull()
    expect(detectFormat('archive.zip', zipSync({ 'a.txt': strToU8('a') }))).toBeNull()
    expect(detectFormat('empty', new Uint8Array())).toBeNull()
  })
})
