import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { watermarkText, type ContactListDocument, type StampedFile, type Watermark } from '../contact-list.js';
import { layoutPdf, WATERMARK_BASELINE_FROM_TOP, WATERMARK_SIZE, type PdfLayout } from './pdf-layout.js';

/**
 * The edition's PDF laid out once. A recipient's copy is the same bytes plus a small incremental
 * update (PDF 1.4, section 3.4.5) that replaces the shared, empty watermark stream every page draws
 * and the document information (with the bundle id). Nothing before the update changes, so its
 * CRC and SHA-256 are computed once and continued per copy.
 */
export interface PreparedPdf {
  document: ContactListDocument;
  layout: PdfLayout;
  baseCrc: number;
  baseHash: Hash;
  previousXref: number;
  size: number;
  fileId: string;
}

function trailerFacts(bytes: Buffer): { previousXref: number; size: number; fileId: string } {
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  const size = /\/Size (\d+)/.exec(tail);
  const id = /\/ID \[(<[0-9a-fA-F]+> <[0-9a-fA-F]+>)\]/.exec(tail);
  if (!startxref || !size || !id) throw new Error('unexpected PDF trailer');
  return { previousXref: Number(startxref[1]), size: Number(size[1]), fileId: id[1] };
}

export async function preparePdf(document: ContactListDocument): Promise<PreparedPdf> {
  const layout = await layoutPdf(document);
  return {
    document,
    layout,
    baseCrc: crc32(layout.bytes),
    baseHash: createHash('sha256').update(layout.bytes),
    ...trailerFacts(layout.bytes),
  };
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
  // PDF's own, whatever the page's stream did before.
  return [
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
  ].join('\n');
}

function xrefEntry(offset: number): string {
  return `${String(offset).padStart(10, '0')} 00000 n \n`;
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
  const base = layout.bytes.length;
  const content = watermarkStream(prepared, glyphs);
  let update = '\n';
  const offsets = new Map<number, number>();
  offsets.set(layout.watermarkObject, base + update.length);
  update += `${layout.watermarkObject} 0 obj\n<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream\nendobj\n`;
  offsets.set(layout.infoObject, base + update.length);
  const doc = prepared.document;
  update += `${layout.infoObject} 0 obj\n<< /Title ${pdfText(doc.title)} /Subject ${pdfText(watermark.bundleId)} /Keywords ${pdfText(`bundle ${watermark.bundleId} edition ${doc.editionId}`)} /Creator (listebud) /Producer (listebud) /CreationDate ${pdfDate(doc.publishedAt)} /ModDate ${pdfDate(watermark.issuedAt)} >>\nendobj\n`;
  const xrefAt = base + update.length;
  update += 'xref\n';
  for (const [id, offset] of [...offsets].sort((a, b) => a[0] - b[0])) update += `${id} 1\n${xrefEntry(offset)}`;
  update += `trailer\n<< /Size ${prepared.size} /Root ${layout.rootObject} 0 R /Info ${layout.infoObject} 0 R /ID [${prepared.fileId}] /Prev ${prepared.previousXref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const appendix = Buffer.from(update, 'latin1');
  return {
    chunks: [layout.bytes, appendix],
    bytes: base + appendix.length,
    crc32: crc32(appendix, prepared.baseCrc),
    sha256: prepared.baseHash.copy().update(appendix).digest('hex'),
  };
}
