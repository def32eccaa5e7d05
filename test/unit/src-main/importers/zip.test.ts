/**
 * The Inspect `.eval` ZIP reader: zstd, deflate and stored entries (built here with
 * node:zlib in the exact layout Inspect writes: header.json beside samples), other
 * methods named, and bombs (1 GB, 5 GB ZIP64) built on the fly from a few kilobytes
 * and refused while inflating, never after.
 */
import zlib from 'node:zlib'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { parseInspectLog } from '../../../../src-main/importers'
import { readZipEntry, ZIP_LIMITS } from '../../../../src-main/importers/zip'
import { expectImportError, shared } from './helpers'

interface Entry {
  name: string
  method: number
  data: Uint8Array
  /** Uncompressed size and CRC as declared (default: those of `plain`). */
  size?: number
  crc?: number
  plain?: Uint8Array
}

/** A ZIP (ZIP64 when `zip64`), written field by field as the APPNOTE describes. */
function buildZip(entries: Entry[], { zip64 = false, claimEntries }: { zip64?: boolean; claimEntries?: number } = {}) {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const size = e.size ?? e.plain?.length ?? 0
    const crc = e.crc ?? (e.plain ? zlib.crc32(e.plain) : 0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(zip64 ? 45 : 20, 4)
    local.writeUInt16LE(e.method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(zip64 ? 0xffffffff : e.data.length, 18)
    local.writeUInt32LE(zip64 ? 0xffffffff : size, 22)
    local.writeUInt16LE(name.length, 26)
    parts.push(local, name, Buffer.from(e.data))
    const extra = Buffer.alloc(zip64 ? 28 : 0)
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0)
      extra.writeUInt16LE(24, 2)
      extra.writeBigUInt64LE(BigInt(size), 4)
      extra.writeBigUInt64LE(BigInt(e.data.length), 12)
      extra.writeBigUInt64LE(BigInt(offset), 20)
    }
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(zip64 ? 45 : 20, 4)
    c.writeUInt16LE(zip64 ? 45 : 20, 6)
    c.writeUInt16LE(e.method, 10)
    c.writeUInt32LE(crc, 16)
    c.writeUInt32LE(zip64 ? 0xffffffff : e.data.length, 20)
    c.writeUInt32LE(zip64 ? 0xffffffff : size, 24)
    c.writeUInt16LE(name.length, 28)
    c.writeUInt16LE(extra.length, 30)
    c.writeUInt32LE(zip64 ? 0xffffffff : offset, 42)
    central.push(c, name, extra)
    offset += local.length + name.length + e.data.length
  }
  const directory = Buffer.concat(central)
  const count = claimEntries ?? entries.length
  const tail: Buffer[] = []
  if (zip64 || count > 0xfffe) {
    const record = Buffer.alloc(56)
    record.writeUInt32LE(0x06064b50, 0)
    record.writeBigUInt64LE(44n, 4)
    record.writeBigUInt64LE(BigInt(count), 24)
    record.writeBigUInt64LE(BigInt(count), 32)
    record.writeBigUInt64LE(BigInt(directory.length), 40)
    record.writeBigUInt64LE(BigInt(offset), 48)
    const locator = Buffer.alloc(20)
    locator.writeUInt32LE(0x07064b50, 0)
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8)
    locator.writeUInt32LE(1, 16)
    tail.push(record, locator)
  }
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  const big = zip64 || count > 0xfffe
  eocd.writeUInt16LE(big ? 0xffff : count, 8)
  eocd.writeUInt16LE(big ? 0xffff : count, 10)
  eocd.writeUInt32LE(big ? 0xffffffff : directory.length, 12)
  eocd.writeUInt32LE(big ? 0xffffffff : offset, 16)
  return new Uint8Array(Buffer.concat([...parts, directory, ...tail, eocd]))
}

const compress = (method: number, plain: Uint8Array): Uint8Array =>
  method === 93 ? zlib.zstdCompressSync(plain) : method === 8 ? zlib.deflateRawSync(plain) : plain

/**
 * A zstd frame of `bytes` zero bytes from RLE blocks (4 bytes per 128 KiB), without
 * a declared content size: a 5 GB frame is 160 KB.
 */
function zstdZeros(bytes: number): Uint8Array {
  const blockMax = 128 * 1024
  const blocks = Math.ceil(bytes / blockMax)
  const out = Buffer.alloc(6 + blocks * 4)
  out.writeUInt32LE(0xfd2fb528, 0) // magic
  out[4] = 0x00 // frame header: no content size, no checksum, window descriptor follows
  out[5] = 0x58 // window 2^(10 + 11) = 2 MiB
  for (let i = 0; i < blocks; i++) {
    const size = i === blocks - 1 ? bytes - blockMax * i : blockMax
    const last = i === blocks - 1 ? 1 : 0
    const header = last | (1 << 1) | (size << 3) // RLE block
    out.writeUIntLE(header, 6 + i * 4, 3)
    out[6 + i * 4 + 3] = 0
  }
  return new Uint8Array(out)
}

/** A raw deflate stream of `mib` MiB of zeros: one flushed 1 MiB chunk repeated, then an empty final block. */
function deflateZeros(mib: number): Uint8Array {
  const chunk = zlib.deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: zlib.constants.Z_FULL_FLUSH })
  const end = zlib.deflateRawSync(Buffer.alloc(0))
  return new Uint8Array(Buffer.concat([...Array.from({ length: mib }, () => chunk), end]))
}

const realHeader = () => unzipSync(shared('inspect/log_formats.eval'))['header.json']

describe('readZipEntry: compression methods', () => {
  it.each([
    ['zstd', 93],
    ['deflate', 8],
    ['stored', 0],
  ])('reads a %s header.json beside samples, as Inspect lays them out', (_name, method) => {
    const plain = realHeader()
    const sample = new TextEncoder().encode('{"id": 1, "epoch": 1}')
    const zip = buildZip([
      { name: '_journal/start.json', method, data: compress(method, sample), plain: sample },
      { name: 'samples/1_epoch_1.json', method, data: compress(method, sample), plain: sample },
      { name: 'header.json', method, data: compress(method, plain), plain },
    ])
    expect(Buffer.from(readZipEntry(zip, 'x.eval', 'header.json')!)).toEqual(Buffer.from(plain))
    const header = JSON.parse(new TextDecoder().decode(plain))
    const run = parseInspectLog(zip, 'x.eval')
    expect(run.results.map((r) => r.value)).toContain(header.results.scores[0].metrics.accuracy.value)
  })

  it('answers null for an archive without the entry', () => {
    const zip = buildZip([{ name: 'other.json', method: 0, data: new Uint8Array(2), plain: new Uint8Array(2) }])
    expect(readZipEntry(zip, 'x.eval', 'header.json')).toBeNull()
  })

  it.each([
    [12, 'bzip2'],
    [14, 'LZMA'],
    [95, 'xz'],
    [77, ''],
  ])('names method %i in one line', (method, name) => {
    const zip = buildZip([{ name: 'header.json', method, data: new Uint8Array(10), size: 10 }])
    const e = expectImportError(() => parseInspectLog(zip, 'm.eval'), 'm.eval', 'header.json in the ZIP archive')
    expect(e.message).toContain(`method ${method}`)
    if (name) expect(e.message).toContain(name)
    expect(e.message.split('\n')).toHaveLength(1)
  })

  it('refuses a header whose bytes fail the CRC check', () => {
    const plain = realHeader()
    const zip = buildZip([{ name: 'header.json', method: 93, data: zlib.zstdCompressSync(plain), plain, crc: 1 }])
    expectImportError(() => parseInspectLog(zip, 'c.eval'), 'c.eval', 'ZIP archive', 'CRC')
  })

  it('refuses a truncated archive, saying so', () => {
    const plain = realHeader()
    const zip = buildZip([{ name: 'header.json', method: 93, data: zlib.zstdCompressSync(plain), plain }])
    expectImportError(
      () => parseInspectLog(zip.subarray(0, zip.length - 30), 't.eval'),
      't.eval',
      'ZIP archive',
      'truncated',
    )
  })
})

describe('readZipEntry: bounds', () => {
  it('refuses a 1 GB zstd bomb that declares 100 bytes while inflating, at the limit', () => {
    const bomb = zstdZeros(1024 ** 3)
    expect(bomb.length).toBeLessThan(64 * 1024)
    const zip = buildZip([{ name: 'header.json', method: 93, data: bomb, size: 100, crc: 0 }])
    const before = process.memoryUsage().rss
    const e = expectImportError(() => parseInspectLog(zip, 'bomb.eval'), 'bomb.eval', 'header.json in the ZIP archive')
    expect(e.message).toContain(`limit of ${ZIP_LIMITS.maxEntryBytes / 1024 / 1024} MiB`)
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
  })

  it('refuses a 1 GB deflate bomb the same way', () => {
    const bomb = deflateZeros(1024)
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    const zip = buildZip([{ name: 'header.json', method: 8, data: bomb, size: 100, crc: 0 }])
    const e = expectImportError(() => parseInspectLog(zip, 'bomb.eval'), 'bomb.eval', 'header.json in the ZIP archive')
    expect(e.message).toMatch(/inflates to more than the limit/)
  })

  it('refuses a 5 GB ZIP64 bomb by its declared size without inflating', () => {
    const size = 5 * 1024 ** 3
    const zip = buildZip([{ name: 'header.json', method: 93, data: zstdZeros(size), size, crc: 0 }], { zip64: true })
    const e = expectImportError(() => parseInspectLog(zip, 'z64.eval'), 'z64.eval', 'header.json in the ZIP archive')
    expect(e.message).toMatch(/declares 5120 MiB uncompressed, more than the limit/)
  })

  it('reads a ZIP64 archive whose sizes are within bounds', () => {
    const plain = realHeader()
    const zip = buildZip([{ name: 'header.json', method: 93, data: zlib.zstdCompressSync(plain), plain }], {
      zip64: true,
    })
    expect(Buffer.from(readZipEntry(zip, 'ok.eval', 'header.json')!)).toEqual(Buffer.from(plain))
  })

  it('refuses a directory claiming more entries than the limit', () => {
    const plain = realHeader()
    const zip = buildZip([{ name: 'header.json', method: 0, data: plain, plain }], { claimEntries: 4_000_000_000 })
    const e = expectImportError(() => parseInspectLog(zip, 'many.eval'), 'many.eval', 'ZIP archive')
    expect(e.message).toContain(`limit of ${ZIP_LIMITS.maxEntries}`)
  })

  it('refuses a header.json nested deeper than the JSON depth limit', () => {
    const deep = new TextEncoder().encode('['.repeat(100_000) + ']'.repeat(100_000))
    const zip = buildZip([{ name: 'header.json', method: 93, data: zlib.zstdCompressSync(deep), plain: deep }])
    const e = expectImportError(() => parseInspectLog(zip, 'deep.eval'), 'deep.eval', /header\.json, line 1/)
    expect(e.message).toMatch(/deeper than the limit of \d+ levels/)
  })
})

describe('the real zstd log from Inspect', () => {
  it('is read, and keeps its clear "no scores" error', () => {
    const e = expectImportError(
      () => parseInspectLog(shared('inspect/zstd-no-scores.eval'), 'zstd-no-scores.eval'),
      'zstd-no-scores.eval',
      /^header\.json, results/,
    )
    expect(e.message).toMatch(/no scores|no score values/)
  })
})
