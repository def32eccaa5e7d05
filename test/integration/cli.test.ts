/**
 * The real `atax` binary, spawned as a pipeline would run it, on real stores: database files
 * (`--db FILE`), or PostgreSQL databases (`--store URL`) in the integration-pg run.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { calendarMonths, inferenceTaxFromPolicy } from '../../src-shared/tax'
import { REPO_ROOT, tempDir } from '../support/tempDb'
import { runAtax } from '../support/atax'
import { onPg, storeArgs, testStore } from '../support/testStore'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const atax = (args: string[], env: Record<string, string> = {}) => runAtax(dir, args, env)
const SAMPLE = 'RLHF pipeline (sample)'

describe('atax', () => {
  it('loads the sample and lists generations as JSON with ttdMonths 9 and 3', () => {
    const db = path.join(dir, 'demo.db')
    expect(atax([...storeArgs(db), 'sample']).code).toBe(0)
    const again = atax([...storeArgs(db), 'sample'])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/nothing changed/)
    const r = atax([...storeArgs(db), '--json', 'gen', 'list', '--project', SAMPLE])
    expect(r.code).toBe(0)
    const gens = JSON.parse(r.stdout)
    expect(gens.map((g: any) => g.ttdMonths)).toEqual([9, 3])
    for (const g of gens) {
      expect(g).toHaveProperty('name')
      expect(g.ttdMonths).toBe(calendarMonths(g.pretrainedOn, g.deployedOn))
    }
  })

  it('logs a project, generations, a regression, a cost and a phase; reads ATAX_DB', () => {
    const db = path.join(dir, 'env.db')
    const env = { ATAX_DB: testStore(db) }
    expect(atax(['project', 'add', 'Pipeline', '--description', 'from CI'], env).code).toBe(0)
    expect(
      atax(
        [
          'gen',
          'add',
          '--project',
          'Pipeline',
          '--name',
          'g1',
          '--pretrained',
          '2024-01-10',
          '--deployed',
          '2024-07-10',
          '--params-b',
          '70',
          '--technique-change',
        ],
        env,
      ).code,
    ).toBe(0)
    expect(atax(['gen', 'add', '--project', 'Pipeline', '--name', 'g2', '--pretrained', '2024-09-01'], env).code).toBe(
      0,
    )
    const perf = atax(
      [
        '--json',
        'perf',
        'add',
        '--project',
        'Pipeline',
        '--gen',
        'g1',
        '--benchmark',
        'mmlu',
        '--baseline',
        '0.7',
        '--aligned',
        '0.68',
        '--baseline-stderr',
        '0.004',
        '--aligned-stderr',
        '0.004',
      ],
      env,
    )
    expect(perf.code).toBe(0)
    expect(JSON.parse(perf.stdout).regressionPct).toBeCloseTo(((0.7 - 0.68) / 0.7) * 100, 10)
    expect(
      atax(
        [
          'dev',
          'add',
          '--project',
          'Pipeline',
          '--gen',
          'g1',
          '--category',
          'compute',
          '--amount-usd',
          '1000',
          '--quantity',
          '2',
          '--unit',
          'pf-days',
        ],
        env,
      ).code,
    ).toBe(0)
    expect(
      atax(
        [
          'phase',
          'add',
          '--project',
          'Pipeline',
          '--gen',
          'g1',
          '--name',
          'SFT',
          '--start',
          '2024-01-10',
          '--end',
          '2024-02-01',
        ],
        env,
      ).code,
    ).toBe(0)
    const list = JSON.parse(atax(['--json', 'gen', 'list', '--project', 'Pipeline'], env).stdout)
    expect(list.map((g: any) => [g.name, g.ttdMonths])).toEqual([
      ['g1', 6],
      ['g2', null],
    ])
    expect(JSON.parse(atax(['--json', 'project', 'list'], env).stdout).map((p: any) => p.name)).toEqual(['Pipeline'])
  })

  it('exits 2 on usage errors and 1 on invalid data, says what and where, and writes nothing', () => {
    const db = path.join(dir, 'errors.db')
    atax([...storeArgs(db), 'project', 'add', 'P'])
    atax([...storeArgs(db), 'gen', 'add', '--project', 'P', '--name', 'G', '--pretrained', '2024-01-01'])
    // Every table, from the app's own backup export: nothing below may change it.
    const stored = () => JSON.stringify(JSON.parse(atax([...storeArgs(db), 'export', 'json']).stdout).tables)
    const before = stored()
    const inGeneration = (command: string[], ...options: string[]) =>
      atax([...storeArgs(db), ...command, '--project', 'P', '--gen', 'G', ...options])

    const noCmd = atax(storeArgs(db))
    expect(noCmd.code).toBe(2)
    const unknownFlag = atax([...storeArgs(db), 'gen', 'add', '--project', 'P', '--colour', 'red'])
    expect(unknownFlag.code).toBe(2)
    expect(unknownFlag.stderr).toMatch(/--colour/)
    const missing = atax([...storeArgs(db), 'gen', 'add', '--project', 'P', '--name', 'X'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--pretrained is required/)

    const badDate = atax([
      ...storeArgs(db),
      'gen',
      'add',
      '--project',
      'P',
      '--name',
      'X',
      '--pretrained',
      '2024-13-01',
    ])
    expect(badDate.code).toBe(1)
    expect(badDate.stderr).toMatch(/--pretrained: must be a real date written YYYY-MM-DD \(got "2024-13-01"\)/)
    const badNumber = inGeneration(['perf', 'add'], '--benchmark', 'b', '--baseline', 'abc', '--aligned', '1')
    expect(badNumber.code).toBe(1)
    expect(badNumber.stderr).toMatch(/--baseline: "abc" is not a number/)
    const negStderr = inGeneration(
      ['perf', 'add'],
      '--benchmark',
      'b',
      '--baseline',
      '1',
      '--aligned',
      '1',
      '--aligned-stderr',
      '-0.1',
    )
    expect(negStderr.code).toBe(1)
    expect(negStderr.stderr).toMatch(/--aligned-stderr: aligned standard error must not be negative/)
    const noProject = atax([...storeArgs(db), 'gen', 'list', '--project', 'Nope'])
    expect(noProject.code).toBe(1)
    expect(noProject.stderr).toMatch(/no project named "Nope"/)
    const badCategory = inGeneration(['dev', 'add'], '--category', 'snacks', '--amount-usd', '5')
    expect(badCategory.code).toBe(1)
    expect(badCategory.stderr).toMatch(/--category: category must be one of/)
    const badRange = inGeneration(['phase', 'add'], '--name', 'x', '--start', '2024-02-01', '--end', '2024-01-01')
    expect(badRange.code).toBe(1)
    expect(badRange.stderr).toMatch(/--end: end must not be before start/)

    expect(stored()).toBe(before)
  })

  // SQLite only: a file that is not a database (a PostgreSQL store has no file).
  it.skipIf(onPg)('refuses a file that is not a database with a clear message (not "damaged")', () => {
    const db = path.join(dir, 'damaged.db')
    fs.writeFileSync(db, 'garbage '.repeat(200))
    const r = atax([...storeArgs(db), 'project', 'list'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/damaged\.db is not an Alignment Tax Planner database: it is not an SQLite file/)
    expect(r.stderr).not.toMatch(/is damaged/)
  })

  it('documents every command in --help', () => {
    const help = atax(['--help'])
    expect(help.code).toBe(0)
    for (const cmd of [
      'project add',
      'project list',
      'gen add',
      'gen list',
      'perf add',
      'dev add',
      'phase add',
      'sample',
      'tax inference',
      'summary',
      'import',
      'export',
    ]) {
      expect(help.stdout).toContain(cmd)
    }
    const genHelp = atax(['gen', 'add', '--help'])
    expect(genHelp.code).toBe(0)
    expect(genHelp.stdout).toMatch(/--technique-change/)
  })

  it('computes taxes without a database', () => {
    const r = atax(['--json', 'tax', 'inference', '--policy', '0.1:4'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.taxPct).toBeCloseTo(inferenceTaxFromPolicy([{ fraction: 0.1, multiplier: 4 }]).taxPct, 12)
    // Exact, not 30.000000000000004: JSON numbers are unrounded, so the sum is kept exact.
    expect(out.taxPct).toBe(30)
    expect(JSON.parse(atax(['--json', 'tax', 'inference', '--policy', '1:2']).stdout).taxPct).toBe(100)
    expect(fs.existsSync(path.join(dir, 'atax.db'))).toBe(false)
  })
})

describe('atax import and export', () => {
  it('imports baseline and aligned lm-eval runs into regressions, recognises a repeat, and exports without overwriting', () => {
    const db = path.join(dir, 'import.db')
    const fixtures = path.resolve(REPO_ROOT, '../shared/fixtures/lm-eval')
    atax([...storeArgs(db), 'project', 'add', 'Evals'])
    atax([...storeArgs(db), 'gen', 'add', '--project', 'Evals', '--name', 'g1', '--pretrained', '2024-01-01'])
    const baselineFile = path.join(fixtures, 'truthfulqa_mc-v1-res.json')
    const base = JSON.parse(fs.readFileSync(baselineFile, 'utf8')).results.truthfulqa_mc
    const alignedFile = path.join(dir, 'aligned.json')
    fs.writeFileSync(alignedFile, JSON.stringify({ results: { truthfulqa_mc: { ...base, mc2: base.mc2 + 0.05 } } }))

    // The same command twice: the second run must be recognised as a repeat.
    const importBaseline = () =>
      atax([
        ...storeArgs(db),
        '--json',
        'import',
        'lm-eval',
        baselineFile,
        '--project',
        'Evals',
        '--gen',
        'g1',
        '--role',
        'baseline',
      ])
    const first = importBaseline()
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 2, skipped: 0 })
    const second = atax([
      ...storeArgs(db),
      '--json',
      'import',
      'lm-eval',
      alignedFile,
      '--project',
      'Evals',
      '--gen',
      'g1',
      '--role',
      'aligned',
    ])
    expect(second.code).toBe(0)
    const out = JSON.parse(second.stdout)
    expect(out.imported).toBe(2)
    expect(out.benchmarks).toEqual(
      expect.arrayContaining([
        { benchmark: 'truthfulqa_mc', metric: 'mc2', baseline: base.mc2, aligned: base.mc2 + 0.05 },
        { benchmark: 'truthfulqa_mc', metric: 'mc1', baseline: base.mc1, aligned: base.mc1 },
      ]),
    )
    const repeat = importBaseline()
    expect(JSON.parse(repeat.stdout)).toMatchObject({ imported: 0, duplicate: true })

    const bad = atax([
      ...storeArgs(db),
      'import',
      'csv',
      path.join(dir, 'missing.csv'),
      '--project',
      'Evals',
      '--gen',
      'g1',
      '--role',
      'baseline',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/missing\.csv: no such file/)

    const report = path.join(dir, 'report.md')
    expect(atax([...storeArgs(db), 'export', 'md', '--project', 'Evals', '--out', report]).code).toBe(0)
    expect(fs.readFileSync(report, 'utf8')).toMatch(/truthfulqa\\_mc · mc2/)
    fs.writeFileSync(report, 'keep me')
    const refused = atax([...storeArgs(db), 'export', 'md', '--out', report])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/already exists: pass --force/)
    expect(fs.readFileSync(report, 'utf8')).toBe('keep me')
    expect(atax([...storeArgs(db), 'export', 'md', '--out', report, '--force']).code).toBe(0)
    expect(fs.readFileSync(report, 'utf8')).not.toBe('keep me')
  })

  it('restores a backup so that the next export is identical', () => {
    const db = path.join(dir, 'roundtrip.db')
    atax([...storeArgs(db), 'sample'])
    const backup = path.join(dir, 'backup.json')
    expect(atax([...storeArgs(db), 'export', 'json', '--out', backup]).code).toBe(0)
    const other = path.join(dir, 'restored.db')
    atax([...storeArgs(other), 'project', 'add', 'Will be replaced'])
    const restored = atax([...storeArgs(other), 'import', 'backup', backup])
    expect(restored.code).toBe(0)
    const again = path.join(dir, 'backup2.json')
    expect(atax([...storeArgs(other), 'export', 'json', '--out', again]).code).toBe(0)
    // JSON Lines: everything but the first line (the header, with its time) is the data.
    const strip = (file: string) => fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n')
    expect(fs.readFileSync(backup, 'utf8').split('\n')[0]).toMatch(/"version":2/)
    expect(strip(again)).toBe(strip(backup))
  })
})
