import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { watermarkText, type ContactListDocument, type StampedFile, type Watermark } from '../contact-list.js';
import { layoutPdf, WATERMARK_BASELINE_FROM_TOP, WATERMARK_SIZE, type PdfLayout } from './pdf-layout.js';
import { streamObject, xrefOffsetEntry, xrefStream } from './pdf-object-streams.js';

/**
 * The edition's PDF laid out once. A recipient's copy is the same bytes plus a small incremental
 * update (PDF 1.7, 7.5.6) that replaces the shared, empty watermark stream every page draws and the
 * document information (with the bundle id). Nothing before the update changes, so its CRC and
 * SHA-256 are computed once and continued per copy.
 */
export interface PreparedPdf {
  document: ContactListDocument;
  layout: PdfLayout;
  baseCrc: number;
  baseHash: Hash;
}

export async function preparePdf(document: ContactListDocument): Promise<PreparedPdf> {
  const layout = await layoutPdf(document);
  return { document, layout, baseCrc: crc32(layout.bytes), baseHash: createHash('sha256').update(layout.bytes) };
}

/** A PDF text string as UTF-16BE with byte order mark, in hex: safe for any name or title. */
const pdfText = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
const pdfDate = (at: Date) => `(D:${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)`;

function encode(prepared: PreparedPdf, text: string): { hex: string; width: number } | null {
  let hex = '';
  let width = 0;
  for (const ch of text) {
    const glyph = prepared.layout.glyphs.get(ch);
    if (!glyph) return null;
    hex += glyph.hex;
    width += glyph.width;
  }
  return { hex, width };
}

function watermarkStream(prepared: PreparedPdf, glyphs: { hex: string; width: number }): string {
  const { pageWidth, pageHeight, leftMargin, fontResource } = prepared.layout;
  const available = pageWidth - 2 * leftMargin;
  const size = Math.min(WATERMARK_SIZE, (available * 1000) / Math.max(glyphs.width, 1));
  // pdfkit leaves every page's coordinate system flipped (origin top left); flipping again restores
  // PDF's own, whatever the page's stream did before. It is an artifact of the tagged PDF: a screen
  // reader skips it on every page (the document information carries the bundle id).
  return [
    '/Artifact << /Type /Pagination /Subtype /Watermark >> BDC',
    'q',
    `1 0 0 -1 0 ${pageHeight} cm`,
    'BT',
    '0 Tc 0 Tw 100 Tz 0 Ts 0 Tr',
    '0.55 0.1 0.1 rg',
    `/${fontResource} ${size.toFixed(2)} Tf`,
    `1 0 0 1 ${leftMargin} ${(pageHeight - WATERMARK_BASELINE_FROM_TOP).toFixed(2)} Tm`,
    `<${glyphs.hex}> Tj`,
    'ET',
    'Q',
    'EMC',
  ].join('\n');
}

/** The document information of one copy: the bundle id as subject, as leak tracing reads it. */
function infoDictionary(doc: ContactListDocument, watermark: Watermark): string {
  const keywords = pdfText(`bundle ${watermark.bundleId} edition ${doc.editionId}`);
  const dates = `/CreationDate ${pdfDate(doc.publishedAt)} /ModDate ${pdfDate(watermark.issuedAt)}`;
  const names = `/Title ${pdfText(doc.title)} /Subject ${pdfText(watermark.bundleId)} /Keywords ${keywords}`;
  return `<< ${names} /Creator (listebud) /Producer (listebud) ${dates} >>`;
}

/** One recipient's PDF. */
export async function stampPdf(prepared: PreparedPdf, watermark: Watermark): Promise<StampedFile> {
  const text = watermarkText(watermark, prepared.document.timeZone);
  const glyphs = encode(prepared, text);
  if (!glyphs) {
    // A name whose letters were not known when the edition was laid out: lay it out again with it.
    const again = await preparePdf({ ...prepared.document, recipientNames: [...prepared.document.recipientNames, watermark.recipientName] });
    return stampPdf(again, watermark);
  }
  const { layout } = prepared;
  const { trailer } = layout;
  const base = layout.bytes.length;
  const doc = prepared.document;
  const content = watermarkStream(prepared, glyphs);
  const objects: [number, Buffer][] = [
    [layout.watermarkObject, streamObject(layout.watermarkObject, '', Buffer.from(content, 'latin1'))],
    [trailer.infoObject, Buffer.from(`${trailer.infoObject} 0 obj\n${infoDictionary(doc, watermark)}\nendobj\n`, 'latin1')],
  ];
  objects.sort((a, b) => a[0] - b[0]);
  // The base file ends in a cross-reference stream, so the update's cross-reference is one too.
  const parts: Buffer[] = [Buffer.from('\n', 'latin1')];
  let offset = base + 1;
  const entries: [number, Buffer][] = [];
  for (const [id, bytes] of objects) {
    entries.push([id, xrefOffsetEntry(offset)]);
    parts.push(bytes);
    offset += bytes.length;
  }
  const xrefId = trailer.size;
  entries.push([xrefId, xrefOffsetEntry(offset)]);
  const trailerEntries = `/Size ${xrefId + 1} /Root ${trailer.rootObject} 0 R /Info ${trailer.infoObject} 0 R /ID [${trailer.fileId}]`;
  parts.push(xrefStream(xrefId, entries, `${trailerEntries} /Prev ${trailer.previousXref}`, false));
  parts.push(Buffer.from(`startxref\n${offset}\n%%EOF\n`, 'latin1'));
  const appendix = Buffer.concat(parts);
  return {
    chunks: [layout.bytes, appendix],
    bytes: base + appendix.length,
    crc32: crc32(appendix, prepared.baseCrc),
    sha256: prepared.baseHash.copy().update(appendix).digest('hex'),
  };
}
