/**
 * A measured compute curve: the aligned model's score against log compute
 * (best-of-k), its running-best envelope, the baseline score Z as a line, and
 * the interpolated point k* where the envelope reaches Z.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js'
import type { CurveTax } from '../../../src-shared/api/views'
import { formatNumber } from '../../../src-shared/tax/format'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

function isPowerOfTwo(x: number): boolean {
  const log = Math.log2(x)
  return Math.abs(log - Math.round(log)) < 1e-9
}

export function curveChartConfig(curve: CurveTax, palette: ChartPalette = LIGHT): ChartConfiguration<'scatter'> {
  const points = curve.curve.points.map((p) => ({ x: p.multiplier, y: p.score }))
  const kMin = Math.min(1, ...points.map((p) => p.x))
  const kMax = Math.max(curve.kMax, kMin * 2)
  const datasets: ChartDataset<'scatter'>[] = [
    {
      label: 'Measured score',
      data: points,
      backgroundColor: palette.accent,
      borderColor: palette.accent,
      pointRadius: 4,
    },
    {
      label: 'Running best (envelope)',
      data: curve.envelope.map((p) => ({ x: p.multiplier, y: p.score })),
      showLine: true,
      borderColor: palette.accent,
      backgroundColor: palette.accent,
      pointRadius: 0,
      borderWidth: 2,
    },
    {
      label: `Baseline Z = ${formatNumber(curve.curve.baseline, 4)}`,
      data: [
        { x: kMin, y: curve.curve.baseline },
        { x: kMax, y: curve.curve.baseline },
      ],
      showLine: true,
      borderColor: palette.highlight,
      backgroundColor: palette.highlight,
      borderDash: [6, 4],
      pointRadius: 0,
      borderWidth: 2,
    },
  ]
  if (curve.interpolated) {
    datasets.push({
      label: `k* = ${formatNumber(curve.interpolated.multiplier, 3)}`,
      data: [{ x: curve.interpolated.multiplier, y: curve.interpolated.score }],
      backgroundColor: palette.tax,
      borderColor: palette.tax,
      pointRadius: 7,
      pointStyle: 'crossRot',
      borderWidth: 3,
    })
  }
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: legend(palette) },
      scales: {
        x: {
          ...axis(palette, 'inference compute k (best-of-k), log scale'),
          type: 'logarithmic',
          min: kMin,
          max: kMax,
          // Label the powers of two only (1×, 2×, 4×…): best-of-k is usually measured there.
          ticks: {
            color: palette.muted,
            callback: (v: string | number) => (isPowerOfTwo(Number(v)) ? `${formatNumber(Number(v), 2)}×` : ''),
          },
        },
        y: { ...axis(palette, `${curve.curve.benchmark} score`) },
      },
    },
  }
}
