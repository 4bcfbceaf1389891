import { inflateRawSync } from 'node:zlib';

/** One entry of an archive as stored: its compressed bytes are a view into the archive. */
export interface StoredZipEntry {
  name: string;
  method: number;
  crc32: number;
  size: number;
  raw: Buffer;
}

/** Reads the central directory of a (non-ZIP64) archive; throws on anything it does not understand. */
export function readZip(archive: Buffer): StoredZipEntry[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || archive.length - endAt < 22) throw new Error('not a ZIP archive');
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const entries: StoredZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error('broken ZIP central directory');
    const method = archive.readUInt16LE(at + 10);
    const crc32 = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error('broken ZIP local header');
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    entries.push({ name, method, crc32, size, raw: archive.subarray(dataAt, dataAt + compressed) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function entryBytes(entry: StoredZipEntry): Buffer {
  if (entry.method === 0) return entry.raw;
  if (entry.method === 8) return inflateRawSync(entry.raw);
  throw new Error(`unsupported ZIP method ${entry.method}`);
}
