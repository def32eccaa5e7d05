/**
 * Which files of a folder an import reads (pure: the CLI lists a directory, the app a
 * dropped folder, and both ask this).
 *
 * - lm-eval: its `--output_path` layout, `DIR/<model>/results_<timestamp>.json` (and
 *   `DIR/results_<timestamp>.json`): the newest results file per folder (the timestamp
 *   is ISO-like, so the newest sorts last); `samples_*.jsonl` and everything else ignored.
 * - Inspect: every `.eval` and `.json` log in the folder (an eval set); Inspect's own
 *   index files (`logs.json`, `eval-set.json`) are not logs.
 */
export type FolderFormat = 'lm-eval' | 'inspect'

const INSPECT_INDEX_FILES = new Set(['logs.json', 'eval-set.json', 'listing.json'])

/** `paths` are relative to the folder, with `/` separators; returns the ones to import, in order. */
export function selectFolderFiles(format: FolderFormat, paths: readonly string[]): string[] {
  const name = (p: string) => p.slice(p.lastIndexOf('/') + 1)
  const folder = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
  if (format === 'inspect') {
    return paths
      .filter((p) => !p.includes('/') && /\.(eval|json)$/i.test(p) && !INSPECT_INDEX_FILES.has(name(p).toLowerCase()))
      .sort()
  }
  const newest = new Map<string, string>()
  for (const p of paths) {
    // At the top or one folder down (one folder per model), as lm-eval writes them.
    if (p.split('/').length > 2 || !/^results_.*\.json$/i.test(name(p))) continue
    const current = newest.get(folder(p))
    if (current === undefined || name(p) > name(current)) newest.set(folder(p), p)
  }
  return [...newest.values()].sort()
}
