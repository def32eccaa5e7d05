/**
 * The Markdown report, for pasting into documents: headings, short paragraphs and
 * GitHub-style tables. User text is escaped so it can neither break a table nor be
 * read as Markdown or HTML. A pure function of the report model.
 */
import type { GenerationComparison, GenerationReport, ProjectReport, ReportModel } from '../../src-shared/report/model'
import { formatNumber, formatPct, formatUsd } from '../../src-shared/tax'
import * as t from './reportText'

/**
 * Escapes text for Markdown: HTML-significant characters become entities (a
 * Markdown renderer passes raw HTML through), Markdown punctuation gets a backslash,
 * and line breaks become spaces so a cell stays on its row.
 */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, ' ')
}

/** mdText for text that starts a line: a leading `#`, `-`, `+`, `=` or `1.` would start a block. */
export function mdParagraph(text: string): string {
  return mdText(text)
    .replace(/^(\s*)([#=+-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
}

/** A table of already-escaped cells; `numeric` columns are right-aligned. */
function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  const head = `| ${headers.map(mdText).join(' | ')} |`
  const rule = `|${headers.map((_, i) => (numeric.includes(i) ? ' ---: ' : ' --- ')).join('|')}|`
  return [head, rule, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

const cells = (...values: string[]) => values.map(mdText)

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [`# ${mdText(model.title)}`]
  out.push(
    mdText(
      `Generated on ${model.generatedOn} (${model.generatedAt}) by Alignment Tax Planner ${model.appVersion}: ${t.scopeText(model)}.`,
    ),
  )
  if (model.warnings.length) {
    out.push(
      ['**Left out** (stored rows that cannot be computed):', ...model.warnings.map((w) => `- ${mdText(w)}`)].join(
        '\n',
      ),
    )
  }
  if (!model.projects.length) out.push('No projects yet: nothing to report.')
  for (const pr of model.projects) out.push(projectSection(pr))
  return out.join('\n\n') + '\n'
}

function projectSection(pr: ProjectReport): string {
  const marks = [pr.isSample ? 'sample data' : null, pr.isArchived ? 'archived' : null].filter(Boolean)
  const out = [`## ${mdText(pr.project.name)}${marks.length ? ` (${marks.join(', ')})` : ''}`]
  if (pr.isSample) out.push(`> **${mdText(t.SAMPLE_NOTE)}**`)
  if (pr.project.description) out.push(mdParagraph(pr.project.description))
  if (!pr.generations.length) {
    out.push('No generations recorded yet.')
  } else {
    out.push('### Summary')
    out.push(
      table(
        [
          'Generation',
          'Time to deployment',
          'Development tax',
          'Share of pretraining cost',
          'Alignment compute',
          'Mean regression',
          'Inference-compute tax',
        ],
        pr.generations.map((g) =>
          cells(
            g.generation.name,
            t.months(g.deployment.months) +
              (g.deployment.shrink ? ` (${formatNumber(g.deployment.shrink.ratio, 2)}× faster)` : ''),
            t.usd(g.development.tax.totalUsd),
            t.pct2(g.development.tax.pctOfPretrainingCost),
            t.computeText(g.development.tax),
            t.pct2(g.performance.aggregates.meanPct),
            t.pct1(g.performance.inferenceTaxPct),
          ),
        ),
        [1, 2, 3, 5, 6],
      ),
    )
    out.push(timelineSection(pr))
    for (const g of pr.generations) out.push(generationSection(g))
    if (pr.comparisons.length) {
      out.push('### Generation against generation')
      for (const c of pr.comparisons) out.push(comparisonSection(c))
    }
  }
  out.push(provenanceSection(pr))
  return out.join('\n\n')
}

function timelineSection(pr: ProjectReport): string {
  const out = ['### Timeline: time to deployment']
  out.push(
    table(
      ['#', 'Generation', 'Technique', 'Pretrained', 'Deployed', 'Time to deployment'],
      pr.timeline.entries.map((e) =>
        cells(
          String(e.ordinal),
          e.name,
          (e.technique ?? t.DASH) + (e.techniqueChange ? ' (technique change)' : ''),
          e.pretrainedOn,
          e.deployedOn ?? 'not deployed',
          t.months(e.months),
        ),
      ),
      [0, 5],
    ),
  )
  const f = pr.timeline.forecast
  out.push(
    f
      ? `**Forecast:** ${mdText(f.explanation)}`
      : 'No forecast: it needs two deployed generations since the last technique change.',
  )
  if (pr.timeline.phases.length) {
    out.push('#### Pipeline phases')
    out.push(
      table(
        ['Generation', 'Phase', 'Start', 'End'],
        pr.timeline.phases.map((ph) => cells(ph.generationName, ph.name, ph.startOn, ph.endOn)),
      ),
    )
  }
  return out.join('\n\n')
}

function generationSection(g: GenerationReport): string {
  const out = [`### ${mdText(t.generationHeading(g))}`]
  const facts = t.generationFacts(g)
  if (facts) out.push(`*${mdText(facts)}*`)
  if (g.generation.notes) out.push(mdParagraph(g.generation.notes))

  out.push('#### Performance tax: benchmark regressions')
  out.push(mdText(t.aggregatesText(g.performance.aggregates)))
  if (g.performance.measurementCount) {
    const shown = t.measurementsToShow(g)
    if (shown.omitted) {
      out.push(
        mdText(
          `Showing the ${shown.rows.length} largest changes of ${g.performance.measurementCount} measurements; the CSV export holds every one.`,
        ),
      )
    }
    out.push(
      table(
        [
          'Benchmark',
          'Metric',
          'Group',
          'Headline',
          'Direction',
          'Shots',
          'Baseline',
          'Aligned',
          'Regression',
          'z',
          'Significant',
          'Source',
        ],
        shown.rows.map((m) =>
          cells(
            m.measurement.benchmark,
            m.measurement.metric,
            t.groupText(m),
            t.headlineText(m),
            `${m.measurement.direction} is better`,
            m.measurement.shots == null ? t.DASH : String(m.measurement.shots),
            t.scoreWithStderr(m.measurement.baseline, m.measurement.baselineStderr),
            t.scoreWithStderr(m.measurement.aligned, m.measurement.alignedStderr),
            t.regressionText(m) + (t.changeKind(m) === 'gain' ? ' (gain)' : ''),
            t.num(m.z, 2),
            t.significanceText(m.significant),
            t.sourceText(m),
          ),
        ),
        [5, 6, 7, 8, 9],
      ),
    )
    out.push(
      shown.rows
        .map((m) => `- ${mdText(`${m.measurement.benchmark} · ${m.measurement.metric}: ${m.explanation}`)}`)
        .join('\n'),
    )
  }

  out.push('#### Performance tax: inference compute')
  const { policies, curves } = g.performance
  if (!policies.length && !curves.length) out.push('No inference policy or compute curve recorded.')
  if (policies.length) {
    out.push(
      table(
        ['Policy', 'What it runs', 'Reward-model cost', 'Compute multiplier', 'Tax'],
        policies.map((pt) =>
          cells(
            pt.policy.name,
            pt.policy.rows.map(t.policyRowText).join('; '),
            formatNumber(pt.policy.rmCost),
            `${formatNumber(pt.multiplier)}×`,
            formatPct(pt.taxPct),
          ),
        ),
        [2, 3, 4],
      ),
    )
    out.push(policies.map((pt) => `- ${mdText(`${pt.policy.name}: ${pt.explanation}`)}`).join('\n'))
  }
  if (curves.length) {
    out.push(
      table(
        ['Curve', 'Benchmark', 'Baseline Z', 'Measured points', 'k*', 'Tax'],
        curves.map((c) =>
          cells(
            c.curve.name,
            c.curve.benchmark + (c.curve.direction === 'lower' ? ' (lower is better)' : ''),
            formatNumber(c.curve.baseline, 4),
            t.curvePointsText(c.curve.points),
            t.num(c.multiplier, 3),
            t.curveTaxText(c),
          ),
        ),
        [2, 4, 5],
      ),
    )
    out.push(curves.map((c) => `- ${mdText(`${c.curve.name}: ${c.explanation}`)}`).join('\n'))
  }

  out.push('#### Development tax')
  const dev = g.development.tax
  out.push(
    [
      `- Total: ${mdText(formatUsd(dev.totalUsd))}${dev.lowUsd === dev.highUsd ? '' : ` (range ${mdText(t.developmentRangeText(dev))})`}`,
      `- Share of pretraining cost: ${mdText(t.pct2(dev.pctOfPretrainingCost))}`,
      `- Alignment compute: ${mdText(t.computeText(dev))}`,
      `- Fixed / scales with the model: ${mdText(`${formatUsd(dev.fixedUsd)} / ${formatUsd(dev.scalingUsd)}`)}`,
    ].join('\n'),
  )
  out.push(mdText(dev.explanation))
  if (g.development.items.length) {
    out.push(
      table(
        ['Category', 'Item', 'Quantity', 'Amount', 'Range', 'Scales with model', 'Source'],
        g.development.items.map((c) =>
          cells(
            t.categoryLabel(c.category),
            c.note || t.DASH,
            t.costQuantityText(c),
            formatUsd(c.amountUsd),
            t.costRangeText(c),
            c.scalesWithModel ? 'yes' : 'no',
            c.source,
          ),
        ),
        [2, 3, 4],
      ),
    )
  }

  out.push('#### Time to deployment')
  out.push(
    [
      `- Time to deployment: ${mdText(t.months(g.deployment.months))}`,
      `- Change from the previous generation: ${mdText(g.deployment.shrink ? g.deployment.shrink.explanation : t.DASH)}`,
    ].join('\n'),
  )
  out.push(mdText(g.deployment.explanation))

  if (g.plan || g.money) {
    out.push('#### Plan and money')
    if (g.planChecks.length) {
      out.push(g.planChecks.map((c) => `- ${c.ok == null ? '·' : c.ok ? '✓' : '✗'} ${mdText(c.message)}`).join('\n'))
    }
    if (g.money) out.push(mdText(g.money.explanation))
    if (g.plan?.notes) out.push(mdText(`Plan notes: ${g.plan.notes}`))
  }
  return out.join('\n\n')
}

function comparisonSection(c: GenerationComparison): string {
  const out = [`#### ${mdText(`${c.from.name} → ${c.to.name}`)}`]
  out.push(
    table(
      ['Figure', c.from.name, c.to.name, 'Change'],
      c.figures.map((f) =>
        cells(f.label, t.comparedValue(f.unit, f.from), t.comparedValue(f.unit, f.to), t.comparedChange(f)),
      ),
      [1, 2, 3],
    ),
  )
  if (c.shrinkExplanation) out.push(mdText(`Time to deployment: ${c.shrinkExplanation}`))
  if (c.benchmarks.length) {
    const shown = c.benchmarks.slice(0, t.COMPARISON_BENCHMARK_LIMIT)
    out.push(
      table(
        ['Benchmark · metric', `Regression, ${c.from.name}`, `Regression, ${c.to.name}`, 'Change'],
        shown.map((b) => cells(b.key, t.pct2(b.from), t.pct2(b.to), t.pointsChange(b.from, b.to))),
        [1, 2, 3],
      ),
    )
    if (c.benchmarks.length > shown.length) {
      out.push(mdText(`The ${shown.length} benchmarks that changed most of ${c.benchmarks.length}.`))
    }
  }
  return out.join('\n\n')
}

function provenanceSection(pr: ProjectReport): string {
  const out = ['### Data provenance']
  const { imports, sources } = pr.provenance
  if (imports.length) {
    out.push(
      table(
        ['File', 'SHA-256', 'Format', 'Role', 'Rows', 'Imported', 'Generation'],
        imports.map((r) => [
          mdText(r.fileName),
          `\`${r.sha256.replace(/`/g, '')}\``,
          ...cells(r.format, r.role ?? t.DASH, String(r.rowCount), r.importedAt, r.generationName ?? t.DASH),
        ]),
        [4],
      ),
    )
  } else {
    out.push('No files imported: every record was typed by hand, logged by a pipeline or loaded as sample data.')
  }
  if (sources.length) {
    out.push(
      table(
        ['Generation', 'Measurements by source', 'Cost items by source'],
        sources.map((s) => cells(s.generationName, t.countsText(s.measurements), t.countsText(s.costs))),
      ),
    )
  }
  return out.join('\n\n')
}
