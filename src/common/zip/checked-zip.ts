import { inflateRawSync } from 'node:zlib';

/**
 * The one ZIP reader for files that come from outside (member imports, leaked copies given to
 * `audit:trace`): it reads the central directory within the file's bounds, refuses too many entries,
 * a total unpacked size over the caller's cap and a compression ratio no real document has, and
 * inflates each entry with a cap at its declared size, because the directory can lie.
 * `readZip` in zip-reader.ts is only for archives listebud wrote itself.
 */
export interface ZipLimits {
  /** Unpacked bytes of all entries together. */
  maxUnpackedBytes: number;
  /** Unpacked/packed for entries of 1 MB and more; a tiny entry can have any ratio without harm. */
  maxRatio: number;
  maxEntries: number;
}

export interface CheckedZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export type ZipRefusal = 'damaged' | 'too_large' | 'bomb' | 'encrypted' | 'method';

export class ZipRefused extends Error {
  constructor(readonly reason: ZipRefusal) {
    super(`ZIP refused: ${reason}`);
    this.name = 'ZipRefused';
  }
}

const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;
const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const U32_MAX = 0xffffffff;

export const isZipFile = (bytes: Buffer) => bytes.length >= 4 && bytes.readUInt32LE(0) === LOCAL_SIGNATURE;

/**
 * By name, not instanceof: Node's Buffer and zlib throw their own realm's RangeError, which is not the
 * global one where the code runs inside a vm context (as under Jest), and a zip bomb must not pass there.
 */
const isRangeError = (error: unknown) => (error as Error | undefined)?.name === 'RangeError';

/** The entries of an archive after the size checks; throws ZipRefused. Encrypted entries are listed, not refused. */
export function checkedEntries(bytes: Buffer, limits: ZipLimits): CheckedZipEntry[] {
  let entries: CheckedZipEntry[];
  try {
    entries = readCentralDirectory(bytes, limits.maxEntries);
  } catch (error) {
    if (error instanceof ZipRefused) throw error;
    if (isRangeError(error)) throw new ZipRefused('damaged');
    throw error;
  }
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize >= RATIO_CHECKED_FROM_BYTES && ratio > limits.maxRatio) throw new ZipRefused('bomb');
    if (total > limits.maxUnpackedBytes) throw new ZipRefused('too_large');
  }
  return entries;
}

/** An entry's bytes, inflated no further than its declared size; throws ZipRefused. */
export function checkedEntryBytes(bytes: Buffer, entry: CheckedZipEntry): Buffer {
  const p = entry.localHeaderOffset;
  if (p + 30 > bytes.length || bytes.readUInt32LE(p) !== LOCAL_SIGNATURE) throw new ZipRefused('damaged');
  const start = p + 30 + bytes.readUInt16LE(p + 26) + bytes.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipRefused('damaged');
  if (entry.encrypted) throw new ZipRefused('encrypted');
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw new ZipRefused('damaged');
    return bytes.subarray(start, end);
  }
  if (entry.method !== 8) throw new ZipRefused('method');
  let inflated: Buffer;
  try {
    // One byte of headroom tells "inflates to more than declared" (a lie, refused) from "exactly as declared".
    inflated = inflateRawSync(bytes.subarray(start, end), { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (error) {
    throw new ZipRefused(isRangeError(error) ? 'bomb' : 'damaged');
  }
  if (inflated.length !== entry.uncompressedSize) throw new ZipRefused('damaged');
  return inflated;
}

function readCentralDirectory(bytes: Buffer, maxEntries: number): CheckedZipEntry[] {
  const eocd = findEndOfCentralDirectory(bytes);
  let count = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === U32_MAX || offset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipRefused('damaged');
    const zip64 = Number(bytes.readBigUInt64LE(locator + 8));
    if (bytes.readUInt32LE(zip64) !== ZIP64_EOCD_SIGNATURE) throw new ZipRefused('damaged');
    count = Number(bytes.readBigUInt64LE(zip64 + 32));
    size = Number(bytes.readBigUInt64LE(zip64 + 40));
    offset = Number(bytes.readBigUInt64LE(zip64 + 48));
  }
  if (count > maxEntries || offset + size > bytes.length) throw new ZipRefused('damaged');

  const entries: CheckedZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new ZipRefused('damaged');
    const flags = bytes.readUInt16LE(p + 8);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const entry: CheckedZipEntry = {
      name: bytes.toString('utf8', p + 46, p + 46 + nameLength),
      method: bytes.readUInt16LE(p + 10),
      encrypted: (flags & 1) === 1,
      compressedSize: bytes.readUInt32LE(p + 20),
      uncompressedSize: bytes.readUInt32LE(p + 24),
      localHeaderOffset: bytes.readUInt32LE(p + 42),
    };
    applyZip64Extra(entry, bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const last = bytes.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let p = last; p >= first; p--) {
    if (bytes.readUInt32LE(p) === EOCD_SIGNATURE) return p;
  }
  throw new ZipRefused('damaged');
}

/** Sizes that do not fit 32 bits sit in the zip64 extra field, in this order, only when marked 0xffffffff. */
function applyZip64Extra(entry: CheckedZipEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      if (entry.uncompressedSize === U32_MAX) {
        entry.uncompressedSize = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      if (entry.compressedSize === U32_MAX) {
        entry.compressedSize = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = Number(extra.readBigUInt64LE(q));
      return;
    }
    p += 4 + length;
  }
}
