/**
 * Folder imports through the real `atax` binary: lm-eval's --output_path layout (the
 * newest results file per model folder, samples ignored), an Inspect log folder (every
 * log, index files skipped), one transaction (a conflict between two files writes nothing).
 */
import fs from 'node:fs'
import path from 'node:path'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { selectFolderFiles } from '../../src-shared/api/folder'
import { SHARED_FIXTURES, tempDir } from '../support/tempDb'
import { runAtax } from '../support/atax'
import { storeArgs } from '../support/testStore'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const atax = (args: string[]) => runAtax(dir, args)
function ok(args: string[]) {
  const r = atax(args)
  expect(r.code, r.stderr).toBe(0)
  return r
}
function put(file: string, content: string | Uint8Array) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}
function newDb(name: string) {
  const db = path.join(dir, `${name}.db`)
  ok([...storeArgs(db), 'project', 'add', 'P'])
  ok([...storeArgs(db), 'gen', 'add', '--project', 'P', '--name', 'g1', '--pretrained', '2024-01-01'])
  return db
}
const G = ['--project', 'P', '--gen', 'g1']
const lmEval = (task: string, acc: number) =>
  JSON.stringify({ results: { [task]: { alias: task, 'acc,none': acc, 'acc_stderr,none': 0.01 } }, model_name: 'm' })

describe('selectFolderFiles', () => {
  it('takes the newest results file per lm-eval model folder and every Inspect log', () => {
    expect(
      selectFolderFiles('lm-eval', [
        'org__base/results_2024-01-01T10-00-00.000001.json',
        'org__base/results_2024-03-01T10-00-00.000001.json',
        'org__base/samples_arc_easy_2024-03-01T10-00-00.000001.jsonl',
        'org__chat/results_2024-02-01T10-00-00.json',
        'results_2024-05-01T00-00-00.json',
        'notes.json',
        'a/b/results_2024-09-01.json',
      ]),
    ).toEqual([
      'org__base/results_2024-03-01T10-00-00.000001.json',
      'org__chat/results_2024-02-01T10-00-00.json',
      'results_2024-05-01T00-00-00.json',
    ])
    expect(
      selectFolderFiles('inspect', ['b.eval', 'a.json', 'logs.json', 'eval-set.json', 'x.txt', 'sub/c.eval']),
    ).toEqual(['a.json', 'b.eval'])
  })
})

describe('atax import DIR', () => {
  it('imports the newest results file of each lm-eval model folder, ignoring samples', () => {
    const out = path.join(dir, 'lm-out')
    put(path.join(out, 'org__base/results_2024-01-01T10-00-00.000001.json'), lmEval('arc_easy', 0.1))
    put(path.join(out, 'org__base/results_2024-03-01T10-00-00.000001.json'), lmEval('arc_easy', 0.7))
    put(path.join(out, 'org__base/samples_arc_easy_2024-03-01T10-00-00.000001.jsonl'), '{"doc_id": 0}\n')
    put(path.join(out, 'org__other/results_2024-02-01T10-00-00.json'), lmEval('piqa', 0.75))
    const db = newDb('lm')
    const r = JSON.parse(ok([...storeArgs(db), '--json', 'import', 'lm-eval', out, ...G, '--role', 'baseline']).stdout)
    expect(r.files.map((f: any) => f.fileName)).toEqual([
      'org__base/results_2024-03-01T10-00-00.000001.json',
      'org__other/results_2024-02-01T10-00-00.json',
    ])
    expect(r.imported).toBe(2)
    const rows = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...G]).stdout)
    expect(rows.map((x: any) => [x.benchmark, x.baseline])).toEqual([
      ['arc_easy', 0.7],
      ['piqa', 0.75],
    ])
  })

  it('imports every log of an Inspect folder (.eval and .json), skipping its index', () => {
    const logs = path.join(dir, 'inspect-logs')
    put(path.join(logs, 'a.json'), fs.readFileSync(path.join(SHARED_FIXTURES, 'inspect/no-samples.json')))
    const header = JSON.parse(
      Buffer.from(
        unzipSync(fs.readFileSync(path.join(SHARED_FIXTURES, 'inspect/log_formats.eval')))['header.json'],
      ).toString(),
    )
    header.eval.task = 'other_task'
    put(path.join(logs, 'b.eval'), zipSync({ 'header.json': strToU8(JSON.stringify(header)) }))
    put(path.join(logs, 'logs.json'), '{}')
    const db = newDb('inspect')
    const r = JSON.parse(ok([...storeArgs(db), '--json', 'import', 'inspect', logs, ...G, '--role', 'aligned']).stdout)
    expect(r.files.map((f: any) => f.fileName)).toEqual(['a.json', 'b.eval'])
    const rows = JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...G]).stdout)
    expect(new Set(rows.map((x: any) => x.benchmark)).size).toBe(2)
  })

  it('writes nothing when one file of the folder is refused, or two give the same benchmark', () => {
    const bad = path.join(dir, 'bad-out')
    put(path.join(bad, 'm1/results_2024-01-01.json'), lmEval('arc_easy', 0.7))
    put(path.join(bad, 'm2/results_2024-01-01.json'), '{"results": {"piqa": {"acc,none": "high"}}}')
    const db = newDb('bad')
    const refused = atax([...storeArgs(db), 'import', 'lm-eval', bad, ...G, '--role', 'baseline'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/m2\/results_2024-01-01\.json.*piqa.*"high"/)
    const clash = path.join(dir, 'clash-out')
    put(path.join(clash, 'm1/results_2024-01-01.json'), lmEval('arc_easy', 0.7))
    put(path.join(clash, 'm2/results_2024-01-01.json'), lmEval('arc_easy', 0.6))
    const twice = atax([...storeArgs(db), 'import', 'lm-eval', clash, ...G, '--role', 'baseline'])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(/arc_easy · acc is also in m1/)
    expect(JSON.parse(ok([...storeArgs(db), '--json', 'perf', 'list', ...G]).stdout)).toEqual([])
    const empty = path.join(dir, 'empty-out')
    fs.mkdirSync(empty)
    const none = atax([...storeArgs(db), 'import', 'lm-eval', empty, ...G, '--role', 'baseline'])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/no results_<timestamp>\.json/)
  })
})
