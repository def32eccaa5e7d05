import { describe, expect, it } from 'vitest'
import { groupedRows, type TableItem } from '../../../../src-renderer/src/logic/groupRows'
import type { ComputedGroup, RegressionRow } from '../../../../src-shared/api/views'

let nextId = 1
function row(benchmark: string, path: string[] = []): RegressionRow {
  return {
    measurement: { id: nextId++, benchmark, metric: 'acc', groupPath: path.length ? JSON.stringify(path) : null },
  } as unknown as RegressionRow
}

const glue: ComputedGroup = { name: 'glue', path: [], metrics: ['mcc', 'acc'] }
const show = (items: TableItem[]) =>
  items.map((i) =>
    i.kind === 'header'
      ? `[${i.group}${i.collapsible ? (i.expanded ? ' ▾' : ' ▸') : ''}]`
      : i.row.measurement.benchmark,
  )

describe('groupedRows: groups without an aggregate row', () => {
  it('places a collapsed group header where its row would sort', () => {
    expect(show(groupedRows([row('arc'), row('mmlu')], ['mmlu'], [], [glue]))).toEqual(['arc', '[glue ▸]', 'mmlu'])
  })

  it('shows an expanded group header once, above its subtasks, with the toggle', () => {
    const rows = [row('arc'), row('cola', ['glue']), row('rte', ['glue']), row('mmlu')]
    expect(show(groupedRows(rows, ['mmlu'], ['glue'], [glue]))).toEqual(['arc', '[glue ▾]', 'cola', 'rte', 'mmlu'])
  })

  it('puts a header that sorts after every row of a page on the next page, or at the end of the last', () => {
    expect(show(groupedRows([row('arc')], [], [], [glue], false))).toEqual(['arc'])
    expect(show(groupedRows([row('arc')], [], [], [glue], true))).toEqual(['arc', '[glue ▸]'])
    expect(show(groupedRows([row('zeta')], [], [], [glue], false))).toEqual(['[glue ▸]', 'zeta'])
  })

  it('hides a nested group header while an enclosing group is collapsed', () => {
    const inner: ComputedGroup = { name: 'glue_x', path: ['glue'], metrics: ['f1'] }
    expect(show(groupedRows([row('arc')], [], [], [glue, inner]))).toEqual(['arc', '[glue ▸]'])
    const rows = [row('arc'), row('cola', ['glue'])]
    expect(show(groupedRows(rows, [], ['glue'], [glue, inner]))).toEqual(['arc', '[glue ▾]', 'cola', '[glue_x ▸]'])
  })

  it('gives a header without a toggle to a group whose aggregate row is on an earlier page', () => {
    expect(show(groupedRows([row('mmlu_anatomy', ['mmlu'])], ['mmlu'], ['mmlu'], []))).toEqual([
      '[mmlu]',
      'mmlu_anatomy',
    ])
  })
})

describe('groupedRows: a collapsed sub-group among its parent group subtasks', () => {
  it('sorts by its name, as the server sorts the rows', () => {
    const inner: ComputedGroup = { name: 'glue_x', path: ['glue'], metrics: ['f1'] }
    const rows = [row('cola', ['glue']), row('rte', ['glue'])]
    expect(show(groupedRows(rows, [], ['glue'], [glue, inner]))).toEqual(['[glue ▾]', 'cola', '[glue_x ▸]', 'rte'])
  })
})
