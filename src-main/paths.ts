/** Where things live on disk: the app's root folder and the default database file. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The folder holding package.json and drizzle/, from src-main (tsx) or out/main (built). */
export function findAppRoot(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'drizzle'))) {
      return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`cannot find the app folder above ${start}`)
    dir = parent
  }
}

export const APP_NAME = 'Alignment Tax Planner'
export const DB_FILE_NAME = 'atax.db'

/**
 * Electron's userData folder for this app, computed the way Electron does, so the
 * CLI and web mode find the desktop app's own file without loading Electron.
 */
export function desktopUserDataDir(platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME)
}

/** `--db FILE`, else ATAX_DB, else the desktop app's file. */
export function resolveDbFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag)
  if (env.ATAX_DB) return path.resolve(env.ATAX_DB)
  return path.join(desktopUserDataDir(process.platform, env), DB_FILE_NAME)
}
