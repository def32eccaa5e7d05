/** The one way the app writes files: temporary name, sync, rename; on real files in a temp folder. */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import {
  isTemporaryName,
  temporaryNameFor,
  writeFileAtomically,
  writeStreamAtomically,
} from '../../../../src-main/files/atomic'
import { tempDir } from '../../../support/tempDb'

const dirs: string[] = []
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('writeFileAtomically', () => {
  it('writes text and bytes, replacing an existing file whole', () => {
    const file = path.join(fresh(), 'out.csv')
    writeFileAtomically(file, 'first')
    writeFileAtomically(file, Buffer.from('second'))
    expect(fs.readFileSync(file, 'utf8')).toBe('second')
    expect(fs.readdirSync(path.dirname(file))).toEqual(['out.csv'])
  })

  it('with replace: false refuses an existing file (EEXIST) and leaves it and nothing else', () => {
    const file = path.join(fresh(), 'out.csv')
    fs.writeFileSync(file, 'precious')
    expect(() => writeFileAtomically(file, 'new', { replace: false })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    )
    expect(fs.readFileSync(file, 'utf8')).toBe('precious')
    expect(fs.readdirSync(path.dirname(file))).toEqual(['out.csv'])
  })

  it('a producer that fails leaves no file under the final name and no temporary file', () => {
    const dir = fresh()
    const file = path.join(dir, 'copy.db')
    expect(() =>
      writeFileAtomically(file, (temp) => {
        fs.writeFileSync(temp, 'half')
        throw new Error('disk full')
      }),
    ).toThrow('disk full')
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('the temporary name sits in the same folder (so the rename is atomic) and is recognisable', () => {
    const temp = temporaryNameFor('/data/atax.db.before-restore-1.bak')
    expect(path.dirname(temp)).toBe('/data')
    expect(isTemporaryName(path.basename(temp))).toBe(true)
    expect(isTemporaryName('atax.db.before-restore-1.bak')).toBe(false)
  })
})

describe('writeStreamAtomically (a download)', () => {
  it('writes the stream whole under the final name, and refuses an existing file with replace: false', async () => {
    const dir = fresh()
    const target = path.join(dir, 'backup.jsonl')
    fs.writeFileSync(target, 'old')
    await writeStreamAtomically(target, Readable.from([Buffer.from('line 1\n'), Buffer.from('line 2\n')]))
    expect(fs.readFileSync(target, 'utf8')).toBe('line 1\nline 2\n')
    await expect(
      writeStreamAtomically(target, Readable.from([Buffer.from('new')]), { replace: false }),
    ).rejects.toThrow(/EEXIST/)
    expect(fs.readFileSync(target, 'utf8')).toBe('line 1\nline 2\n')
    expect(fs.readdirSync(dir)).toEqual(['backup.jsonl'])
  })

  it('a stream that breaks off midway leaves nothing under the final name and no temporary file', async () => {
    const dir = fresh()
    const target = path.join(dir, 'partial.jsonl')
    async function* brokenOff() {
      yield Buffer.from('first half\n')
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    }
    await expect(writeStreamAtomically(target, brokenOff())).rejects.toThrow(/socket hang up/)
    expect(fs.readdirSync(dir)).toEqual([])
  })
})
