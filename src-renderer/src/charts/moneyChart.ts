/** The three taxes in money, as one stacked bar (the parts that are known). */
import type { ChartConfiguration } from 'chart.js'
import type { MoneyView } from '../../../src-shared/api/views'
import { formatUsd } from '../../../src-shared/tax/format'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

export function moneyChartConfig(money: MoneyView, palette: ChartPalette = LIGHT): ChartConfiguration<'bar'> {
  const parts = [
    { label: 'Performance tax', value: money.performanceUsd, color: palette.series[0] },
    { label: 'Time-to-deployment tax', value: money.deploymentUsd, color: palette.series[1] },
    { label: 'Development tax', value: money.developmentUsd, color: palette.series[2] },
  ].filter((p) => p.value !== null)
  return {
    type: 'bar',
    data: {
      labels: ['All three taxes'],
      datasets: parts.map((p) => ({
        label: p.label,
        data: [p.value as number],
        backgroundColor: p.color,
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
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatUsd(Number(item.raw))}` } },
      },
      scales: {
        x: {
          ...axis(palette),
          stacked: true,
          ticks: { color: palette.muted, callback: (v: string | number) => formatUsd(Number(v)) },
        },
        y: { ...axis(palette), stacked: true, grid: { display: false } },
      },
    },
  }
}
