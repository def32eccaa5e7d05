/** `atax snapshot list|take|restore`: the automatic snapshots of the database, from the shell. */
import { defineCommand } from '../command'

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`

export const snapshotCommands = [
  defineCommand({
    words: ['snapshot', 'list'],
    summary: 'list the snapshots kept beside the database (one a day while the app is open, the last 7)',
    run: async (c) => {
      const list = await c.call('snapshots.list', {})
      c.print(
        list.length
          ? list.map((s) => `${s.takenAt}  ${s.kind.padEnd(14)} ${size(s.bytes).padStart(9)}  ${s.name}`).join('\n')
          : 'no snapshots yet: the app takes one a day while it is open, or `atax snapshot take`',
        list,
      )
    },
  }),
  defineCommand({
    words: ['snapshot', 'take'],
    summary: 'take a snapshot of the database now',
    run: async (c) => {
      const s = await c.call('snapshots.take', {})
      c.print(`took snapshot ${s.name}`, s)
    },
  }),
  defineCommand({
    words: ['snapshot', 'restore'],
    summary: 'replace all data with a snapshot (the current data is snapshotted first: restore that to undo)',
    positionals: [{ value: 'NAME', field: 'name' }],
    run: async (c) => {
      const r = await c.call('snapshots.restore', { name: c.positionals[0] })
      c.print(`restored ${r.restored}\nto undo: atax snapshot restore ${r.undo.name}`, r)
    },
  }),
]
