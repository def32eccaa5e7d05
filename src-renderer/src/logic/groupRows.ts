/**
 * The benchmark table as a tree: rows come from the server in tree order (a group,
 * then its subtasks); this lays them out with their depth, marks the rows that are
 * groups (collapsible), and adds a header for a group that has no row on this page
 * (a group without an aggregate score, or one whose row is on an earlier page).
 */
import type { RegressionRow } from '../../../src-shared/api/views'
import { parseGroupPath } from '../../../src-shared/tax/headline'

export type TableItem =
  | { kind: 'header'; key: string; group: string; depth: number }
  | { kind: 'row'; key: string; row: RegressionRow; depth: number; group: boolean; expanded: boolean }

export function groupedRows(rows: RegressionRow[], groups: string[], expanded: string[]): TableItem[] {
  const collapsible = new Set(groups)
  const onPage = new Set(rows.map((r) => r.measurement.benchmark))
  const headed = new Set<string>()
  const toggled = new Set<string>()
  const items: TableItem[] = []
  for (const row of rows) {
    const path = parseGroupPath(row.measurement.groupPath)
    path.forEach((group, depth) => {
      if (!onPage.has(group) && !headed.has(group)) {
        headed.add(group)
        items.push({ kind: 'header', key: `group:${group}`, group, depth })
      }
    })
    const name = row.measurement.benchmark
    // A group with several metrics has several rows: the first carries the toggle.
    const isGroup = collapsible.has(name) && !toggled.has(name)
    if (isGroup) toggled.add(name)
    items.push({
      kind: 'row',
      key: `row:${row.measurement.id}`,
      row,
      depth: path.length,
      group: isGroup,
      expanded: expanded.includes(name),
    })
  }
  return items
}
