/**
 * The HTML report: one self-contained page (styles inline, charts as inline SVG, no
 * script, no URL of any kind), readable in a browser and printed to A4 (PDF) by
 * Chromium's print engine. Every text from the user is escaped. A pure function of
 * the report model.
 */
import type { CostCategory } from '../../src-shared/domain/types'
import type { GenerationComparison, GenerationReport, ProjectReport, ReportModel } from '../../src-shared/report/model'
import { deploymentChart, developmentCostChart, escapeXml as esc, regressionChart } from '../../src-shared/report/svg'
import { formatNumber, formatPct, formatUsd } from '../../src-shared/tax'
import * as t from './reportText'

const STYLE = `
@page { size: A4; margin: 15mm 13mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #111827; background: #fff; margin: 0 auto; max-width: 1040px; padding: 28px 32px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #111827; }
h3 { font-size: 16px; margin: 22px 0 6px; }
h4 { font-size: 14px; margin: 16px 0 4px; }
h5 { font-size: 13px; margin: 12px 0 4px; }
h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0 8px; }
.meta, .explain, .note { color: #4b5563; }
.explain { font-size: 11.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 12px; }
thead { display: table-header-group; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.explain { min-width: 220px; }
.tax { color: #c2410c; }
.gain { color: #0f766e; }
.ok { color: #047857; }
.bad { color: #b91c1c; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 999px;
  vertical-align: middle; margin-left: 8px; border: 1px solid; }
.badge.sample { background: #fef3c7; color: #92400e; border-color: #f59e0b; }
.badge.archived { background: #f3f4f6; color: #374151; border-color: #9ca3af; }
.sample-note { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; padding: 6px 10px; color: #92400e; }
figure { margin: 8px 0 14px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 11.5px; color: #4b5563; }
svg.chart { display: block; max-width: 100%; height: auto; }
code, .hash { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 11px; word-break: break-all; }
dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0 10px; }
dl.figures dt { color: #4b5563; }
dl.figures dd { margin: 0; font-variant-numeric: tabular-nums; }
nav.toc ol { margin: 4px 0 12px; }
section.project + section.project { break-before: page; page-break-before: always; }
section.generation { border-top: 1px solid #d1d5db; margin-top: 18px; }
footer { margin-top: 32px; font-size: 11px; color: #6b7280; border-top: 1px solid #e5e7eb; padding-top: 6px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  table { font-size: 10px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
}
`

/** A table from escaped header and cell HTML; `num` columns are right-aligned. */
function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '')
  return (
    `<table><thead><tr>${headers.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  )
}

const p = (text: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ''}>${esc(text)}</p>`

function figures(entries: [string, string][]): string {
  return `<dl class="figures">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
}

function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`
}

export function renderHtml(model: ReportModel): string {
  const body: string[] = []
  body.push(`<header><h1>${esc(model.title)}</h1>`)
  body.push(
    p(
      `Generated on ${model.generatedOn} (${model.generatedAt}) by Alignment Tax Planner ${model.appVersion}: ${t.scopeText(model)}.`,
      'meta',
    ),
  )
  body.push('</header>')
  for (const w of model.warnings) body.push(p(`Left out: ${w}`, 'warning'))
  if (!model.projects.length) body.push(p('No projects yet: nothing to report.'))
  if (model.projects.length > 1) {
    body.push(
      '<nav class="toc"><strong>Projects</strong><ol>' +
        model.projects
          .map(
            (pr) =>
              `<li><a href="#project-${pr.project.id}">${esc(pr.project.name)}</a>${pr.isSample ? ' (sample data)' : ''}</li>`,
          )
          .join('') +
        '</ol></nav>',
    )
  }
  for (const project of model.projects) body.push(projectSection(project))
  body.push(
    `<footer>${esc(model.title)} · generated ${esc(model.generatedAt)} · Alignment Tax Planner ${esc(model.appVersion)} · ` +
      'every figure is computed by the app’s tax engine from the recorded data.</footer>',
  )
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    // No network at all: nothing may be fetched, even if the page were opened from a server.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(model.title)}</title><style>${STYLE}</style></head><body>\n` +
    body.join('\n') +
    '\n</body></html>\n'
  )
}

function projectSection(pr: ProjectReport): string {
  const out: string[] = []
  const badges =
    (pr.isSample ? '<span class="badge sample">Sample data</span>' : '') +
    (pr.isArchived ? '<span class="badge archived">Archived</span>' : '')
  out.push(`<section class="project" id="project-${pr.project.id}">`)
  out.push(`<h2>${esc(pr.project.name)}${badges}</h2>`)
  if (pr.isSample) out.push(p(t.SAMPLE_NOTE, 'sample-note'))
  if (pr.project.description) out.push(p(pr.project.description))

  if (!pr.generations.length) {
    out.push(p('No generations recorded yet.'))
  } else {
    out.push('<h3>Summary</h3>')
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
        pr.generations.map((g) => [
          esc(g.generation.name),
          esc(
            t.months(g.deployment.months) +
              (g.deployment.shrink ? ` (${formatNumber(g.deployment.shrink.ratio, 2)}× faster)` : ''),
          ),
          esc(t.usd(g.development.tax.totalUsd)),
          esc(t.pct2(g.development.tax.pctOfPretrainingCost)),
          esc(t.computeText(g.development.tax)),
          esc(t.pct2(g.performance.aggregates.meanPct)),
          esc(t.pct1(g.performance.inferenceTaxPct)),
        ]),
        [1, 2, 3, 5, 6],
      ),
    )
    out.push(timelineSection(pr))
    out.push('<h3>Development tax by generation</h3>')
    out.push(figure(developmentCostChart(t.costStacks(pr), `Development cost by category: ${pr.project.name}`)))
    for (const g of pr.generations) out.push(generationSection(g))
    if (pr.comparisons.length) {
      out.push('<h3>Generation against generation</h3>')
      for (const c of pr.comparisons) out.push(comparisonSection(c))
    }
  }
  out.push(provenanceSection(pr))
  out.push('</section>')
  return out.join('\n')
}

function timelineSection(pr: ProjectReport): string {
  const out = ['<h3>Timeline: time to deployment</h3>']
  out.push(figure(deploymentChart(t.deploymentBars(pr), `Time to deployment by generation: ${pr.project.name}`)))
  out.push(
    table(
      ['#', 'Generation', 'Technique', 'Pretrained', 'Deployed', 'Time to deployment'],
      pr.timeline.entries.map((e) => [
        String(e.ordinal),
        esc(e.name),
        esc((e.technique ?? t.DASH) + (e.techniqueChange ? ' (technique change)' : '')),
        esc(e.pretrainedOn),
        esc(e.deployedOn ?? 'not deployed'),
        esc(t.months(e.months)),
      ]),
      [0, 5],
    ),
  )
  const f = pr.timeline.forecast
  out.push(
    f
      ? `<p><strong>Forecast:</strong> ${esc(f.explanation)}</p>`
      : p('No forecast: it needs two deployed generations since the last technique change.', 'note'),
  )
  if (pr.timeline.phases.length) {
    out.push('<h4>Pipeline phases</h4>')
    out.push(
      table(
        ['Generation', 'Phase', 'Start', 'End'],
        pr.timeline.phases.map((ph) => [esc(ph.generationName), esc(ph.name), esc(ph.startOn), esc(ph.endOn)]),
      ),
    )
  }
  return out.join('\n')
}

function generationSection(g: GenerationReport): string {
  const out = [`<section class="generation" id="generation-${g.generation.id}">`]
  out.push(`<h3>${esc(t.generationHeading(g))}</h3>`)
  const facts = t.generationFacts(g)
  if (facts) out.push(p(facts, 'meta'))
  if (g.generation.notes) out.push(p(g.generation.notes))

  // Performance tax: benchmark regressions, then inference compute.
  out.push('<h4>Performance tax</h4>')
  out.push('<h5>Benchmark regressions</h5>')
  out.push(p(t.aggregatesText(g.performance.aggregates)))
  const chart = t.regressionBars(g)
  if (chart.bars.length) {
    const caption =
      chart.of > chart.bars.length ? `The ${chart.bars.length} largest changes of ${chart.of}.` : undefined
    out.push(figure(regressionChart(chart.bars, `Benchmark regressions: ${g.generation.name}`), caption))
  }
  if (g.performance.measurementCount) {
    const shown = t.measurementsToShow(g)
    if (shown.omitted) {
      out.push(
        p(
          `Showing the ${shown.rows.length} largest changes of ${g.performance.measurementCount} measurements; ` +
            'the CSV export holds every one.',
          'note',
        ),
      )
    }
    out.push(
      table(
        [
          'Benchmark · metric',
          'Group',
          'Headline',
          'Shots',
          'Baseline',
          'Aligned',
          'Regression',
          'z',
          'Significant',
          'Source',
          'Working',
        ],
        shown.rows.map((m) => {
          const kind = t.changeKind(m)
          const cls = kind === 'gain' ? 'gain' : kind === 'regression' ? 'tax' : ''
          return [
            esc(`${m.measurement.benchmark} · ${m.measurement.metric}`) +
              (m.measurement.direction === 'lower' ? ' <span class="note">(lower is better)</span>' : ''),
            esc(t.groupText(m)),
            esc(t.headlineText(m)),
            esc(m.measurement.shots == null ? t.DASH : String(m.measurement.shots)),
            esc(t.scoreWithStderr(m.measurement.baseline, m.measurement.baselineStderr)),
            esc(t.scoreWithStderr(m.measurement.aligned, m.measurement.alignedStderr)),
            `<span class="${cls}">${esc(t.regressionText(m))}${kind === 'gain' ? ' (gain)' : ''}</span>`,
            esc(t.num(m.z, 2)),
            esc(t.significanceText(m.significant)),
            esc(t.sourceText(m)),
            `<span class="explain">${esc(m.explanation)}</span>`,
          ]
        }),
        [3, 4, 5, 6, 7],
      ),
    )
  }

  out.push('<h5>Inference-compute tax</h5>')
  const { policies, curves } = g.performance
  if (!policies.length && !curves.length) out.push(p('No inference policy or compute curve recorded.', 'note'))
  if (policies.length) {
    out.push(
      table(
        ['Policy', 'What it runs', 'Reward-model cost', 'Compute multiplier', 'Tax', 'Working'],
        policies.map((pt) => [
          esc(pt.policy.name),
          esc(pt.policy.rows.map(t.policyRowText).join('; ')),
          esc(formatNumber(pt.policy.rmCost)),
          esc(`${formatNumber(pt.multiplier)}×`),
          `<strong>${esc(formatPct(pt.taxPct))}</strong>`,
          `<span class="explain">${esc(pt.explanation)}</span>`,
        ]),
        [2, 3, 4],
      ),
    )
    if (policies.length > 1) out.push(p('The first policy’s tax is the one the summary and the plan use.', 'note'))
  }
  if (curves.length) {
    out.push(
      table(
        ['Curve', 'Benchmark', 'Baseline Z', 'Measured points', 'k*', 'Tax', 'Working'],
        curves.map((c) => [
          esc(c.curve.name),
          esc(`${c.curve.benchmark}${c.curve.direction === 'lower' ? ' (lower is better)' : ''}`),
          esc(formatNumber(c.curve.baseline, 4)),
          esc(t.curvePointsText(c.curve.points)),
          esc(t.num(c.multiplier, 3)),
          `<strong>${esc(t.curveTaxText(c))}</strong>`,
          `<span class="explain">${esc(c.explanation)}</span>`,
        ]),
        [2, 4, 5],
      ),
    )
  }

  out.push('<h4>Development tax</h4>')
  const dev = g.development.tax
  out.push(
    figures([
      [
        'Total',
        `${formatUsd(dev.totalUsd)}${dev.lowUsd === dev.highUsd ? '' : ` (range ${t.developmentRangeText(dev)})`}`,
      ],
      ['Share of pretraining cost', t.pct2(dev.pctOfPretrainingCost)],
      ['Alignment compute', t.computeText(dev)],
      ['Fixed / scales with the model', `${formatUsd(dev.fixedUsd)} / ${formatUsd(dev.scalingUsd)}`],
      ...Object.entries(dev.byCategory)
        .filter(([, v]) => v > 0)
        .map(([c, v]) => [t.categoryLabel(c as CostCategory), formatUsd(v)] as [string, string]),
    ]),
  )
  out.push(p(dev.explanation, 'explain'))
  if (g.development.items.length) {
    out.push(
      table(
        ['Category', 'Item', 'Quantity', 'Amount', 'Range', 'Scales with model', 'Date', 'Source'],
        g.development.items.map((c) => [
          esc(t.categoryLabel(c.category)),
          esc(c.note || t.DASH),
          esc(t.costQuantityText(c)),
          esc(formatUsd(c.amountUsd)),
          esc(t.costRangeText(c)),
          c.scalesWithModel ? 'yes' : 'no',
          esc(c.date ?? t.DASH),
          esc(c.source),
        ]),
        [2, 3, 4],
      ),
    )
  }

  out.push('<h4>Time to deployment</h4>')
  out.push(
    figures([
      ['Time to deployment', t.months(g.deployment.months)],
      ['Change from the previous generation', g.deployment.shrink ? g.deployment.shrink.explanation : t.DASH],
    ]),
  )
  out.push(p(g.deployment.explanation, 'explain'))

  if (g.plan || g.money) {
    out.push('<h4>Plan and money</h4>')
    if (g.planChecks.length) {
      out.push(
        '<ul>' +
          g.planChecks
            .map((c) => {
              const mark = c.ok == null ? '·' : c.ok ? '✓' : '✗'
              const cls = c.ok == null ? '' : c.ok ? 'ok' : 'bad'
              return `<li><span class="${cls}">${mark}</span> ${esc(c.message)}</li>`
            })
            .join('') +
          '</ul>',
      )
    }
    if (g.money) {
      out.push(
        figures([
          ['Performance tax in money', t.usd(g.money.performanceUsd)],
          ['Time-to-deployment tax in money', t.usd(g.money.deploymentUsd)],
          ['Development tax', formatUsd(g.money.developmentUsd)],
          ['Total', formatUsd(g.money.totalUsd)],
        ]),
      )
      out.push(p(g.money.explanation, 'explain'))
    }
    if (g.plan?.notes) out.push(p(`Plan notes: ${g.plan.notes}`))
  }
  out.push('</section>')
  return out.join('\n')
}

function comparisonSection(c: GenerationComparison): string {
  const out = [`<h4>${esc(`${c.from.name} → ${c.to.name}`)}</h4>`]
  out.push(
    table(
      ['Figure', c.from.name, c.to.name, 'Change'],
      c.figures.map((f) => [
        esc(f.label),
        esc(t.comparedValue(f.unit, f.from)),
        esc(t.comparedValue(f.unit, f.to)),
        esc(t.comparedChange(f)),
      ]),
      [1, 2, 3],
    ),
  )
  if (c.shrinkExplanation) out.push(p(`Time to deployment: ${c.shrinkExplanation}`, 'explain'))
  if (c.benchmarks.length) {
    const shown = c.benchmarks.slice(0, t.COMPARISON_BENCHMARK_LIMIT)
    out.push(
      table(
        ['Benchmark · metric', `Regression, ${c.from.name}`, `Regression, ${c.to.name}`, 'Change'],
        shown.map((b) => [esc(b.key), esc(t.pct2(b.from)), esc(t.pct2(b.to)), esc(t.pointsChange(b.from, b.to))]),
        [1, 2, 3],
      ),
    )
    if (c.benchmarks.length > shown.length) {
      out.push(p(`The ${shown.length} benchmarks that changed most of ${c.benchmarks.length}.`, 'note'))
    }
  }
  return out.join('\n')
}

function provenanceSection(pr: ProjectReport): string {
  const out = ['<h3>Data provenance</h3>']
  const { imports, sources } = pr.provenance
  if (imports.length) {
    out.push(
      table(
        ['File', 'SHA-256', 'Format', 'Role', 'Rows', 'Imported', 'Generation'],
        imports.map((r) => [
          esc(r.fileName),
          `<span class="hash">${esc(r.sha256)}</span>`,
          esc(r.format),
          esc(r.role ?? t.DASH),
          esc(String(r.rowCount)),
          esc(r.importedAt),
          esc(r.generationName ?? t.DASH),
        ]),
        [4],
      ),
    )
  } else {
    out.push(
      p('No files imported: every record was typed by hand, logged by a pipeline or loaded as sample data.', 'note'),
    )
  }
  if (sources.length) {
    out.push(
      table(
        ['Generation', 'Measurements by source', 'Cost items by source'],
        sources.map((s) => [esc(s.generationName), esc(t.countsText(s.measurements)), esc(t.countsText(s.costs))]),
      ),
    )
  }
  return out.join('\n')
}
