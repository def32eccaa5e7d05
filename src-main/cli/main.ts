/**
 * The `atax` CLI: training pipelines log into the same database as the app, and
 * anyone can compute a tax from the shell. Every database command goes through the
 * handler table (`dispatch`), so it is validated exactly like the UI's requests.
 *
 * Exit codes: 0 success, 1 invalid data (nothing written), 2 usage error, 3 database busy (retry).
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { COST_CATEGORIES, type Direction } from '../../src-shared/domain/types'
import {
  benchmarkRegression,
  formatMonths,
  formatNumber,
  formatPct,
  formatUsd,
  inferenceTaxFromCurve,
  inferenceTaxFromPolicy,
  TaxInputError,
} from '../../src-shared/tax'
import type { OpenApp } from '../app'
import { resolveDbFile } from '../paths'
import { whyCannotWrite, writeFileAtomically } from '../files/atomic'
import { perfCommands } from './perf'
import { folderImportLines, isDirectory, readFolder } from './importFolder'
import { snapshotCommands } from './snapshots'

import { BusyError, DataError, UsageError, type Command, type CommandContext, type Globals, type Io } from './command'

export { BusyError, DataError, UsageError, type Command, type CommandContext, type Io }

const str = { type: 'string' } as const
const flag = { type: 'boolean' } as const

const DATE_HELP = 'DATE is YYYY-MM-DD.'

/** Maps fields of a request to the CLI flags they come from, for error messages. */
const GEN_FLAGS = {
  name: '--name',
  pretrainedOn: '--pretrained',
  deployedOn: '--deployed',
  baseModel: '--base-model',
  paramsB: '--params-b',
  pretrainComputePfd: '--pretrain-compute-pfd',
  pretrainCostUsd: '--pretrain-cost-usd',
  technique: '--technique',
  notes: '--notes',
}

const commands: Command[] = [
  {
    words: ['project', 'add'],
    usage: 'project add NAME [--description TEXT]',
    summary: 'create a project',
    positionals: 1,
    options: { description: str },
    run: async (c) => {
      const p = await c.call(
        'projects.create',
        { name: c.positionals[0], description: opt(c, 'description') ?? '' },
        { name: 'NAME', description: '--description' },
      )
      c.print(`created project "${p.name}" (#${p.id})`, p)
    },
  },
  {
    words: ['project', 'list'],
    usage: 'project list',
    summary: 'list projects',
    run: async (c) => {
      const list = await c.call('projects.list', { includeArchived: true })
      c.print(
        list.length
          ? table(
              ['id', 'name', 'status'],
              list.map((p) => [
                String(p.id),
                p.name,
                [p.isSample ? 'sample' : '', p.archivedAt ? 'archived' : ''].filter(Boolean).join(', '),
              ]),
            )
          : 'no projects yet: `atax project add NAME` or `atax sample`',
        list,
      )
    },
  },
  {
    words: ['gen', 'add'],
    usage:
      'gen add --project P --name G --pretrained DATE [--deployed DATE] [--base-model M] [--params-b N]\n        [--pretrain-compute-pfd N] [--pretrain-cost-usd N] [--technique T] [--technique-change] [--notes T]',
    summary: 'add a model generation',
    help: DATE_HELP,
    options: {
      project: str,
      name: str,
      pretrained: str,
      deployed: str,
      'base-model': str,
      'params-b': str,
      'pretrain-compute-pfd': str,
      'pretrain-cost-usd': str,
      technique: str,
      'technique-change': flag,
      notes: str,
    },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const g = await c.call(
        'generations.create',
        {
          projectId,
          name: req(c, 'name'),
          pretrainedOn: req(c, 'pretrained'),
          deployedOn: opt(c, 'deployed') ?? null,
          baseModel: opt(c, 'base-model') ?? null,
          paramsB: num(c, 'params-b'),
          pretrainComputePfd: num(c, 'pretrain-compute-pfd'),
          pretrainCostUsd: num(c, 'pretrain-cost-usd'),
          technique: opt(c, 'technique') ?? null,
          techniqueChange: c.values['technique-change'] === true,
          notes: opt(c, 'notes') ?? '',
        },
        GEN_FLAGS,
      )
      c.print(`added generation "${g.name}" (#${g.id}, generation ${g.ordinal} of its project)`, g)
    },
  },
  {
    words: ['gen', 'list'],
    usage: 'gen list --project P',
    summary: 'list the generations of a project with their time to deployment',
    options: { project: str },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const summary = await c.call('projects.summary', { projectId })
      const rows = summary.generations.map((s) => ({ ...s.generation, ttdMonths: s.ttdMonths }))
      c.print(
        rows.length
          ? table(
              ['#', 'name', 'pretrained', 'deployed', 'time to deployment'],
              rows.map((g) => [
                String(g.ordinal),
                g.name,
                g.pretrainedOn,
                g.deployedOn ?? '—',
                g.ttdMonths == null ? 'not deployed' : formatMonths(g.ttdMonths),
              ]),
            )
          : 'no generations yet: `atax gen add --project P --name G --pretrained DATE`',
        rows,
      )
    },
  },
  {
    words: ['perf', 'add'],
    usage:
      'perf add --project P --gen G --benchmark B --baseline Z --aligned Z2 [--metric M] [--lower-is-better]\n         [--baseline-stderr S] [--aligned-stderr S] [--shots N]',
    summary: 'record a benchmark regression',
    options: {
      project: str,
      gen: str,
      benchmark: str,
      baseline: str,
      aligned: str,
      metric: str,
      'lower-is-better': flag,
      'baseline-stderr': str,
      'aligned-stderr': str,
      shots: str,
    },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const m = await c.call(
        'measurements.create',
        {
          generationId,
          benchmark: req(c, 'benchmark'),
          metric: opt(c, 'metric') ?? 'score',
          direction: c.values['lower-is-better'] ? 'lower' : 'higher',
          baseline: reqNum(c, 'baseline'),
          aligned: reqNum(c, 'aligned'),
          baselineStderr: num(c, 'baseline-stderr'),
          alignedStderr: num(c, 'aligned-stderr'),
          shots: num(c, 'shots'),
          source: 'pipeline',
        },
        {
          benchmark: '--benchmark',
          metric: '--metric',
          baseline: '--baseline',
          aligned: '--aligned',
          baselineStderr: '--baseline-stderr',
          alignedStderr: '--aligned-stderr',
          shots: '--shots',
        },
      )
      const r = benchmarkRegression({
        baseline: m.baseline!,
        aligned: m.aligned!,
        baselineStderr: m.baselineStderr,
        alignedStderr: m.alignedStderr,
        direction: m.direction,
      })
      c.print(`recorded ${m.benchmark} · ${m.metric}: ${r.explanation}`, { ...m, ...r })
    },
  },
  {
    words: ['dev', 'add'],
    usage: `dev add --project P --gen G --category ${COST_CATEGORIES.join('|')}\n        --amount-usd N [--low-usd N] [--high-usd N] [--quantity N --unit U]\n        [--scales-with-model] [--note T] [--date DATE]`,
    summary: 'record a development cost item',
    help: 'Units are free text; use pf-days for compute so it counts against pretraining compute. ' + DATE_HELP,
    options: {
      project: str,
      gen: str,
      category: str,
      'amount-usd': str,
      'low-usd': str,
      'high-usd': str,
      quantity: str,
      unit: str,
      'scales-with-model': flag,
      note: str,
      date: str,
    },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const item = await c.call(
        'costs.create',
        {
          generationId,
          category: req(c, 'category') as never,
          amountUsd: reqNum(c, 'amount-usd'),
          lowUsd: num(c, 'low-usd'),
          highUsd: num(c, 'high-usd'),
          quantity: num(c, 'quantity'),
          unit: opt(c, 'unit') ?? null,
          scalesWithModel: c.values['scales-with-model'] === true,
          note: opt(c, 'note') ?? '',
          date: opt(c, 'date') ?? null,
          source: 'pipeline',
        },
        {
          category: '--category',
          amountUsd: '--amount-usd',
          lowUsd: '--low-usd',
          highUsd: '--high-usd',
          quantity: '--quantity',
          unit: '--unit',
          note: '--note',
          date: '--date',
        },
      )
      c.print(`recorded ${item.category} ${formatUsd(item.amountUsd)} (#${item.id})`, item)
    },
  },
  {
    words: ['phase', 'add'],
    usage: 'phase add --project P --gen G --name T --start DATE --end DATE',
    summary: 'record a pipeline phase',
    help: DATE_HELP,
    options: { project: str, gen: str, name: str, start: str, end: str },
    run: async (c) => {
      const generationId = await generationIdOf(c)
      const phase = await c.call(
        'phases.create',
        { generationId, name: req(c, 'name'), startOn: req(c, 'start'), endOn: req(c, 'end') },
        { name: '--name', startOn: '--start', endOn: '--end' },
      )
      c.print(`recorded phase "${phase.name}" ${phase.startOn} → ${phase.endOn}`, phase)
    },
  },
  {
    words: ['sample'],
    usage: 'sample',
    summary: 'load the sample workspace; running it twice changes nothing',
    run: async (c) => {
      const r = await c.call('sample.load', {})
      const { SAMPLE_PROJECT_NAME } = await import('../services/sample')
      c.print(
        r.created
          ? `loaded "${SAMPLE_PROJECT_NAME}" (#${r.projectId})`
          : `"${SAMPLE_PROJECT_NAME}" is already there (#${r.projectId}): nothing changed`,
        r,
      )
    },
  },
  {
    words: ['summary'],
    usage: 'summary --project P',
    summary: 'every tax of every generation of a project',
    options: { project: str },
    run: async (c) => {
      const projectId = await projectIdOf(c)
      const s = await c.call('projects.summary', { projectId })
      const rows = s.generations.map((g) => ({
        name: g.generation.name,
        ordinal: g.generation.ordinal,
        ttdMonths: g.ttdMonths,
        ttdShrinkRatio: g.shrink?.ratio ?? null,
        devTaxUsd: g.development.totalUsd,
        devTaxLowUsd: g.development.lowUsd,
        devTaxHighUsd: g.development.highUsd,
        devTaxPctOfPretrainingCost: g.development.pctOfPretrainingCost,
        devComputePfd: g.development.computePfd,
        devComputePctOfPretraining: g.development.pctOfPretrainingCompute,
        headlineCount: g.regressions.headlineCount,
        meanRegressionPct: g.regressions.meanPct,
        medianRegressionPct: g.regressions.medianPct,
        regressions: g.regressions.regressions,
        gains: g.regressions.gains,
        significant: g.regressions.significant,
        inferenceTaxPct: g.inferenceTaxPct,
        money: g.money,
        // Stored rows of this generation the engine could not compute, left out of these figures.
        warnings: g.warnings,
      }))
      const human = table(
        ['generation', 'time to deploy', 'dev tax', 'dev compute', 'mean regression', 'inference tax'],
        rows.map((r) => [
          r.name,
          r.ttdMonths == null
            ? 'not deployed'
            : formatMonths(r.ttdMonths) + (r.ttdShrinkRatio ? ` (${formatNumber(r.ttdShrinkRatio, 2)}× faster)` : ''),
          formatUsd(r.devTaxUsd) +
            (r.devTaxPctOfPretrainingCost == null
              ? ''
              : ` (${formatPct(r.devTaxPctOfPretrainingCost, 2)} of pretraining)`),
          r.devComputePctOfPretraining == null
            ? `${formatNumber(r.devComputePfd)} pf-days`
            : `${formatNumber(r.devComputePfd)} pf-days (${formatPct(r.devComputePctOfPretraining, 2)})`,
          r.meanRegressionPct == null ? '—' : formatPct(r.meanRegressionPct, 2),
          r.inferenceTaxPct == null ? '—' : formatPct(r.inferenceTaxPct),
        ]),
      )
      const forecast = s.forecast ? `\nnext generation forecast: ${s.forecast.explanation}` : ''
      const warnings = s.warnings.map((w) => `\nwarning: ${w}`).join('')
      c.print(human + forecast + warnings, rows)
    },
  },
  {
    words: ['tax', 'inference'],
    usage: 'tax inference --policy P:K[,P:K...] [--rm-cost R]',
    summary: 'inference-compute tax of a policy: best-of-K (or K× compute) on a fraction P of tasks',
    help: 'Example: --policy 0.1:4 is best-of-4 on 10% of tasks, a 30% tax (not 40%).',
    options: { policy: str, 'rm-cost': str },
    run: async (c) => {
      const rows = req(c, 'policy')
        .split(',')
        .map((part, i) => {
          const [p, k, extra] = part.split(':')
          if (k === undefined || extra !== undefined)
            throw new UsageError(`--policy: row ${i + 1} "${part}" is not P:K`)
          return {
            fraction: parseNumber(p, `--policy row ${i + 1} fraction`),
            multiplier: parseNumber(k, `--policy row ${i + 1} multiplier`),
          }
        })
      const r = inferenceTaxFromPolicy(rows, num(c, 'rm-cost') ?? 0)
      c.print(`${formatPct(r.taxPct)} more inference compute\n${r.explanation}`, {
        taxPct: r.taxPct,
        multiplier: r.multiplier,
        explanation: r.explanation,
      })
    },
  },
  {
    words: ['tax', 'curve'],
    usage: 'tax curve --baseline Z --point K:S [--point K:S ...] [--lower-is-better]',
    summary: 'inference-compute tax from measured (compute multiplier, score) points',
    options: { baseline: str, point: { type: 'string', multiple: true }, 'lower-is-better': flag },
    run: async (c) => {
      const raw = (c.values.point as string[] | undefined) ?? []
      if (!raw.length) throw new UsageError('--point K:S is required at least once')
      const points = raw.map((part, i) => {
        const [k, s, extra] = part.split(':')
        if (s === undefined || extra !== undefined) throw new UsageError(`--point ${i + 1} "${part}" is not K:S`)
        return {
          multiplier: parseNumber(k, `--point ${i + 1} multiplier`),
          score: parseNumber(s, `--point ${i + 1} score`),
        }
      })
      const direction: Direction = c.values['lower-is-better'] ? 'lower' : 'higher'
      const r = inferenceTaxFromCurve(points, reqNum(c, 'baseline'), direction)
      c.print(r.reached ? `${formatPct(r.taxPct!)} more inference compute\n${r.explanation}` : r.explanation, {
        taxPct: r.taxPct,
        multiplier: r.multiplier,
        reached: r.reached,
        explanation: r.explanation,
      })
    },
  },
  {
    words: ['tax', 'perf'],
    usage: 'tax perf --baseline Z --aligned Z2 [--baseline-stderr S] [--aligned-stderr S] [--lower-is-better]',
    summary: 'benchmark regression of an aligned score against the baseline',
    options: { baseline: str, aligned: str, 'baseline-stderr': str, 'aligned-stderr': str, 'lower-is-better': flag },
    run: async (c) => {
      const r = benchmarkRegression({
        baseline: reqNum(c, 'baseline'),
        aligned: reqNum(c, 'aligned'),
        baselineStderr: num(c, 'baseline-stderr'),
        alignedStderr: num(c, 'aligned-stderr'),
        direction: c.values['lower-is-better'] ? 'lower' : 'higher',
      })
      c.print(r.explanation, { regressionPct: r.regressionPct, delta: r.delta, z: r.z, significant: r.significant })
    },
  },
  {
    words: ['import'],
    usage:
      'import lm-eval|inspect|csv FILE --project P --gen G --role baseline|aligned [--force] [--strict] [--direction METRIC=higher|lower ...]\n  import lm-eval|inspect DIR … (a folder: the newest results_*.json per model folder, or every Inspect log; one transaction)\n  import backup FILE',
    summary: 'import evaluation results into a generation, or restore a backup',
    help: 'A baseline run and an aligned run of the same tasks become benchmark regressions.\nThe same file is not imported twice unless --force. A NaN or Infinity score is skipped with a warning, or refuses the file with --strict. A backup restore replaces all data (a copy of the database is kept beside it).',
    positionals: 2,
    options: {
      project: str,
      gen: str,
      role: str,
      force: flag,
      strict: flag,
      direction: { type: 'string', multiple: true },
    },
    run: async (c) => {
      const [format, file] = c.positionals
      const folder = (format === 'lm-eval' || format === 'inspect') && isDirectory(file)
      if (!folder) {
        checkReadable(file)
        // The engine reads the file by path: no base64 copy of it in memory.
        c.app().env.inputFile = file
      }
      if (format === 'backup') {
        const r = await c.call('backup.restore', { fileName: path.basename(file) })
        c.print(`restored ${r.projects} project(s) from ${file}`, r)
        return
      }
      if (format !== 'lm-eval' && format !== 'inspect' && format !== 'csv') {
        throw new UsageError(`import: unknown format "${format}" (lm-eval, inspect, csv or backup)`)
      }
      const role = req(c, 'role')
      if (role !== 'baseline' && role !== 'aligned')
        throw new UsageError(`--role must be baseline or aligned, not "${role}"`)
      const directions: Record<string, Direction> = {}
      for (const d of (c.values.direction as string[] | undefined) ?? []) {
        const [metric, dir] = d.split('=')
        if (!metric || (dir !== 'higher' && dir !== 'lower'))
          throw new UsageError(`--direction "${d}" is not METRIC=higher|lower`)
        directions[metric] = dir
      }
      const generationId = await generationIdOf(c)
      if (folder) {
        const r = await c.call('imports.runFolder', {
          format,
          ...readFolder(file, format),
          generationId,
          role,
          force: c.values.force === true,
          strict: c.values.strict === true,
          directions,
        })
        if (r.needsDirection.length) {
          throw new DataError(
            `${file}: the direction of ${r.needsDirection.join(', ')} is unknown: pass --direction METRIC=higher|lower (nothing was written)`,
          )
        }
        c.print(folderImportLines(file, r).join('\n'), r)
        return
      }
      const showProgress = c.io.stderrIsTty && !c.globals.json
      const env = c.app().env
      if (showProgress)
        env.onProgress = (f) => c.io.stderr(`\rimporting ${path.basename(file)}: ${Math.round(f * 100)}%`)
      const r = await c.call('imports.run', {
        format,
        fileName: path.basename(file),
        generationId,
        role,
        force: c.values.force === true,
        strict: c.values.strict === true,
        directions,
        // --json promises every benchmark; the human output only counts and samples them.
        list: c.globals.json ? 'full' : 'summary',
      })
      if (showProgress) c.io.stderr('\n')
      if (r.needsDirection.length) {
        throw new DataError(
          `${file}: the direction of ${r.needsDirection.join(', ')} is unknown: pass --direction METRIC=higher|lower`,
        )
      }
      const lines = [
        r.duplicate
          ? `${file}: already imported into this generation as the ${role} run, nothing written (use --force to import it again)`
          : `imported ${r.imported} result(s) from ${file}`,
        // The service's own words for a duplicate are the line above, in CLI terms.
        ...(r.duplicate ? [] : r.warnings.map((w) => `warning: ${w}`)),
        ...(r.unmatchedCount
          ? [
              `${r.unmatchedCount} benchmark(s) have only one side so far:`,
              ...r.unmatched.slice(0, 20).map((u) => `  ${u.benchmark} · ${u.metric}`),
              ...(r.unmatchedCount > 20 ? [`  … and ${r.unmatchedCount - 20} more (--json lists them all)`] : []),
            ]
          : []),
      ]
      c.print(lines.join('\n'), {
        imported: r.imported,
        skipped: r.skipped,
        duplicate: r.duplicate,
        benchmarks: r.benchmarks,
        unmatched: r.unmatched,
        warnings: r.warnings,
      })
    },
  },
  {
    words: ['web'],
    usage: 'web [--port N]',
    summary: 'serve the app to a browser on 127.0.0.1 (web mode); prints its address with a token',
    help: 'Without --port, a free port is chosen. Runs until Ctrl+C.',
    options: { port: str },
    run: async (c) => {
      const text = opt(c, 'port')
      const port = text === undefined ? 0 : Number(text)
      if (!/^\d+$/.test(text ?? '0') || port > 65535)
        throw new UsageError(`--port: "${text}" is not a port number (0-65535)`)
      const { startWebMode } = await import('../web/start')
      try {
        await startWebMode({ db: c.globals.db, port, env: c.io.env, stdout: c.io.stdout, stderr: c.io.stderr })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE' || code === 'EACCES')
          throw new DataError(`--port ${port}: ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}`)
        throw err
      }
    },
  },
  {
    words: ['export'],
    usage: 'export json|csv|html|md|pdf [--project P] [--out FILE] [--force]',
    summary: 'export a report (HTML, Markdown, PDF), the data (CSV) or a full backup (JSON)',
    help:
      'Without --out the export goes to standard output (PDF needs --out). An existing --out file is only replaced with --force.\n' +
      'PDF is the HTML report printed by a headless Chromium: $ATAX_CHROMIUM, else @sparticuz/chromium (npm, Linux x64), else an installed Chrome or Chromium.',
    positionals: 1,
    options: { project: str, out: str, force: flag },
    run: async (c) => {
      const format = c.positionals[0]
      if (!['json', 'csv', 'html', 'md', 'pdf'].includes(format))
        throw new UsageError(`export: unknown format "${format}" (json, csv, html, md or pdf)`)
      const out = opt(c, 'out')
      if (format === 'pdf' && !out) throw new UsageError('export pdf needs --out FILE')
      if (out && fs.existsSync(out) && c.values.force !== true) {
        throw new DataError(`--out ${out} already exists: pass --force to replace it`)
      }
      const projectId = opt(c, 'project') ? await projectIdOf(c) : undefined
      if (format === 'json' && projectId === undefined && out) {
        // The full backup is streamed by the engine straight into the file (JSON Lines).
        c.app().env.outputFile = out
        try {
          await c.call('backup.export', {})
        } catch (err) {
          throw err instanceof DataError ? new DataError(`--out ${out}: ${err.message}`) : err
        }
        c.io.stderr(`wrote ${out}\n`)
        return
      }
      const r =
        format === 'pdf'
          ? await c
              .call('reports.pdf', { projectId })
              .then((p) => ({ content: Buffer.from(p.contentBase64, 'base64') }))
          : await c.call('reports.export', { format: format as 'json', projectId })
      if (out) {
        try {
          // A temporary name, synced, then renamed: never a half-written file under --out.
          writeFileAtomically(out, r.content, { replace: c.values.force === true })
        } catch (err) {
          throw new DataError(`--out ${out}: cannot write the file: ${whyCannotWrite(err)}`)
        }
        c.io.stderr(`wrote ${out}\n`)
      } else {
        const text = String(r.content)
        c.io.stdout(text.endsWith('\n') ? text : text + '\n')
      }
    },
  },
  ...perfCommands<CommandContext>({
    generationIdOf: (c) => generationIdOf(c),
    required: (c, name) => req(c, name),
    table: (header, rows) => table(header, rows),
    usageError: (message) => new UsageError(message),
  }),
]

commands.push(...snapshotCommands)

// ---- helpers for commands ----

function opt(c: CommandContext, name: string): string | undefined {
  const v = c.values[name]
  return typeof v === 'string' ? v : undefined
}
function req(c: CommandContext, name: string): string {
  const v = opt(c, name)
  if (v === undefined) throw new UsageError(`--${name} is required`)
  return v
}
function parseNumber(text: string, where: string): number {
  const n = text.trim() === '' ? NaN : Number(text)
  if (!Number.isFinite(n)) throw new DataError(`${where}: "${text}" is not a number`)
  return n
}
function num(c: CommandContext, name: string): number | null {
  const v = opt(c, name)
  return v === undefined ? null : parseNumber(v, `--${name}`)
}
function reqNum(c: CommandContext, name: string): number {
  return parseNumber(req(c, name), `--${name}`)
}
async function projectIdOf(c: CommandContext): Promise<number> {
  const name = req(c, 'project')
  const list = await c.call('projects.list', { includeArchived: true })
  const project = list.find((p) => p.name === name)
  if (!project) {
    throw new DataError(
      `--project: no project named "${name}"${list.length ? ` (there are: ${list.map((p) => `"${p.name}"`).join(', ')})` : ''}`,
    )
  }
  return project.id
}
async function generationIdOf(c: CommandContext): Promise<number> {
  const projectId = await projectIdOf(c)
  const name = req(c, 'gen')
  const gens = await c.call('generations.list', { projectId })
  const gen = gens.find((g) => g.name === name)
  if (!gen) {
    throw new DataError(
      `--gen: project "${opt(c, 'project')}" has no generation named "${name}"${gens.length ? ` (there are: ${gens.map((g) => `"${g.name}"`).join(', ')})` : ''}`,
    )
  }
  return gen.id
}
function checkReadable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK)
    if (fs.statSync(file).isDirectory()) throw new Error('it is a folder, not a file')
  } catch (err) {
    throw new DataError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

// ---- help ----

function mainHelp(): string {
  return [
    'atax — Alignment Tax Planner on the command line',
    '',
    'usage: atax [--db FILE] [--json] <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(15)} ${c.summary}`),
    '',
    'global options:',
    "  --db FILE   the database file (default: $ATAX_DB, else the desktop app's own file)",
    '  --json      print JSON on standard output (numbers unrounded)',
    '  --help      this help; `atax <command> --help` for one command',
    '',
    'exit codes: 0 success, 1 invalid data (nothing written), 2 usage error, 3 database busy (nothing written, retry)',
  ].join('\n')
}

function commandHelp(c: Command): string {
  return [`usage: atax [--db FILE] [--json] ${c.usage}`, '', c.summary + '.', ...(c.help ? ['', c.help] : [])].join(
    '\n',
  )
}

// ---- entry ----

function splitGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = { json: false, help: false }
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') globals.json = true
    else if (a === '--help' || a === '-h') globals.help = true
    else if (a === '--db') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError('--db needs a FILE')
      globals.db = argv[++i]
      if (globals.db === '') throw new UsageError('--db needs a FILE, not an empty string')
    } else if (a.startsWith('--db=')) {
      globals.db = a.slice(5)
      if (globals.db === '') throw new UsageError('--db needs a FILE, not an empty string')
    } else rest.push(a)
  }
  return { globals, rest }
}

/** `--baseline -0.5` would read as a flag: pass a negative number as `--baseline=-0.5`. */
function joinNegativeValues(args: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null
    if (name && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(args[i + 1] ?? '')) {
      out.push(`${args[i]}=${args[++i]}`)
    } else out.push(args[i])
  }
  return out
}

function findCommand(rest: string[]): Command | undefined {
  return commands
    .filter((c) => c.words.every((w, i) => rest[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0]
}

/**
 * The database layer (drizzle, the services, better-sqlite3), loaded only by commands
 * that use it, so that `atax tax …` and `--help` start in a few tens of milliseconds.
 */
async function loadStore() {
  const [{ openApp }, { dispatch }] = await Promise.all([import('../app'), import('../handlers')])
  return { openApp, dispatch }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let app: OpenApp | null = null
  try {
    const { globals, rest } = splitGlobals(argv)
    if (rest.length === 0) {
      if (globals.help) {
        io.stdout(mainHelp() + '\n')
        return 0
      }
      throw new UsageError('no command given')
    }
    const command = findCommand(rest)
    if (!command) {
      const group = commands.filter((c) => c.words[0] === rest[0])
      if (group.length && (rest.length === 1 || globals.help)) {
        io.stdout(group.map(commandHelp).join('\n\n') + '\n')
        return globals.help ? 0 : 2
      }
      throw new UsageError(`unknown command "${rest.join(' ')}"`)
    }
    if (globals.help) {
      io.stdout(commandHelp(command) + '\n')
      return 0
    }
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args: joinNegativeValues(rest.slice(command.words.length), command.options ?? {}),
        options: command.options ?? {},
        allowPositionals: true,
        strict: true,
      })
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
    }
    const expected = command.positionals ?? 0
    if (parsed.positionals.length !== expected) {
      throw new UsageError(
        expected === 0
          ? `unexpected argument "${parsed.positionals[0]}"`
          : `expected ${expected} argument(s), got ${parsed.positionals.length}`,
      )
    }
    const store = command.words[0] === 'tax' ? null : await loadStore()
    const openLazily = () => {
      if (!store) throw new Error(`atax ${command.words.join(' ')} does not use the database`)
      const { openApp } = store
      if (!app) {
        app = openApp(resolveDbFile(globals.db, io.env), 'desktop')
        for (const label of app.database.quarantined) {
          io.stderr(
            `atax: upgrading ${app.database.file} moved a row that breaks the row rules to the trash: ${label}\n`,
          )
        }
      }
      return app
    }
    const ctx: CommandContext = {
      globals,
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      io,
      app: openLazily,
      call: async (name, input, flagOf = {}) => {
        const response = await store!.dispatch(openLazily().env, name, input)
        if (response.ok) return response.value as never
        const { error } = response
        if (error.issues?.length) {
          throw new DataError(
            error.issues
              .map((i) => {
                const field = i.path.split('.')[0]
                const where = (flagOf as Record<string, string>)[field] ?? i.path
                const value = (input as Record<string, unknown>)[field]
                return `${where}: ${i.message}${value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`}`
              })
              .join('\n'),
          )
        }
        if (error.code === 'busy') throw new BusyError(error.message)
        throw new DataError(error.message)
      },
      print: (human, json) => io.stdout((globals.json ? JSON.stringify(json, null, 2) : human) + '\n'),
    }
    await command.run(ctx)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`atax: ${err.message}\nRun \`atax --help\` for usage.\n`)
      return 2
    }
    if (err instanceof BusyError) {
      io.stderr(`atax: ${err.message}\n`)
      return 3
    }
    if (
      err instanceof DataError ||
      err instanceof TaxInputError ||
      (err as Error)?.name === 'ImportError' ||
      (err as Error)?.name === 'DatabaseOpenError' ||
      (err as Error)?.name === 'ServiceError'
    ) {
      io.stderr(`atax: ${(err as Error).message}\n`)
      return 1
    }
    // A sentence for the user; the JS details only on request (they help a bug report, not a user).
    const reference = randomBytes(4).toString('hex')
    io.stderr(
      `atax: something went wrong inside atax and the command did not complete (reference ${reference})` +
        (io.env.ATAX_DEBUG ? `\n${(err as Error)?.stack ?? String(err)}\n` : '; set ATAX_DEBUG=1 for the details\n'),
    )
    return 1
  } finally {
    ;(app as OpenApp | null)?.close()
  }
}
