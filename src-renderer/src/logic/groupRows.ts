/**
 * The benchmark table as a tree: rows come from the server in tree order (a group,
 * then its subtasks); this lays them out with their depth, marks the rows that are
 * groups (collapsible), and adds a header for a group that has no row on this page
 * (a group without an aggregate score, or one whose row is on an earlier page).
 *
 * A group without an aggregate score (`computed`) is collapsible through its header:
 * collapsed, the server sends none of its subtasks, so its header is placed where its
 * row would sort — before the first row of the page that sorts after it, or at the end
 * of the last page.
 */
import type { ComputedGroup, RegressionRow } from '../../../src-shared/api/views'
import { parseGroupPath } from '../../../src-shared/tax/headline'

export type TableItem =
  | { kind: 'header'; key: string; group: string; depth: number; collapsible: boolean; expanded: boolean }
  | { kind: 'row'; key: string; row: RegressionRow; depth: number; group: boolean; expanded: boolean }

/** The server's tree order (see measurementsPage's treeKey): names joined by char 31. */
function treeKey(path: readonly string[], name: string): string {
  return [...path, name].join('\u001f')
}

export function groupedRows(
  rows: RegressionRow[],
  groups: string[],
  expanded: string[],
  computed: ComputedGroup[] = [],
  /** Whether this is the last page (a collapsed group sorting after every row on it goes at the end). */
  lastPage = true,
): TableItem[] {
  const collapsible = new Set(groups)
  const computedNames = new Set(computed.map((g) => g.name))
  const onPage = new Set(rows.map((r) => r.measurement.benchmark))
  const headed = new Set<string>()
  const toggled = new Set<string>()
  const items: TableItem[] = []
  const header = (group: string, depth: number): TableItem => ({
    kind: 'header',
    key: `group:${group}`,
    group,
    depth,
    collapsible: computedNames.has(group),
    expanded: expanded.includes(group),
  })
  // Collapsed computed groups the server sends no row of (every enclosing group open), in tree order.
  const pending = computed
    .filter((g) => !expanded.includes(g.name) && g.path.every((p) => expanded.includes(p)))
    .map((g) => ({ group: g, key: treeKey(g.path, g.name) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const placePendingBefore = (key: string | null) => {
    while (pending.length && (key === null || pending[0].key < key)) {
      const { group } = pending.shift()!
      if (!headed.has(group.name)) {
        headed.add(group.name)
        items.push(header(group.name, group.path.length))
      }
    }
  }
  for (const row of rows) {
    const path = parseGroupPath(row.measurement.groupPath)
    const name = row.measurement.benchmark
    placePendingBefore(treeKey(path, name))
    path.forEach((group, depth) => {
      if (!onPage.has(group) && !headed.has(group)) {
        headed.add(group)
        items.push(header(group, depth))
      }
    })
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
  if (lastPage) placePendingBefore(null)
  return items
}
