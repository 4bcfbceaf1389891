import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer for entries whose bytes are already known (or already compressed). It never
 * concatenates payloads: the archive comes back as a list of chunks, so a large shared part (an
 * edition's rendered file) is referenced, not copied, in every recipient's archive.
 */
export interface ZipEntry {
  name: string;
  /** The stored bytes: the file itself for `store`, the raw DEFLATE stream for `deflate`. */
  chunks: readonly Uint8Array[];
  method: 'store' | 'deflate';
  crc32: number;
  /** Length of the uncompressed file. */
  size: number;
  /**
   * Writes CRC and sizes in a data descriptor after the data instead of the local header, so that
   * the bytes before the data do not depend on them (lets callers hash a fixed prefix once).
   */
  descriptor?: boolean;
}

export const byteLength = (chunks: readonly Uint8Array[]) => chunks.reduce((n, c) => n + c.length, 0);

/** CRC-32 over several chunks, optionally continuing from a previous value. */
export function crc32Of(chunks: readonly Uint8Array[], initial = 0): number {
  let crc = initial;
  for (const chunk of chunks) crc = crc32(chunk, crc);
  return crc;
}

export function storedEntry(name: string, chunks: readonly Uint8Array[], crc = crc32Of(chunks)): ZipEntry {
  return { name, chunks, method: 'store', crc32: crc, size: byteLength(chunks) };
}

export function deflatedEntry(name: string, data: Uint8Array): ZipEntry {
  return { name, chunks: [deflateRawSync(data)], method: 'deflate', crc32: crc32(data), size: data.length };
}

/** MS-DOS date and time fields, in UTC so the same input gives the same bytes everywhere. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

const UTF8_NAMES = 1 << 11;
const HAS_DESCRIPTOR = 1 << 3;

/**
 * The fields local headers and central records share, from "version needed" to the name length
 * (26 bytes at `at`). Sizes and CRC stay zero when they follow the data in a descriptor.
 */
function writeEntryFields(target: Buffer, at: number, entry: ZipEntry, stamp: { time: number; date: number }, nameLength: number, withSizes: boolean): void {
  target.writeUInt16LE(20, at);
  target.writeUInt16LE(UTF8_NAMES | (entry.descriptor ? HAS_DESCRIPTOR : 0), at + 2);
  target.writeUInt16LE(entry.method === 'deflate' ? 8 : 0, at + 4);
  target.writeUInt16LE(stamp.time, at + 6);
  target.writeUInt16LE(stamp.date, at + 8);
  if (withSizes) {
    target.writeUInt32LE(entry.crc32 >>> 0, at + 10);
    target.writeUInt32LE(byteLength(entry.chunks), at + 14);
    target.writeUInt32LE(entry.size, at + 18);
  }
  target.writeUInt16LE(nameLength, at + 22);
}

/**
 * Lays out a whole archive. Returns the chunks in order; a caller that needs a fixed prefix can
 * rely on every byte up to an entry's data depending only on the entries before it and on that
 * entry's own local header.
 */
export function writeZip(entries: readonly ZipEntry[], modifiedAt: Date): Uint8Array[] {
  const out: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const stamp = dosDateTime(modifiedAt);
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = Buffer.alloc(30 + name.length);
    header.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(header, 4, entry, stamp, name.length, !entry.descriptor);
    name.copy(header, 30);
    const compressed = byteLength(entry.chunks);
    out.push(header, ...entry.chunks);
    let written = header.length + compressed;
    if (entry.descriptor) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(entry.crc32 >>> 0, 4);
      descriptor.writeUInt32LE(compressed, 8);
      descriptor.writeUInt32LE(entry.size, 12);
      out.push(descriptor);
      written += descriptor.length;
    }
    const record = Buffer.alloc(46 + name.length);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    writeEntryFields(record, 6, entry, stamp, name.length, true);
    record.writeUInt32LE(offset, 42);
    name.copy(record, 46);
    central.push(record);
    offset += written;
  }
  const centralSize = central.reduce((n, r) => n + r.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  out.push(...central, end);
  return out;
}
