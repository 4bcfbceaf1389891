import {
  checkedEntries,
  checkedEntryBytes,
  isZipFile,
  ZipRefused,
  type CheckedZipEntry,
  type ZipRefusal,
} from '../../common/zip/checked-zip.js';
import type { FieldProblem } from '../../common/domain-error.js';
import { unreadable } from './sheet.js';

/**
 * What a workbook may unpack to in all. exceljs holds the whole workbook in memory, ~15 times its
 * unpacked XML (a 37 MB sheet took 540 MB), so this is the bound on one import's memory: 32 MB covers
 * a 100,000-row member list with room to spare and keeps the peak near half a gigabyte.
 */
export const MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024;
export const MAX_COMPRESSION_RATIO = 200;
const MAX_ENTRIES = 10_000;
const LIMITS = { maxUnpackedBytes: MAX_UNCOMPRESSED_BYTES, maxRatio: MAX_COMPRESSION_RATIO, maxEntries: MAX_ENTRIES };

export const isZip = isZipFile;

const zipBomb = (): FieldProblem => ({
  code: 'ZIP_BOMB',
  message: 'The workbook is packed far more tightly than a real one (a zip bomb); it was not opened',
});

const tooLarge = (): FieldProblem => ({
  code: 'WORKBOOK_TOO_LARGE',
  message: `The workbook unpacks to more than ${MAX_UNCOMPRESSED_BYTES / 1024 / 1024} MB; split it into smaller files or save it as CSV`,
});

function refusal(reason: ZipRefusal): FieldProblem {
  switch (reason) {
    case 'bomb':
      return zipBomb();
    case 'too_large':
      return tooLarge();
    case 'encrypted':
      return unreadable('The workbook is encrypted; save it without a password');
    case 'method':
      return unreadable('The workbook uses a compression method that cannot be read');
    case 'damaged':
      return unreadable('The workbook is damaged and cannot be opened');
  }
}

/**
 * Reads the central directory before the workbook goes near exceljs (whose zip reader inflates whatever
 * it is given), refusing a zip bomb, a workbook too large to read, one that links to other files, and a
 * broken or encrypted zip, through the hardened reader every outside file goes through (checked-zip.ts).
 * Returns null when the workbook may be opened.
 */
export function inspectZip(bytes: Buffer): FieldProblem | null {
  let entries: CheckedZipEntry[];
  try {
    entries = checkedEntries(bytes, LIMITS);
  } catch (error) {
    if (error instanceof ZipRefused) return refusal(error.reason);
    throw error;
  }
  if (entries.some((e) => isExternalPart(e.name))) return externalLinks();
  if (entries.some((e) => e.encrypted)) return refusal('encrypted');
  for (const entry of entries) {
    let data: Buffer;
    try {
      data = checkedEntryBytes(bytes, entry);
    } catch (error) {
      if (error instanceof ZipRefused) return refusal(error.reason);
      throw error;
    }
    if (isPackageMap(entry.name) && refersOutside(data.toString('utf8'))) return externalLinks();
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
