/** `atax import` and `atax export`: files in (evaluation results, a backup) and out (reports, data, a backup). */
import fs from 'node:fs'
import path from 'node:path'
import type { Direction } from '../../../src-shared/domain/types'
import { whyCannotWrite, writeFileAtomically } from '../../files/atomic'
import { DataError, defineCommand, UsageError } from '../command'
import { folderImportLines, isDirectory, readFolder } from '../importFolder'
import { checkReadable, generationIdOf, opt, projectIdOf, req } from './common'

export const fileCommands = [
  defineCommand({
    words: ['import'],
    summary: 'import evaluation results into a generation, or restore a backup',
    help: 'A baseline run and an aligned run of the same tasks become benchmark regressions.\nThe same file is not imported twice unless --force. A NaN or Infinity score is skipped with a warning, or refuses the file with --strict. A backup restore replaces all data (a copy of the database is kept beside it).',
    positionals: [{ value: 'lm-eval|inspect|csv' }, { value: 'FILE' }],
    options: {
      project: { value: 'P', required: true },
      gen: { value: 'G', required: true },
      role: { value: 'baseline|aligned', required: true },
      force: {},
      strict: {},
      direction: { value: 'METRIC=higher|lower', multiple: true },
    },
    moreUsage: [
      'import lm-eval|inspect DIR … (a folder: the newest results_*.json per model folder, or every Inspect log; one transaction)',
      'import backup FILE',
    ],
    run: async (c) => {
      const [format, file] = c.positionals
      const folder = (format === 'lm-eval' || format === 'inspect') && isDirectory(file)
      // Read by path (the engine's, or streamed to the server): no base64 copy of it in memory.
      if (!folder) checkReadable(file)
      if (format === 'backup') {
        const r = await c.call('backup.restore', { fileName: path.basename(file) }, { inputFile: file })
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
      const onProgress = showProgress
        ? (f: number) => c.io.stderr(`\rimporting ${path.basename(file)}: ${Math.round(f * 100)}%`)
        : undefined
      const r = await c.call(
        'imports.run',
        {
          format,
          fileName: path.basename(file),
          generationId,
          role,
          force: c.values.force === true,
          strict: c.values.strict === true,
          directions,
          // --json promises every benchmark; the human output only counts and samples them.
          list: c.globals.json ? 'full' : 'summary',
        },
        { inputFile: file, onProgress },
      )
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
  }),
  defineCommand({
    words: ['export'],
    summary: 'export a report (HTML, Markdown, PDF), the data (CSV) or a full backup (JSON)',
    help:
      'Without --out the export goes to standard output (PDF needs --out). An existing --out file is only replaced with --force.\n' +
      'PDF is the HTML report printed by a headless Chromium: $ATAX_CHROMIUM, else @sparticuz/chromium (npm, Linux x64), else an installed Chrome or Chromium.',
    positionals: [{ value: 'json|csv|html|md|pdf' }],
    options: { project: { value: 'P' }, out: { value: 'FILE' }, force: {} },
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
        // The full backup is streamed straight into the file (JSON Lines), by the engine or from the server.
        try {
          await c.call('backup.export', {}, { outputFile: out, replaceOutput: c.values.force === true })
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
  }),
]
