/** Shared by the exporter tests and test/integration/reports.test.ts. */
import { createHash } from 'node:crypto'
import {
  costCreate,
  generationCreate,
  measurementCreate,
  phaseCreate,
  policyCreate,
  projectCreate,
} from '../../../../src-shared/api/schemas'
import { readRecords } from '../../../../src-main/importers/csvReader'
import type { ServiceContext } from '../../../../src-main/services/context'
import { createGeneration } from '../../../../src-main/services/generations'
import { runImport } from '../../../../src-main/services/imports'
import { createProject } from '../../../../src-main/services/projects'
import { createCost, createMeasurement, createPhase, createPolicy } from '../../../../src-main/services/records'

/** Parses CSV text with the app's own RFC 4180 reader (the importer's); blank lines are dropped. */
export function parseRecords(text: string): string[][] {
  const rows: string[][] = []
  readRecords(text, 'export.csv', 44, (record) => {
    if (record.count === 1 && record.isEmpty(0)) return
    const fields: string[] = []
    for (let f = 0; f < record.count; f++) fields.push(record.field(f))
    rows.push(fields)
  })
  return rows
}

/** CSV rows as objects keyed by the header. */
export function parseCsvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseRecords(text)
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
}

const URL_ATTRIBUTES = new Set([
  'src',
  'href',
  'xlink:href',
  'srcset',
  'action',
  'formaction',
  'poster',
  'data',
  'background',
])

/**
 * Every value the page could load: URL attributes of its tags (parsed attribute by
 * attribute, so escaped text inside another attribute is not mistaken for one) and
 * CSS url() / @import in style sheets and style attributes.
 */
export function resourceReferences(html: string): string[] {
  const refs: string[] = []
  const css: string[] = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1])
  for (const tag of html.matchAll(
    /<[a-zA-Z][\w:-]*((?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g,
  )) {
    for (const attr of tag[1].matchAll(/([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      const name = attr[1].toLowerCase()
      const value = attr[2] ?? attr[3] ?? attr[4] ?? ''
      if (URL_ATTRIBUTES.has(name)) refs.push(value)
      if (name === 'style') css.push(value)
    }
  }
  for (const sheet of css) {
    refs.push(...[...sheet.matchAll(/url\(\s*([^)]*)\)/gi)].map((m) => m[1]))
    refs.push(...[...sheet.matchAll(/@import\s+([^;]+)/gi)].map((m) => m[1]))
  }
  return refs
}

export const HOSTILE = {
  project: '<script>alert(1)</script>',
  description: '"><img src=x onerror=alert(2)> | # not a heading *bold* [link](javascript:alert(3))',
  generation: '=HYPERLINK("http://evil.example/x","click")',
  benchmark: '-2+3 <b>bench</b>',
  metric: 'acc, "quoted" | piped',
  costNote: 'line one\nline two | <iframe src="//evil.example">',
  policy: '<svg onload=alert(4)>',
  phase: '@SUM(A1) </td></tr></table>',
  importFile: '"><img src=//evil.example/p.png>.csv',
}

/**
 * A project whose every user-typed text is hostile: markup, formulas, Markdown and
 * CSV delimiters. One generation, one measurement typed by hand and one imported
 * from a CSV file (so provenance has a record).
 */
export async function seedHostileProject(ctx: ServiceContext): Promise<{
  projectId: number
  generationId: number
  importBytes: Uint8Array
  importSha256: string
}> {
  const project = await createProject(
    ctx,
    projectCreate.parse({ name: HOSTILE.project, description: HOSTILE.description }),
  )
  const generation = await createGeneration(
    ctx,
    generationCreate.parse({
      projectId: project.id,
      name: HOSTILE.generation,
      pretrainedOn: '2023-03-01',
      deployedOn: '2023-06-16',
      pretrainCostUsd: 1_000_000,
      pretrainComputePfd: 1000,
      technique: '<u>DPO</u>',
      techniqueChange: true,
      notes: '# notes <i>x</i>',
    }),
  )
  await createMeasurement(
    ctx,
    measurementCreate.parse({
      generationId: generation.id,
      benchmark: HOSTILE.benchmark,
      metric: HOSTILE.metric,
      baseline: 0.5,
      aligned: 0.55,
      baselineStderr: 0.01,
      alignedStderr: 0.01,
    }),
  )
  await createCost(
    ctx,
    costCreate.parse({
      generationId: generation.id,
      category: 'other',
      amountUsd: 1234,
      note: HOSTILE.costNote,
      quantity: 3,
      unit: 'pf-days',
    }),
  )
  await createPolicy(
    ctx,
    policyCreate.parse({ generationId: generation.id, name: HOSTILE.policy, rows: [{ fraction: 1, multiplier: 2 }] }),
  )
  await createPhase(
    ctx,
    phaseCreate.parse({ generationId: generation.id, name: HOSTILE.phase, startOn: '2023-03-01', endOn: '2023-04-01' }),
  )
  const importBytes = new TextEncoder().encode(
    'benchmark,metric,baseline,aligned,direction\nmmlu,acc,0.62,0.60,higher\n',
  )
  const result = await runImport(ctx, {
    format: 'csv',
    fileName: HOSTILE.importFile,
    bytes: importBytes,
    generationId: generation.id,
    role: 'aligned',
  })
  if (result.importId == null) throw new Error(`the import wrote nothing: ${result.warnings.join('; ')}`)
  return {
    projectId: project.id,
    generationId: generation.id,
    importBytes,
    importSha256: createHash('sha256').update(importBytes).digest('hex'),
  }
}
