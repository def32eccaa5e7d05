/**
 * Gantt-style charts of pipeline phases (Chart.js horizontal floating bars on a
 * linear axis of days): one generation's phases, or every generation's phases on
 * one time axis. Pure functions (tested in Node).
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js'
import type { GenerationDetail, TimelineView } from '../../../src-shared/api/views'
import { dayOf, isoOfDay, monthTick } from './dates'
import { axis, legend, LIGHT, type ChartPalette } from './palette'

/** At most this many generations on the all-phases chart (the latest are kept). */
export const MAX_GANTT_GENERATIONS = 40

/** A linear axis of days spanning [first, last] with a little room either side (never from 1970). */
export function timeAxis(palette: ChartPalette, first: number, last: number) {
  const pad = Math.max(3, (last - first) * 0.03)
  return {
    ...axis(palette),
    type: 'linear' as const,
    min: Math.floor(first - pad),
    max: Math.ceil(last + pad),
    ticks: { color: palette.muted, callback: (value: string | number) => monthTick(Number(value)), maxTicksLimit: 10 },
  }
}

function span(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1]
  return [Math.min(...values), Math.max(...values)]
}

function spanTooltip(name: string, start: number, end: number): string {
  return `${name}: ${isoOfDay(start)} → ${isoOfDay(end)} (${Math.round(end - start)} days)`
}

/** One generation: a row for pretrained → deployed, then a row per phase. */
export function generationGanttConfig(
  detail: GenerationDetail,
  palette: ChartPalette = LIGHT,
): ChartConfiguration<'bar'> {
  const g = detail.summary.generation
  const rows: { label: string; start: number; end: number; color: string }[] = []
  if (g.deployedOn) {
    rows.push({
      label: 'Pretrained → deployed',
      start: dayOf(g.pretrainedOn),
      end: dayOf(g.deployedOn),
      color: palette.highlight,
    })
  }
  detail.phases.forEach((p, i) => {
    rows.push({
      label: p.name,
      start: dayOf(p.startOn),
      end: Math.max(dayOf(p.endOn), dayOf(p.startOn) + 1),
      color: palette.series[i % palette.series.length],
    })
  })
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        {
          label: 'Phases',
          data: rows.map((r) => [r.start, r.end]) as unknown as number[],
          backgroundColor: rows.map((r) => r.color),
          borderRadius: 4,
          borderSkipped: false,
          barPercentage: 0.7,
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
            label: (item) =>
              spanTooltip(rows[item.dataIndex].label, rows[item.dataIndex].start, rows[item.dataIndex].end),
          },
        },
      },
      scales: {
        x: timeAxis(palette, ...span(rows.flatMap((r) => [r.start, r.end]))),
        y: { ...axis(palette), grid: { display: false } },
      },
    },
  }
}

/**
 * Every generation's phases on one time axis: a row per generation; a dataset
 * per phase name (so the legend names the phases), and the pretrained → deployed
 * span behind them.
 */
export function timelinePhasesConfig(view: TimelineView, palette: ChartPalette = LIGHT): ChartConfiguration<'bar'> {
  const many = view.projects.length > 1
  const gens = view.projects
    .flatMap((p) =>
      p.generations.map((g) => ({
        id: g.generation.id,
        label: many ? `${p.project.name} · ${g.generation.name}` : g.generation.name,
        pretrained: dayOf(g.generation.pretrainedOn),
        deployed: g.generation.deployedOn ? dayOf(g.generation.deployedOn) : null,
      })),
    )
    .slice(-MAX_GANTT_GENERATIONS)
  const rowOf = new Map(gens.map((g, i) => [g.id, i]))
  const phaseNames: string[] = []
  for (const p of view.projects) {
    for (const phase of p.phases)
      if (rowOf.has(phase.generationId) && !phaseNames.includes(phase.name)) phaseNames.push(phase.name)
  }
  const datasets: ChartDataset<'bar'>[] = phaseNames.map((name, i) => {
    const data: ([number, number] | null)[] = gens.map(() => null)
    for (const p of view.projects) {
      for (const phase of p.phases) {
        const row = rowOf.get(phase.generationId)
        if (row === undefined || phase.name !== name) continue
        data[row] = [dayOf(phase.startOn), Math.max(dayOf(phase.endOn), dayOf(phase.startOn) + 1)]
      }
    }
    return {
      label: name,
      data: data as unknown as number[],
      backgroundColor: palette.series[i % palette.series.length],
      borderRadius: 3,
      borderSkipped: false,
      grouped: false,
      barPercentage: 0.55,
    }
  })
  const days = datasets.flatMap((d) => (d.data as unknown as ([number, number] | null)[]).flatMap((v) => v ?? []))
  for (const g of gens) days.push(g.pretrained, ...(g.deployed === null ? [] : [g.deployed]))
  datasets.unshift({
    label: 'Pretrained → deployed',
    data: gens.map((g) => (g.deployed === null ? null : [g.pretrained, g.deployed])) as unknown as number[],
    backgroundColor: palette.band,
    borderColor: palette.highlight,
    borderWidth: 1,
    borderSkipped: false,
    grouped: false,
    barPercentage: 0.95,
  })
  return {
    type: 'bar',
    data: { labels: gens.map((g) => g.label), datasets },
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
              const raw = item.raw as [number, number] | null
              return raw ? spanTooltip(item.dataset.label ?? '', raw[0], raw[1]) : ''
            },
          },
        },
      },
      scales: { x: timeAxis(palette, ...span(days)), y: { ...axis(palette), grid: { display: false } } },
    },
  }
}
