/** Chart colours for the light and dark themes (they follow the OS, like the page). */

export interface ChartPalette {
  text: string
  muted: string
  grid: string
  accent: string
  /** Regressions (a tax) and gains, in charts and tables alike. */
  tax: string
  gain: string
  /** Technique changes, forecasts, baselines. */
  highlight: string
  band: string
  /** Categorical series: cost categories, phases, generations. */
  series: string[]
}

export const LIGHT: ChartPalette = {
  text: '#1d2330',
  muted: '#5b6478',
  grid: '#e3e6ee',
  accent: '#3b6fd8',
  tax: '#d1495b',
  gain: '#1a8a4a',
  highlight: '#d9822b',
  band: 'rgba(217, 130, 43, 0.28)',
  series: ['#3b6fd8', '#d9822b', '#1a8a4a', '#8e5cd9', '#d1495b', '#1b998b', '#b08900', '#6c7a96'],
}

export const DARK: ChartPalette = {
  text: '#e3e7f0',
  muted: '#9aa3b8',
  grid: '#2d3445',
  accent: '#7aa2f7',
  tax: '#ff7a8a',
  gain: '#6fd39a',
  highlight: '#f0a35e',
  band: 'rgba(240, 163, 94, 0.3)',
  series: ['#7aa2f7', '#f0a35e', '#6fd39a', '#bb9af7', '#ff7a8a', '#5fd7c7', '#e0c060', '#a0aac0'],
}

export function paletteFor(dark: boolean): ChartPalette {
  return dark ? DARK : LIGHT
}

/** Axis styling shared by every chart. */
export function axis(palette: ChartPalette, title?: string) {
  return {
    ticks: { color: palette.muted },
    grid: { color: palette.grid },
    border: { color: palette.grid },
    title: title ? { display: true, text: title, color: palette.muted } : { display: false },
  }
}

export function legend(palette: ChartPalette, display = true) {
  return { display, labels: { color: palette.text, boxWidth: 12, boxHeight: 12 } }
}
