/**
 * The time-to-deployment chart: one bar per generation, grouped by project, with the
 * shrink against the previous generation in the tooltip and technique changes marked.
 * A pure function of the timeline view (tested in Node); the component only mounts it.
 */
import type { ChartConfiguration } from 'chart.js'
import type { TimelineView } from '../../../src-shared/api/views'
import { formatMonths, formatNumber } from '../../../src-shared/tax/format'

export interface TimelinePalette {
  bar: string
  techniqueChange: string
  text: string
  grid: string
}

export const LIGHT_PALETTE: TimelinePalette = { bar: '#3b6fd8', techniqueChange: '#d9822b', text: '#1d2330', grid: '#d8dce6' }
export const DARK_PALETTE: TimelinePalette = { bar: '#7aa2f7', techniqueChange: '#f0a35e', text: '#e3e7f0', grid: '#343b4d' }

export function timelineChartConfig(view: TimelineView, palette: TimelinePalette = LIGHT_PALETTE): ChartConfiguration<'bar'> {
  const rows = view.projects.flatMap((p) =>
    p.generations.map((g) => ({
      label: view.projects.length > 1 ? `${p.project.name} · ${g.generation.name}` : g.generation.name,
      months: g.ttdMonths,
      techniqueChange: g.generation.techniqueChange,
      shrink: g.shrink,
    })),
  )
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        {
          label: 'Time to deployment (months)',
          data: rows.map((r) => r.months),
          backgroundColor: rows.map((r) => (r.techniqueChange ? palette.techniqueChange : palette.bar)),
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const r = rows[item.dataIndex]
              if (r.months == null) return 'not deployed yet'
              const parts = [formatMonths(r.months)]
              if (r.shrink) parts.push(`${formatNumber(r.shrink.ratio, 2)}× faster than the previous generation`)
              if (r.techniqueChange) parts.push('technique change')
              return parts.join(' · ')
            },
          },
        },
      },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: 'months', color: palette.text }, ticks: { color: palette.text }, grid: { color: palette.grid } },
        x: { ticks: { color: palette.text }, grid: { color: palette.grid } },
      },
    },
  }
}
