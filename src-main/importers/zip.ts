/**
 * Reads one entry of a ZIP archive (an Inspect `.eval` log) straight from its bytes,
 * through the central directory, with bounds on everything an archive can lie about:
 *
 * - the number of entries the directory claims (`maxEntries`);
 * - the entry's declared uncompressed size (refused before inflating anything);
 * - its actual inflated size: node:zlib stops inflating as soon as the output passes
 *   `maxEntryBytes` (its `maxOutputLength` works chunk by chunk), so a bomb that
 *   declares 100 bytes and inflates to 5 GB costs at most `maxEntryBytes` of memory.
 *
 * Compression methods: stored (0), deflate (8) and zstd (93, Inspect's default since
 * 0.3.206). Any other method gets one line naming it. ZIP64 (sizes, offsets and entry
 * counts past 32 bits) is read.
 */
import zlib from 'node:zlib'
import { importError } from './types'

export interface ZipLimits {
  /** Most entries the central directory may hold. */
  maxEntries: number
  /** Most bytes the one entry read may inflate to. */
  maxEntryBytes: number
}

export const ZIP_LIMITS: ZipLimits = {
  // One entry per sample and epoch: generous for real eval sets, far below a forged count.
  maxEntries: 1_000_000,
  // header.json holds the spec, results and stats, never samples: kilobytes to a few MB.
  maxEntryBytes: 32 * 1024 * 1024,
}

const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  19: 'LZ77',
  95: 'xz',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AES encryption',
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
}

/**
 * The bytes of entry `name`, or null when the archive has no such entry.
 * @throws ImportError naming the file, the entry and the limit or damage found
 */
export function readZipEntry(
  bytes: Uint8Array,
  fileName: string,
  name: string,
  limits: ZipLimits = ZIP_LIMITS,
): Uint8Array | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const damaged = (problem: string) =>
    importError(fileName, 'ZIP archive', `${problem}: truncated or damaged?`, '<zip>')
  const u16 = (at: number) => {
    if (at < 0 || at + 2 > bytes.length) throw damaged('cannot be read (a record runs past the end of the file)')
    return view.getUint16(at, true)
  }
  const u32 = (at: number) => {
    if (at < 0 || at + 4 > bytes.length) throw damaged('cannot be read (a record runs past the end of the file)')
    return view.getUint32(at, true)
  }
  const u64 = (at: number) => u32(at) + u32(at + 4) * 2 ** 32

  // End of central directory: the last record, before a comment of up to 64 KiB.
  let eocd = -1
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at
      break
    }
  }
  if (eocd === -1) throw damaged('cannot be read (no end of central directory record)')
  let entries = u16(eocd + 10)
  let directorySize = u32(eocd + 12)
  let directoryOffset = u32(eocd + 16)
  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20
    if (locator >= 0 && u32(locator) === ZIP64_LOCATOR) {
      const record = u64(locator + 8)
      if (u32(record) !== ZIP64_EOCD) throw damaged('cannot be read (a broken ZIP64 end of central directory)')
      entries = u64(record + 32)
      directorySize = u64(record + 40)
      directoryOffset = u64(record + 48)
    }
  }
  if (entries > limits.maxEntries) {
    throw importError(
      fileName,
      'ZIP archive',
      `claims ${entries} entries, more than the limit of ${limits.maxEntries}: refused (not an Inspect log, or a forged one)`,
      entries,
    )
  }
  if (directoryOffset + directorySize > bytes.length) {
    throw damaged('cannot be read (its central directory lies past the end of the file)')
  }

  let at = directoryOffset
  for (let i = 0; i < entries; i++) {
    if (u32(at) !== CENTRAL) throw damaged(`cannot be read (central directory entry ${i + 1} is broken)`)
    const flags = u16(at + 8)
    const method = u16(at + 10)
    const crc = u32(at + 16)
    let compressedSize = u32(at + 20)
    let size = u32(at + 24)
    const nameLength = u16(at + 28)
    const extraLength = u16(at + 30)
    const commentLength = u16(at + 32)
    let localOffset = u32(at + 42)
    if (at + 46 + nameLength > bytes.length) throw damaged('cannot be read (an entry name runs past the end)')
    const entryName = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength))
    const next = at + 46 + nameLength + extraLength + commentLength
    if (entryName !== name) {
      at = next
      continue
    }
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = u16(e)
      const length = u16(e + 2)
      if (id === 0x0001) {
        let field = e + 4
        if (size === 0xffffffff) {
          size = u64(field)
          field += 8
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(field)
          field += 8
        }
        if (localOffset === 0xffffffff) localOffset = u64(field)
      }
      e += 4 + length
    }
    const where = `${name} in the ZIP archive`
    if (flags & 0x1) throw importError(fileName, where, 'is encrypted: this app cannot read it', name)
    if (method !== 0 && method !== 8 && method !== 93) {
      const known = METHOD_NAMES[method]
      throw importError(
        fileName,
        where,
        `is compressed with method ${method}${known ? ` (${known})` : ''}, which this app cannot read (Inspect writes deflate or zstd)`,
        method,
      )
    }
    if (size > limits.maxEntryBytes) {
      throw importError(
        fileName,
        where,
        `declares ${mib(size)} uncompressed, more than the limit of ${mib(limits.maxEntryBytes)}: refused`,
        size,
      )
    }
    if (u32(localOffset) !== LOCAL) throw damaged(`cannot be read (the local header of ${name} is broken)`)
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
    if (dataStart + compressedSize > bytes.length)
      throw damaged(`cannot be read (${name} runs past the end of the file)`)
    const data = bytes.subarray(dataStart, dataStart + compressedSize)
    let out: Uint8Array
    try {
      // One byte over the limit is enough to know the limit was passed.
      const options = { maxOutputLength: limits.maxEntryBytes + 1 }
      out =
        method === 0 ? data : method === 8 ? zlib.inflateRawSync(data, options) : zlib.zstdDecompressSync(data, options)
    } catch (e) {
      const error = e as NodeJS.ErrnoException
      if (error.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw importError(
          fileName,
          where,
          `inflates to more than the limit of ${mib(limits.maxEntryBytes)} (it declares ${size} bytes): refused, inflating stopped there`,
          size,
        )
      }
      throw damaged(`cannot be read (${name}: ${error.message})`)
    }
    if (out.length > limits.maxEntryBytes) {
      throw importError(
        fileName,
        where,
        `inflates to more than the limit of ${mib(limits.maxEntryBytes)} (it declares ${size} bytes): refused`,
        size,
      )
    }
    if (out.length !== size) {
      throw damaged(`cannot be read (${name} inflates to ${out.length} bytes, its directory says ${size})`)
    }
    if (zlib.crc32(out) !== crc) throw damaged(`cannot be read (${name} fails its CRC-32 check)`)
    return out
  }
  return null
}
