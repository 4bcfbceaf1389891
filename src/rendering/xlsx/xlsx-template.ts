import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { crc32Of, storedEntry, writeZip, type ZipEntry } from '../../common/zip/zip-writer.js';
import { entryBytes, readZip } from '../../common/zip/zip-reader.js';
import { bannerText, watermarkText, type ContactListDocument, type StampedFile, type Watermark } from '../contact-list.js';
import { crc32Appender } from './crc32-shift.js';
import { headerFooterText, layoutXlsx } from './xlsx-layout.js';

const SHEET_PART = 'xl/worksheets/sheet1.xml';
const STRINGS_PART = 'xl/sharedStrings.xml';
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
 * compressed as is. The sheet's XML before the print header is compressed once with a sync flush,
 * so a copy only compresses the last few hundred bytes; the bytes up to there are hashed once too.
 * The frozen first row's text is the first shared string: the strings after it are compressed
 * once as a DEFLATE run of their own, with their CRC, and a copy compresses only its own text.
 */
export interface PreparedXlsx {
  timeZone: string;
  modifiedAt: Date;
  fixedEntries: ZipEntry[];
  sheetPrefix: Buffer;
  sheetPrefixCrc: number;
  sheetPrefixSize: number;
  sheetSuffix: Buffer;
  strings: {
    head: Buffer;
    headCrc: number;
    headSize: number;
    /** The shared strings after the first row's text, compressed, and how to continue a CRC over them. */
    body: Buffer;
    bodySize: number;
    appendBodyCrc: (crc: number) => number;
  };
  core: SplitPart;
  /** Archive bytes up to and including the compressed sheet prefix, with their CRC and hash. */
  archivePrefix: Buffer;
  archivePrefixCrc: number;
  archivePrefixHash: Hash;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A DEFLATE run that ends byte-aligned and not final, so another run can follow it. */
const deflateRun = (data: Buffer) => deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH });

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

function stringsEntry(strings: PreparedXlsx['strings'], banner: Buffer): ZipEntry {
  return {
    name: STRINGS_PART,
    chunks: [strings.head, deflateRun(banner), strings.body],
    method: 'deflate',
    crc32: strings.appendBodyCrc(crc32(banner, strings.headCrc)),
    size: strings.headSize + banner.length + strings.bodySize,
  };
}

export async function prepareXlsx(doc: ContactListDocument): Promise<PreparedXlsx> {
  const token = randomBytes(12).toString('hex');
  const markers = { banner: `BANNER${token}`, header: `WATERMARK${token}`, subject: `BUNDLE${token}` };
  const workbook = await layoutXlsx(doc, markers);
  const fixedEntries: ZipEntry[] = [];
  let sheet: SplitPart | undefined;
  let strings: SplitPart | undefined;
  let core: SplitPart | undefined;
  for (const entry of readZip(workbook)) {
    if (entry.name === SHEET_PART) sheet = split(entryBytes(entry), markers.header, SHEET_PART);
    else if (entry.name === STRINGS_PART) strings = split(entryBytes(entry), markers.banner, STRINGS_PART);
    else if (entry.name === CORE_PART) core = split(entryBytes(entry), markers.subject, CORE_PART);
    else if (!entry.name.endsWith('/')) {
      fixedEntries.push({ name: entry.name, chunks: [entry.raw], method: entry.method === 8 ? 'deflate' : 'store', crc32: entry.crc32, size: entry.size });
    }
  }
  if (!sheet || !strings || !core) throw new Error('the workbook lacks its sheet, shared strings or core properties');
  const sheetPrefix = deflateRun(sheet.before);
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
    strings: {
      head: deflateRun(strings.before),
      headCrc: crc32(strings.before),
      headSize: strings.before.length,
      body: deflateRawSync(strings.after),
      bodySize: strings.after.length,
      appendBodyCrc: crc32Appender(crc32(strings.after), strings.after.length),
    },
    core,
    archivePrefix,
    archivePrefixCrc: crc32(archivePrefix),
    archivePrefixHash: createHash('sha256').update(archivePrefix),
  };
}

/**
 * One recipient's workbook: "Fortroligt — udleveret til …" in the frozen first row, the traceable
 * watermark (with the bundle id) in the print header, and the bundle id as the document subject.
 */
export function stampXlsx(prepared: PreparedXlsx, watermark: Watermark): StampedFile {
  const short = { ...watermark, recipientName: watermark.recipientName.slice(0, MAX_NAME_LENGTH) };
  const header = Buffer.from(xmlEscape(headerFooterText(watermarkText(short, prepared.timeZone))), 'utf8');
  const banner = Buffer.from(xmlEscape(bannerText(short, prepared.timeZone)), 'utf8');
  const coreXml = Buffer.concat([prepared.core.before, Buffer.from(xmlEscape(watermark.bundleId), 'utf8'), prepared.core.after]);
  const sheet = sheetEntry(prepared, Buffer.concat([header, prepared.sheetSuffix]));
  const entries = [...prepared.fixedEntries, sheet, stringsEntry(prepared.strings, banner), storedEntry(CORE_PART, [coreXml])];
  const chunks = writeZip(entries, prepared.modifiedAt);
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
