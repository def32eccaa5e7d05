/**
 * Faults of the machine, with the real `atax` on real files: a full disk (a small tmpfs),
 * a read-only filesystem (a read-only bind mount), and a read-only file or folder as a
 * real non-root user sees them (the CLI run as `nobody` through setpriv: root ignores
 * file permissions). Each answer says what is actually wrong; nothing is lost; no
 * partial file is left under the final name.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, tempDir } from '../support/tempDb'

const root = tempDir('atax-faults-')
// The non-root user must be able to enter it (its own folders below decide what it may write).
fs.chmodSync(root, 0o755)
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function atax(args: string[], asNobody = false) {
  const node = process.execPath
  const command = asNobody ? 'setpriv' : node
  const prefix = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', '--', node] : []
  const r = spawnSync(command, [...prefix, path.join(REPO_ROOT, 'bin/atax.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ATAX_DB: '', HOME: root },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function sh(command: string, args: string[]): { ok: boolean; why: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' })
  return { ok: r.status === 0, why: (r.stderr || r.error?.message || '').trim() }
}

/** Mounts a small tmpfs, or says why it cannot (not root, no mount in a container). */
function mountTmpfs(dir: string, size: string): string | null {
  fs.mkdirSync(dir, { recursive: true })
  const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir])
  return r.ok ? null : `cannot mount a tmpfs here (${r.why})`
}
const canMount = (() => {
  const probe = path.join(root, 'probe')
  const why = mountTmpfs(probe, '64k')
  if (why === null) sh('umount', [probe])
  return why
})()
const canSetpriv = (() => {
  if (process.getuid?.() !== 0) return 'not root: cannot run the CLI as another user'
  const r = sh('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', 'true'])
  return r.ok ? null : `setpriv does not work here (${r.why})`
})()
if (canMount) console.warn(`skipping the disk-full and read-only-filesystem tests: ${canMount}`)
if (canSetpriv) console.warn(`skipping the non-root read-only tests: ${canSetpriv}`)

const SAMPLE = 'RLHF pipeline (sample)'
function sampleDb(file: string): void {
  const r = atax(['--db', file, 'sample'])
  expect(r.code, r.stderr).toBe(0)
}
function counts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const out: Record<string, number> = {}
    for (const t of ['projects', 'generations', 'benchmark_measurements', 'cost_items']) {
      out[t] = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number
    }
    return out
  } finally {
    db.close()
  }
}
/** Fills a tmpfs up to its last few kilobytes. */
function fill(dir: string, leaveBytes: number): void {
  const { bavail, bsize } = fs.statfsSync(dir)
  const free = bavail * bsize
  fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, free - leaveBytes)))
}

describe.skipIf(canMount !== null)('a full disk', () => {
  it('export --out: "the disk is full", exit 1, no file (partial or not) under the final name', async () => {
    const disk = path.join(root, 'full-out')
    expect(mountTmpfs(disk, '256k')).toBeNull()
    try {
      const db = path.join(root, 'out.db')
      await sampleDb(db)
      fill(disk, 4096)
      const out = path.join(disk, 'backup.json')
      const r = atax(['--db', db, 'export', 'json', '--out', out])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/--out .*backup\.json: cannot write the file: the disk is full/)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
      expect(fs.readdirSync(disk)).toEqual(['filler'])
      fs.rmSync(path.join(disk, 'filler'))
      const again = atax(['--db', db, 'export', 'json', '--out', out])
      expect(again.code, again.stderr).toBe(0)
      // The full backup is JSON Lines: its first line is the header.
      expect(JSON.parse(fs.readFileSync(out, 'utf8').split('\n')[0]).format).toBe('alignment-tax-planner-backup')
    } finally {
      sh('umount', [disk])
    }
  })

  it('an import into a database on a full disk: "the disk is full", exit 1, nothing written, file intact', async () => {
    const disk = path.join(root, 'full-db')
    expect(mountTmpfs(disk, '2m')).toBeNull()
    try {
      const db = path.join(disk, 'a.db')
      await sampleDb(db)
      expect(
        atax(['--db', db, 'gen', 'add', '--project', SAMPLE, '--name', 'big', '--pretrained', '2025-01-01']).code,
      ).toBe(0)
      const before = counts(db)
      const csv = path.join(root, 'big.csv')
      const rows = ['benchmark,metric,value']
      for (let i = 0; i < 40_000; i++) rows.push(`task_${i}_${'x'.repeat(40)},acc,0.${i}`)
      fs.writeFileSync(csv, rows.join('\n'))
      fill(disk, 64 * 1024)
      const r = atax(['--db', db, 'import', 'csv', csv, '--project', SAMPLE, '--gen', 'big', '--role', 'baseline'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/is full: nothing was written/)
      expect(r.stderr).not.toMatch(/damaged|unexpected error|\n\s+at /)
      fs.rmSync(path.join(disk, 'filler'))
      expect(counts(db)).toEqual(before)
      expect(atax(['--db', db, 'summary', '--project', SAMPLE]).code).toBe(0)
    } finally {
      sh('umount', [disk])
    }
  })
})

describe.skipIf(canMount !== null)('a backup restore on a full disk', () => {
  it('says the disk is full, keeps the data, and leaves no safety copy under a final name', async () => {
    const disk = path.join(root, 'full-restore')
    expect(mountTmpfs(disk, '1m')).toBeNull()
    try {
      const db = path.join(disk, 'a.db')
      await sampleDb(db)
      const backup = path.join(root, 'restore.json')
      expect(atax(['--db', path.join(root, 'other.db'), 'sample']).code).toBe(0)
      expect(atax(['--db', path.join(root, 'other.db'), 'export', 'json', '--out', backup, '--force']).code).toBe(0)
      const before = counts(db)
      fill(disk, 8 * 1024)
      const r = atax(['--db', db, 'import', 'backup', backup])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/is full/)
      expect(r.stderr).not.toMatch(/damaged|unexpected error|\n\s+at /)
      expect(fs.readdirSync(disk).filter((f) => f.includes('before-restore'))).toEqual([])
      fs.rmSync(path.join(disk, 'filler'))
      expect(counts(db)).toEqual(before)
    } finally {
      sh('umount', [disk])
    }
  })
})

describe.skipIf(canMount !== null)('a read-only filesystem', () => {
  it('opens for reading; a write says the filesystem is read-only, never "damaged"; the file is unchanged', async () => {
    const src = path.join(root, 'ro-src')
    const ro = path.join(root, 'ro')
    fs.mkdirSync(src)
    fs.mkdirSync(ro)
    const db = path.join(src, 'a.db')
    await sampleDb(db)
    const bytes = fs.readFileSync(db)
    const bind = sh('mount', ['--bind', src, ro])
    expect(bind.ok, bind.why).toBe(true)
    try {
      const remount = sh('mount', ['-o', 'remount,bind,ro', ro])
      expect(remount.ok, remount.why).toBe(true)
      const file = path.join(ro, 'a.db')
      const list = atax(['--db', file, '--json', 'project', 'list'])
      expect(list.code, list.stderr).toBe(0)
      expect(JSON.parse(list.stdout).map((p: any) => p.name)).toEqual([SAMPLE])
      const summary = atax(['--db', file, 'summary', '--project', SAMPLE])
      expect(summary.code, summary.stderr).toBe(0)
      const add = atax(['--db', file, 'project', 'add', 'New'])
      expect(add.code).toBe(1)
      expect(add.stderr).toMatch(
        /is open for reading only because the disk or filesystem holding it is read-only: nothing was written/,
      )
      expect(add.stderr).not.toMatch(/damaged/)
      expect(fs.readFileSync(db).equals(bytes)).toBe(true)
    } finally {
      sh('umount', [ro])
    }
  })
})

describe.skipIf(canSetpriv !== null)('read-only for a non-root user', () => {
  it('a read-only file opens for reading; writes are refused, saying the file is read-only', async () => {
    const dir = path.join(root, 'ro-file')
    fs.mkdirSync(dir)
    const db = path.join(dir, 'a.db')
    await sampleDb(db)
    fs.chmodSync(dir, 0o777)
    fs.chmodSync(db, 0o444)
    const bytes = fs.readFileSync(db)
    const list = atax(['--db', db, 'project', 'list'], true)
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain(SAMPLE)
    const add = atax(['--db', db, 'project', 'add', 'New'], true)
    expect(add.code).toBe(1)
    expect(add.stderr).toMatch(/open for reading only because the file is read-only/)
    expect(fs.readFileSync(db).equals(bytes)).toBe(true)
  })

  it('a read-only folder: reads work, writes say the folder is read-only', async () => {
    const dir = path.join(root, 'ro-folder')
    fs.mkdirSync(dir)
    const db = path.join(dir, 'a.db')
    await sampleDb(db)
    fs.chmodSync(dir, 0o755)
    fs.chmodSync(db, 0o666)
    const list = atax(['--db', db, 'project', 'list'], true)
    expect(list.code, list.stderr).toBe(0)
    const add = atax(['--db', db, 'project', 'add', 'New'], true)
    expect(add.code).toBe(1)
    expect(add.stderr).toMatch(/because its folder .* is read-only/)
    const create = atax(['--db', path.join(dir, 'new.db'), 'project', 'list'], true)
    expect(create.code).toBe(1)
    expect(create.stderr).toMatch(/cannot create .*new\.db: its folder .* is read-only/)
  })
})
