/**
 * Benchmark regressions of one generation as horizontal bars: positive = a tax,
 * negative = a gain (its own colour). Bounded to the largest changes.
 */
import type { ChartConfiguration } from 'chart.js'
import type { RegressionRow } from '../../../src-shared/api/views'
import { formatPct } from '../../../src-shared/tax/format'
import { axis, LIGHT, type ChartPalette } from './palette'

export const MAX_REGRESSION_BARS = 25

export function regressionChartConfig(rows: RegressionRow[], palette: ChartPalette = LIGHT): ChartConfiguration<'bar'> {
  const shown = rows
    .filter((r) => r.regressionPct !== null)
    .sort((a, b) => Math.abs(b.regressionPct!) - Math.abs(a.regressionPct!))
    .slice(0, MAX_REGRESSION_BARS)
  return {
    type: 'bar',
    data: {
      labels: shown.map((r) => `${r.measurement.benchmark} · ${r.measurement.metric}`),
      datasets: [
        {
          label: 'Regression (%)',
          data: shown.map((r) => r.regressionPct!),
          backgroundColor: shown.map((r) => (r.regressionPct! < 0 ? palette.gain : palette.tax)),
          borderRadius: 3,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const pct = shown[item.dataIndex].regressionPct!
              return pct < 0 ? `${formatPct(pct, 2)}: a gain` : `${formatPct(pct, 2)}: a regression (tax)`
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
