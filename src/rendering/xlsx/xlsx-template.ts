import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { crc32Of, storedEntry, writeZip, type ZipEntry } from '../../common/zip/zip-writer.js';
import { entryBytes, readZip } from '../../common/zip/zip-reader.js';
import { watermarkText, type ContactListDocument, type StampedFile, type Watermark } from '../contact-list.js';
import { headerFooterText, layoutXlsx } from './xlsx-layout.js';

const SHEET_PART = 'xl/worksheets/sheet1.xml';
const CORE_PART = 'docProps/core.xml';
/** Excel refuses header sections longer than 255 characters; names are cut well before that. */
const MAX_NAME_LENGTH = 80;

/** A part of the workbook split around the marker that each recipient's copy replaces. */
interface SplitPart {
  before: Buffer;
  after: Buffer;
}

/**
 * The edition's workbook laid out once. Every part that does not carry the watermark is kept
 * compressed as is; the sheet's XML before the header is compressed once with a sync flush, so a
 * copy only compresses the last few hundred bytes. The bytes up to there are hashed once too.
 */
export interface PreparedXlsx {
  timeZone: string;
  modifiedAt: Date;
  fixedEntries: ZipEntry[];
  sheetPrefix: Buffer;
  sheetPrefixCrc: number;
  sheetPrefixSize: number;
  sheetSuffix: Buffer;
  core: SplitPart;
  /** Archive bytes up to and including the compressed sheet prefix, with their CRC and hash. */
  archivePrefix: Buffer;
  archivePrefixCrc: number;
  archivePrefixHash: Hash;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function split(xml: Buffer, marker: string, part: string): SplitPart {
  const at = xml.indexOf(marker);
  if (at < 0 || xml.indexOf(marker, at + 1) >= 0) throw new Error(`watermark marker not found exactly once in ${part}`);
  return { before: xml.subarray(0, at), after: xml.subarray(at + marker.length) };
}

function sheetEntry(prepared: Pick<PreparedXlsx, 'sheetPrefix' | 'sheetPrefixCrc' | 'sheetPrefixSize'>, tail: Buffer): ZipEntry {
  const compressedTail = deflateRawSync(tail);
  return {
    name: SHEET_PART,
    chunks: [prepared.sheetPrefix, compressedTail],
    method: 'deflate',
    crc32: crc32(tail, prepared.sheetPrefixCrc),
    size: prepared.sheetPrefixSize + tail.length,
    descriptor: true,
  };
}

export async function prepareXlsx(doc: ContactListDocument): Promise<PreparedXlsx> {
  const token = randomBytes(12).toString('hex');
  const markers = { header: `WATERMARK${token}`, subject: `BUNDLE${token}` };
  const workbook = await layoutXlsx(doc, markers);
  const fixedEntries: ZipEntry[] = [];
  let sheet: SplitPart | undefined;
  let core: SplitPart | undefined;
  for (const entry of readZip(workbook)) {
    if (entry.name === SHEET_PART) sheet = split(entryBytes(entry), markers.header, SHEET_PART);
    else if (entry.name === CORE_PART) core = split(entryBytes(entry), markers.subject, CORE_PART);
    else if (!entry.name.endsWith('/')) {
      fixedEntries.push({ name: entry.name, chunks: [entry.raw], method: entry.method === 8 ? 'deflate' : 'store', crc32: entry.crc32, size: entry.size });
    }
  }
  if (!sheet || !core) throw new Error('the workbook lacks its sheet or core properties');
  const sheetPrefix = deflateRawSync(sheet.before, { finishFlush: constants.Z_SYNC_FLUSH });
  const base = { sheetPrefix, sheetPrefixCrc: crc32(sheet.before), sheetPrefixSize: sheet.before.length };
  const modifiedAt = doc.publishedAt;
  const layout = writeZip([...fixedEntries, sheetEntry(base, Buffer.alloc(0))], modifiedAt);
  const prefixChunks = layout.slice(0, layout.indexOf(sheetPrefix) + 1);
  const archivePrefix = Buffer.concat(prefixChunks);
  return {
    timeZone: doc.timeZone,
    modifiedAt,
    fixedEntries,
    ...base,
    sheetSuffix: sheet.after,
    core,
    archivePrefix,
    archivePrefixCrc: crc32(archivePrefix),
    archivePrefixHash: createHash('sha256').update(archivePrefix),
  };
}

/** One recipient's workbook: header watermark on the sheet, bundle id as the document subject. */
export function stampXlsx(prepared: PreparedXlsx, watermark: Watermark): StampedFile {
  const text = watermarkText({ ...watermark, recipientName: watermark.recipientName.slice(0, MAX_NAME_LENGTH) }, prepared.timeZone);
  const sheetTail = Buffer.concat([Buffer.from(xmlEscape(headerFooterText(text)), 'utf8'), prepared.sheetSuffix]);
  const coreXml = Buffer.concat([prepared.core.before, Buffer.from(xmlEscape(watermark.bundleId), 'utf8'), prepared.core.after]);
  const sheet = sheetEntry(prepared, sheetTail);
  const chunks = writeZip([...prepared.fixedEntries, sheet, storedEntry(CORE_PART, [coreXml])], prepared.modifiedAt);
  const tail = chunks.slice(chunks.indexOf(prepared.sheetPrefix) + 1);
  const hash = prepared.archivePrefixHash.copy();
  for (const chunk of tail) hash.update(chunk);
  const all = [prepared.archivePrefix, ...tail];
  return {
    chunks: all,
    bytes: all.reduce((n, c) => n + c.length, 0),
    crc32: crc32Of(tail, prepared.archivePrefixCrc),
    sha256: hash.digest('hex'),
  };
}
