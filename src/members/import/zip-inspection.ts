import { inflateRawSync } from 'node:zlib';
import type { FieldProblem } from '../../common/domain-error.js';
import { unreadable } from './sheet.js';

export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
export const MAX_COMPRESSION_RATIO = 200;
/** A tiny entry can have any ratio without harm; the ratio only says something about entries this big. */
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;
const MAX_ENTRIES = 10_000;

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const U32_MAX = 0xffffffff;

export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === LOCAL_SIGNATURE;
}

interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

class BrokenZip extends Error {}

/**
 * By name, not instanceof: Node's Buffer and zlib throw their own realm's RangeError, which is not the
 * global one where the code runs inside a vm context (as under Jest), and a zip bomb must not pass there.
 */
const isRangeError = (error: unknown) => (error as Error | undefined)?.name === 'RangeError';

const zipBomb = (): FieldProblem => ({
  code: 'ZIP_BOMB',
  message: `The workbook unpacks to more than ${MAX_UNCOMPRESSED_BYTES / 1024 / 1024} MB or is packed suspiciously tightly; it was not opened`,
});

/**
 * Reads the central directory before the workbook goes near exceljs (whose zip reader inflates whatever
 * it is given), refusing a zip bomb, a workbook that links to other files, and a broken or encrypted zip.
 * Each entry is then inflated with a cap at its declared size, because the directory can lie.
 * Returns null when the workbook may be opened.
 */
export function inspectZip(bytes: Buffer): FieldProblem | null {
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(bytes);
  } catch (error) {
    if (error instanceof BrokenZip || isRangeError(error)) return unreadable('The workbook is damaged and cannot be opened');
    throw error;
  }
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (total > MAX_UNCOMPRESSED_BYTES) return zipBomb();
    if (entry.uncompressedSize >= RATIO_CHECKED_FROM_BYTES && ratio > MAX_COMPRESSION_RATIO) return zipBomb();
  }
  if (entries.some((e) => isExternalPart(e.name))) return externalLinks();
  if (entries.some((e) => e.encrypted)) return unreadable('The workbook is encrypted; save it without a password');
  for (const entry of entries) {
    const result = verifyEntry(bytes, entry);
    if ('problem' in result) return result.problem;
    if (isPackageMap(entry.name) && refersOutside(result.data.toString('utf8'))) return externalLinks();
  }
  return null;
}

const externalLinks = (): FieldProblem => ({
  code: 'EXTERNAL_LINKS',
  message: 'The workbook links to other files or data sources; remove the external links and data connections and save it again',
});

/** Parts that only exist to fetch something from outside: linked workbooks, data connections, web queries. */
function isExternalPart(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('xl/externallinks/') || lower === 'xl/connections.xml' || lower.startsWith('xl/querytables/');
}

/** The relationship files and the content-type map: where a part is declared whatever its path. */
function isPackageMap(name: string): boolean {
  return name.toLowerCase().endsWith('.rels') || name === '[Content_Types].xml';
}

const RELATIONSHIP = /<(?:[\w.-]+:)?Relationship\b[^>]*>/g;
const OVERRIDE = /<(?:[\w.-]+:)?(?:Override|Default)\b[^>]*>/g;
const EXTERNAL_TYPE = /\/(?:externalLink|externalLinkPath|connections|queryTable)$/i;
const EXTERNAL_CONTENT_TYPE = /(?:externalLink|connections|queryTable)\+xml$/i;

/**
 * Whether a relationship or content type brings in something from outside the workbook, wherever the
 * part is stored. Hyperlinks are the one outside target a member list may carry (mailto: links on
 * e-mails); an external link to another workbook, a data connection or anything else fetched from a
 * path or URL (a linked image, a linked OLE object) is not.
 */
function refersOutside(xml: string): boolean {
  for (const [element] of xml.matchAll(RELATIONSHIP)) {
    const type = attribute(element, 'Type') ?? '';
    if (EXTERNAL_TYPE.test(type)) return true;
    if ((attribute(element, 'TargetMode') ?? '').toLowerCase() === 'external' && !/\/hyperlink$/i.test(type)) return true;
  }
  for (const [element] of xml.matchAll(OVERRIDE)) {
    if (EXTERNAL_CONTENT_TYPE.test(attribute(element, 'ContentType') ?? '')) return true;
  }
  return false;
}

/** An attribute's value with XML character references resolved, so `&#69;xternal` is read as Excel reads it. */
function attribute(element: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(element);
  if (!match) return undefined;
  return (match[1] ?? match[2])
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => character(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => character(Number(dec)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

/** A reference past the last code point is no character (and must not throw out of the inspection). */
const character = (code: number) => (code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD');

function readCentralDirectory(bytes: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(bytes);
  let count = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === U32_MAX || offset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw new BrokenZip();
    const zip64 = Number(bytes.readBigUInt64LE(locator + 8));
    if (bytes.readUInt32LE(zip64) !== ZIP64_EOCD_SIGNATURE) throw new BrokenZip();
    count = Number(bytes.readBigUInt64LE(zip64 + 32));
    size = Number(bytes.readBigUInt64LE(zip64 + 40));
    offset = Number(bytes.readBigUInt64LE(zip64 + 48));
  }
  if (count > MAX_ENTRIES || offset + size > bytes.length) throw new BrokenZip();

  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new BrokenZip();
    const flags = bytes.readUInt16LE(p + 8);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const entry: ZipEntry = {
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
  throw new BrokenZip();
}

/** Sizes that do not fit 32 bits sit in the zip64 extra field, in this order, only when marked 0xffffffff. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
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

/** The entry's inflated bytes, or why it may not be opened. */
function verifyEntry(bytes: Buffer, entry: ZipEntry): { data: Buffer } | { problem: FieldProblem } {
  const damaged = { problem: unreadable('The workbook is damaged and cannot be opened') };
  const p = entry.localHeaderOffset;
  if (p + 30 > bytes.length || bytes.readUInt32LE(p) !== LOCAL_SIGNATURE) return damaged;
  const start = p + 30 + bytes.readUInt16LE(p + 26) + bytes.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) return damaged;
  if (entry.method === 0) return entry.compressedSize === entry.uncompressedSize ? { data: bytes.subarray(start, end) } : damaged;
  if (entry.method !== 8) return { problem: unreadable('The workbook uses a compression method that cannot be read') };
  try {
    // One byte of headroom tells "inflates to more than declared" (a lie, refused) from "exactly as declared".
    const inflated = inflateRawSync(bytes.subarray(start, end), { maxOutputLength: entry.uncompressedSize + 1 });
    return inflated.length === entry.uncompressedSize ? { data: inflated } : damaged;
  } catch (error) {
    if (isRangeError(error)) return { problem: zipBomb() };
    return damaged;
  }
}
