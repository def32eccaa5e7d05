/**
 * The `tax` and `summary` commands through runCli in-process (the same code the binary
 * runs; the spawned binary is covered in test/integration/cli.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import path from 'node:path'
import { runCli } from '../../../../src-main/cli/main'
import { benchmarkRegression, inferenceTaxFromCurve, inferenceTaxFromPolicy } from '../../../../src-shared/tax'
import { tempDir } from '../../../support/tempDb'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function run(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

describe('atax tax inference', () => {
  it('prints the tax, the multiplier and the explanation', async () => {
    const r = await run('--json', 'tax', 'inference', '--policy', '0.1:4')
    expect(r.code).toBe(0)
    const expected = inferenceTaxFromPolicy([{ fraction: 0.1, multiplier: 4 }])
    expect(JSON.parse(r.stdout)).toEqual({
      taxPct: expected.taxPct,
      multiplier: expected.multiplier,
      explanation: expected.explanation,
    })
    expect(JSON.parse(r.stdout).explanation).toMatch(/^0\.9 × 1 \+ 0\.1 × 4 = 1\.3 → 30% more inference compute/)
    const human = await run('tax', 'inference', '--policy', '0.1:4,0.2:2', '--rm-cost', '0.5')
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(
      `${
        inferenceTaxFromPolicy(
          [
            { fraction: 0.1, multiplier: 4 },
            { fraction: 0.2, multiplier: 2 },
          ],
          0.5,
        ).taxPct
      }`.slice(0, 2),
    )
  })

  it.each([
    [['--policy', '1.5:2'], /1\.5/],
    [['--policy', '0.7:2,0.4:3'], /1\.1/],
    [['--policy', '0.5:0.5'], /0\.5/],
    [['--policy', '0.5:2', '--rm-cost', '-1'], /-1/],
    [['--policy', 'abc:2'], /"abc" is not a number/],
    [['--policy', '0.5:NaN'], /"NaN" is not a number/],
    [['--policy', '0.5:Infinity'], /"Infinity" is not a number/],
  ])('exits 1 naming the bad value for %j', async (args, message) => {
    const r = await run('--json', 'tax', 'inference', ...(args as string[]))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stdout).toBe('')
  })

  it('exits 2 on a malformed policy or a missing flag', async () => {
    expect((await run('tax', 'inference')).code).toBe(2)
    expect((await run('tax', 'inference', '--policy', '0.5')).code).toBe(2)
  })
})

describe('atax tax curve', () => {
  it('interpolates in log k, and says when the baseline is not reached', async () => {
    const points = [
      { multiplier: 1, score: 0.6 },
      { multiplier: 4, score: 0.7 },
    ]
    const r = await run('--json', 'tax', 'curve', '--baseline', '0.65', '--point', '1:0.6', '--point', '4:0.7')
    expect(r.code).toBe(0)
    const expected = inferenceTaxFromCurve(points, 0.65, 'higher')
    expect(JSON.parse(r.stdout)).toEqual({
      taxPct: expected.taxPct,
      multiplier: expected.multiplier,
      reached: true,
      explanation: expected.explanation,
    })
    expect(JSON.parse(r.stdout).multiplier).toBeCloseTo(2, 12) // halfway in log k between 1 and 4
    const never = await run('--json', 'tax', 'curve', '--baseline', '0.9', '--point', '1:0.6', '--point', '16:0.7')
    expect(never.code).toBe(0)
    expect(JSON.parse(never.stdout)).toMatchObject({ taxPct: null, multiplier: null, reached: false })
    expect(JSON.parse(never.stdout).explanation).toMatch(/not reached within k_max = 16/)
    const lower = await run(
      '--json',
      'tax',
      'curve',
      '--lower-is-better',
      '--baseline',
      '2',
      '--point',
      '1:3',
      '--point',
      '2:2',
    )
    expect(JSON.parse(lower.stdout).taxPct).toBeCloseTo(100, 9)
  })

  it.each([
    [['--baseline', '0.5', '--point', '0.5:0.4'], /0\.5/],
    [['--baseline', 'x', '--point', '1:0.4'], /"x" is not a number/],
    [['--baseline', '0.5', '--point', '1:NaN'], /"NaN" is not a number/],
  ])('exits 1 naming the bad value for %j', async (args, message) => {
    const r = await run('tax', 'curve', ...(args as string[]))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(message as RegExp)
  })
})

describe('atax tax perf', () => {
  it('gives the regression, delta, z and significance', async () => {
    const r = await run(
      '--json',
      'tax',
      'perf',
      '--baseline',
      '0.8',
      '--aligned',
      '0.76',
      '--baseline-stderr',
      '0.01',
      '--aligned-stderr',
      '0.01',
    )
    expect(r.code).toBe(0)
    const e = benchmarkRegression({
      baseline: 0.8,
      aligned: 0.76,
      baselineStderr: 0.01,
      alignedStderr: 0.01,
      direction: 'higher',
    })
    expect(JSON.parse(r.stdout)).toEqual({
      regressionPct: e.regressionPct,
      delta: e.delta,
      z: e.z,
      significant: e.significant,
    })
    const zero = await run('--json', 'tax', 'perf', '--baseline', '0', '--aligned', '0.1')
    expect(JSON.parse(zero.stdout)).toMatchObject({ regressionPct: null, z: null, significant: null })
    expect(JSON.parse(zero.stdout).delta).toBeCloseTo(0.1, 12)
  })

  it('exits 1 on a negative standard error, naming it', async () => {
    const r = await run('tax', 'perf', '--baseline', '0.8', '--aligned', '0.7', '--aligned-stderr', '-0.2')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/-0\.2/)
  })
})

describe('atax summary', () => {
  it('shows every generation of the sample with its taxes', async () => {
    const db = path.join(dir, 'summary.db')
    expect((await run('--db', db, 'sample')).code).toBe(0)
    const r = await run('--db', db, '--json', 'summary', '--project', 'RLHF pipeline (sample)')
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout)
    expect(rows.map((g: any) => g.ttdMonths)).toEqual([9, 3])
    expect(rows[0].devComputePctOfPretraining).toBeCloseTo((64.9 / 3640) * 100, 10)
    expect(rows[0].inferenceTaxPct).toBe(30)
    for (const key of [
      'name',
      'ttdMonths',
      'devTaxUsd',
      'devComputePctOfPretraining',
      'meanRegressionPct',
      'inferenceTaxPct',
    ]) {
      expect(rows[0]).toHaveProperty(key)
    }
    const human = await run('--db', db, 'summary', '--project', 'RLHF pipeline (sample)')
    expect(human.stdout).toMatch(/9\.0 months/)
    expect(human.stdout).toMatch(/3\.0 months \(3× faster\)/)
  })
})

describe('atax global options and output files', () => {
  it('refuses an empty --db instead of falling back to the desktop file', async () => {
    const r = await run('--db', '', 'project', 'list')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--db needs a FILE, not an empty string/)
    expect((await run('--db=', 'project', 'list')).code).toBe(2)
  })

  it('says why --out cannot be written, in one line', async () => {
    const db = path.join(dir, 'out.db')
    await run('--db', db, 'sample')
    const missing = await run('--db', db, 'export', 'md', '--out', path.join(dir, 'no', 'such', 'r.md'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      `atax: --out ${path.join(dir, 'no', 'such', 'r.md')}: cannot write the file: its folder does not exist\n`,
    )
    const folder = await run('--db', db, 'export', 'md', '--out', dir, '--force')
    expect(folder.code).toBe(1)
    expect(folder.stderr).toMatch(/cannot write the file: it is a folder/)
  })
})
