/**
 * The time-to-deployment chart: one bar per generation, grouped by project, the
 * shrink against the previous generation under each label, technique changes in
 * their own colour, and each project's forecast for its next generation as a band
 * with a point. A pure function of the timeline view (tested in Node).
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js'
import type { TimelineView } from '../../../src-shared/api/views'
import { formatMonths, formatNumber } from '../../../src-shared/tax/format'
import { shrinkText } from '../logic/display'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

/** At most this many bars: the latest generations are kept. */
export const MAX_TIMELINE_BARS = 120

interface Bar {
  label: string[]
  months: number | null
  techniqueChange: boolean
  tooltip: string
  forecast: { months: number; low: number; high: number } | null
}

export function timelineBars(view: TimelineView): Bar[] {
  const many = view.projects.length > 1
  const bars: Bar[] = []
  for (const p of view.projects) {
    for (const g of p.generations) {
      const name = many ? `${p.project.name} · ${g.generation.name}` : g.generation.name
      const parts = [g.ttdMonths == null ? 'not deployed yet' : formatMonths(g.ttdMonths)]
      if (g.shrink) parts.push(g.shrink.explanation)
      if (g.generation.techniqueChange) parts.push('technique change: the trend restarts here')
      bars.push({
        label: g.shrink
          ? [name, shrinkText(g.shrink)]
          : g.generation.techniqueChange
            ? [name, 'technique change']
            : [name],
        months: g.ttdMonths,
        techniqueChange: g.generation.techniqueChange,
        tooltip: parts.join(' · '),
        forecast: null,
      })
    }
    if (p.forecast) {
      const f = p.forecast
      bars.push({
        label: [many ? `${p.project.name} · next` : 'Next generation', `forecast ${formatNumber(f.months, 1)} mo`],
        months: null,
        techniqueChange: false,
        tooltip: `forecast ${formatMonths(f.months)} (${formatNumber(f.low, 1)}–${formatMonths(f.high)})`,
        forecast: { months: f.months, low: f.low, high: f.high },
      })
    }
  }
  return bars.slice(-MAX_TIMELINE_BARS)
}

export function timelineChartConfig(view: TimelineView, palette: ChartPalette = LIGHT): ChartConfiguration {
  const bars = timelineBars(view)
  const datasets: ChartDataset[] = [
    {
      type: 'bar',
      label: 'Time to deployment (months)',
      data: bars.map((b) => (b.techniqueChange ? null : b.months)),
      backgroundColor: palette.accent,
      borderRadius: 4,
      grouped: false,
    },
    {
      type: 'bar',
      label: 'Technique change (trend restarts)',
      data: bars.map((b) => (b.techniqueChange ? b.months : null)),
      backgroundColor: palette.highlight,
      borderRadius: 4,
      grouped: false,
    },
  ]
  if (bars.some((b) => b.forecast)) {
    datasets.push(
      {
        type: 'bar',
        label: 'Forecast band',
        data: bars.map((b) => (b.forecast ? [b.forecast.low, b.forecast.high] : null)) as unknown as number[],
        backgroundColor: palette.band,
        borderColor: palette.highlight,
        borderWidth: 1,
        borderDash: [4, 3],
        borderSkipped: false,
        grouped: false,
      } as ChartDataset,
      {
        type: 'line',
        label: 'Forecast',
        data: bars.map((b) => b.forecast?.months ?? null),
        borderColor: palette.highlight,
        backgroundColor: palette.highlight,
        pointRadius: 6,
        pointStyle: 'rectRot',
        showLine: false,
      },
    )
  }
  return {
    type: 'bar',
    data: { labels: bars.map((b) => b.label), datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: legend(palette),
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? bars[items[0].dataIndex].label[0] : ''),
            label: (item) => bars[item.dataIndex].tooltip,
          },
        },
      },
      scales: {
        y: { ...axis(palette, 'months from pretrained to deployed'), beginAtZero: true },
        x: { ...axis(palette), grid: { display: false } },
      },
    },
  }
}
