/** What the command groups share: reading flags, finding a project or generation by name, a text table. */
import fs from 'node:fs'
import { DataError, UsageError, type CommandContext } from '../command'

export const DATE_HELP = 'DATE is YYYY-MM-DD.'

export function opt(c: CommandContext, name: string): string | undefined {
  const v = c.values[name]
  return typeof v === 'string' ? v : undefined
}
export function req(c: CommandContext, name: string): string {
  const v = opt(c, name)
  if (v === undefined) throw new UsageError(`--${name} is required`)
  return v
}
export function parseNumber(text: string, where: string): number {
  const n = text.trim() === '' ? NaN : Number(text)
  if (!Number.isFinite(n)) throw new DataError(`${where}: "${text}" is not a number`)
  return n
}
export function num(c: CommandContext, name: string): number | null {
  const v = opt(c, name)
  return v === undefined ? null : parseNumber(v, `--${name}`)
}
export function reqNum(c: CommandContext, name: string): number {
  return parseNumber(req(c, name), `--${name}`)
}

export async function projectIdOf(c: CommandContext): Promise<number> {
  const name = req(c, 'project')
  const list = await c.call('projects.list', { includeArchived: true })
  const project = list.find((p) => p.name === name)
  if (!project) {
    throw new DataError(
      `--project: no project named "${name}"${list.length ? ` (there are: ${list.map((p) => `"${p.name}"`).join(', ')})` : ''}`,
    )
  }
  return project.id
}
export async function generationIdOf(c: CommandContext): Promise<number> {
  const projectId = await projectIdOf(c)
  const name = req(c, 'gen')
  const gens = await c.call('generations.list', { projectId })
  const gen = gens.find((g) => g.name === name)
  if (!gen) {
    throw new DataError(
      `--gen: project "${opt(c, 'project')}" has no generation named "${name}"${gens.length ? ` (there are: ${gens.map((g) => `"${g.name}"`).join(', ')})` : ''}`,
    )
  }
  return gen.id
}

export function checkReadable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK)
    if (fs.statSync(file).isDirectory()) throw new Error('it is a folder, not a file')
  } catch (err) {
    throw new DataError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** The two options that name a generation. */
export const IN_GENERATION = {
  project: { value: 'P', required: true },
  gen: { value: 'G', required: true },
} as const
