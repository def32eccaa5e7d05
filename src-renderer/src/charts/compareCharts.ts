/** Charts of the Compare view: one figure across generations, and benchmarks side by side. */
import type { ChartConfiguration } from 'chart.js'
import type { CompareView, GenerationSummary } from '../../../src-shared/api/views'
import { formatMonths, formatPct, formatUsd } from '../../../src-shared/tax/format'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

export type CompareMetric = 'ttd' | 'development' | 'inference'

const METRICS: Record<
  CompareMetric,
  { title: string; value: (s: GenerationSummary) => number | null; show: (x: number) => string }
> = {
  ttd: { title: 'Time to deployment (months)', value: (s) => s.ttdMonths, show: formatMonths },
  development: { title: 'Development tax (USD)', value: (s) => s.development.totalUsd, show: formatUsd },
  inference: { title: 'Inference-compute tax (%)', value: (s) => s.inferenceTaxPct, show: (x) => formatPct(x) },
}

export const MAX_COMPARED_BENCHMARKS = 15

export function generationLabel(s: GenerationSummary, many: boolean): string {
  return many ? `${s.projectName} · ${s.generation.name}` : s.generation.name
}

function manyProjects(view: CompareView): boolean {
  return new Set(view.generations.map((g) => g.generation.projectId)).size > 1
}

export function compareMetricConfig(
  view: CompareView,
  metric: CompareMetric,
  palette: ChartPalette = LIGHT,
): ChartConfiguration<'bar'> {
  const spec = METRICS[metric]
  const many = manyProjects(view)
  const values = view.generations.map(spec.value)
  return {
    type: 'bar',
    data: {
      labels: view.generations.map((s) => generationLabel(s, many)),
      datasets: [
        {
          label: spec.title,
          data: values,
          backgroundColor: view.generations.map((_, i) => palette.series[i % palette.series.length]),
          borderRadius: 4,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        title: { display: true, text: spec.title, color: palette.text },
        tooltip: { callbacks: { label: (item) => (item.raw == null ? 'unknown' : spec.show(Number(item.raw))) } },
      },
      scales: {
        y: {
          ...axis(palette),
          beginAtZero: true,
          ticks: { color: palette.muted, callback: (v: string | number) => spec.show(Number(v)) },
        },
        x: { ...axis(palette), grid: { display: false } },
      },
    },
  }
}

/** Regression % of the benchmarks that differ most (the read model sorts them by spread). */
export function compareBenchmarksConfig(view: CompareView, palette: ChartPalette = LIGHT): ChartConfiguration<'bar'> {
  const many = manyProjects(view)
  const shown = view.benchmarks.slice(0, MAX_COMPARED_BENCHMARKS)
  return {
    type: 'bar',
    data: {
      labels: shown.map((b) => b.key),
      datasets: view.generations.map((s, i) => ({
        label: generationLabel(s, many),
        data: shown.map((b) => b.values[i]),
        backgroundColor: palette.series[i % palette.series.length],
        borderRadius: 3,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: legend(palette),
        tooltip: {
          callbacks: {
            label: (item) => {
              const v = item.raw as number | null
              return v == null
                ? `${item.dataset.label}: —`
                : `${item.dataset.label}: ${formatPct(v, 2)}${v < 0 ? ' (gain)' : ''}`
            },
          },
        },
      },
      scales: {
        x: { ...axis(palette, '← gain · regression % · tax →') },
        y: { ...axis(palette), grid: { display: false } },
      },
    },
  }
}
