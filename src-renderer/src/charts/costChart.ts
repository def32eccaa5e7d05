/**
 * The development-cost ledger as a stacked chart: fixed costs and costs that
 * scale with the model, each stacked by category.
 */
import type { ChartConfiguration } from 'chart.js'
import { COST_CATEGORIES, type CostItem } from '../../../src-shared/domain/types'
import { formatUsd } from '../../../src-shared/tax/format'
import { CATEGORY_LABELS } from '../logic/display'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

export function costChartConfig(costs: CostItem[], palette: ChartPalette = LIGHT): ChartConfiguration<'bar'> {
  const groups = [false, true]
  const present = COST_CATEGORIES.filter((c) => costs.some((item) => item.category === c))
  return {
    type: 'bar',
    data: {
      labels: ['Fixed', 'Scales with the model'],
      datasets: present.map((category) => ({
        label: CATEGORY_LABELS[category],
        // Grouping the ledger's own amounts by category for the bars; the totals shown come from the read model.
        data: groups.map((scales) =>
          costs
            .filter((c) => c.category === category && c.scalesWithModel === scales)
            .reduce((sum, c) => sum + c.amountUsd, 0),
        ),
        backgroundColor: palette.series[COST_CATEGORIES.indexOf(category) % palette.series.length],
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
          ...axis(palette, 'USD'),
          stacked: true,
          ticks: { color: palette.muted, callback: (v: string | number) => formatUsd(Number(v)) },
        },
        y: { ...axis(palette), stacked: true, grid: { display: false } },
      },
    },
  }
}
