/** Every `atax` command, in the order `atax --help` lists them. */
import type { Command } from '../command'
import { fileCommands } from './files'
import { generationCommands } from './generations'
import { overviewCommands } from './overview'
import { perfCommands } from './perf'
import { projectCommands } from './projects'
import { pushCommands } from './push'
import { recordCommands } from './records'
import { snapshotCommands } from './snapshots'
import { taxCommands } from './tax'
import { teamCommands } from './team'
import { webCommands } from './web'

const [importCommand, exportCommand] = fileCommands

export const commands: Command[] = [
  ...projectCommands,
  ...generationCommands,
  ...recordCommands,
  ...overviewCommands,
  ...taxCommands,
  importCommand,
  ...webCommands,
  exportCommand,
  ...perfCommands,
  ...snapshotCommands,
  ...teamCommands,
  ...pushCommands,
]
