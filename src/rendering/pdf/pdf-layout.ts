import PDFDocument from 'pdfkit';
import type { MemberField } from '../../members/member-fields.js';
import { COLUMN_LABELS, formatDate, watermarkAlphabet, type ContactListDocument } from '../contact-list.js';
import { contactListFonts } from './pdf-fonts.js';
import { packStructure, type PdfTrailer } from './pdf-object-streams.js';

const MARGIN = { top: 54, bottom: 46, left: 36, right: 36 };
const BODY_SIZE = 8;
const PAD = 3;
/** Where the per-recipient watermark line sits: inside the top margin of every page. */
export const WATERMARK_BASELINE_FROM_TOP = 28;
export const WATERMARK_SIZE = 8;
/** Column header cells; pdfkit writes the scope attribute, its type declarations lack it. */
const TH_OPTIONS = { scope: 'Column' } as PDFKit.Mixins.StructureElementOptions;

/** The parts of pdfkit's object model the template step needs; pdfkit does not type them. */
interface PdfRef {
  id: number;
  data: Record<string, unknown>;
  end(chunk?: string | Buffer): void;
}
interface PdfFont {
  id: string;
  encode(text: string): [string[], unknown[]];
  widthOfString(text: string, size: number): number;
  ref(): PdfRef;
}
interface PdfPage {
  dictionary: PdfRef;
  content: PdfRef;
  fonts: Record<string, PdfRef>;
}
interface PdfInternals {
  _font: PdfFont;
  _pageBuffer: PdfPage[];
  ref(data?: Record<string, unknown>): PdfRef;
}

/** A glyph of the watermark font: its subset glyph id (hex, Identity-H) and advance (1/1000 em). */
export interface WatermarkGlyph {
  hex: string;
  width: number;
}

export interface PdfLayout {
  bytes: Buffer;
  pageWidth: number;
  pageHeight: number;
  leftMargin: number;
  /** The empty content stream every page draws last; each copy replaces it with its watermark. */
  watermarkObject: number;
  trailer: PdfTrailer;
  fontResource: string;
  glyphs: Map<string, WatermarkGlyph>;
}

function columnWeights(columns: readonly MemberField[], rows: ContactListDocument['rows']): number[] {
  return columns.map((field) => {
    let total = COLUMN_LABELS[field].length;
    let widest = total;
    for (const row of rows) {
      const length = row[field]?.length ?? 0;
      total += length;
      if (length > widest) widest = length;
    }
    // Mean length drives the share; very long outliers wrap instead of starving other columns.
    const mean = total / (rows.length + 1);
    return Math.max(6, Math.min(widest, mean * 1.6 + 2));
  });
}

/** Narrower than this, a column cannot hold a word (and pdfkit's line wrapper never ends). */
const MIN_COLUMN_WIDTH = 44;

/**
 * Widths in proportion to the weights, but none below MIN_COLUMN_WIDTH: a very long "about me"
 * must not squeeze the name column to nothing. Columns at the floor are fixed and the rest share
 * what is left, until no column falls below it.
 */
export function columnWidths(weights: readonly number[], total: number): number[] {
  const floor = Math.min(MIN_COLUMN_WIDTH, total / weights.length);
  const fixed = new Set<number>();
  for (;;) {
    const free = weights.reduce((sum, w, i) => (fixed.has(i) ? sum : sum + w), 0);
    const room = total - fixed.size * floor;
    const widths = weights.map((w, i) => (fixed.has(i) ? floor : (w / free) * room));
    const below = widths.findIndex((w, i) => !fixed.has(i) && w < floor);
    if (below < 0) return widths;
    fixed.add(below);
  }
}

/**
 * Lays out the whole edition once: title, date, a table with a repeated header row, page breaks
 * and "Side n af m". Recipient watermarks are added later by an incremental update, so the glyphs
 * they can use are put into the embedded font subset here.
 *
 * The PDF is tagged (PDF/UA's model) so a screen reader gets the reading order and one table:
 * a header row of TH cells, then a TR of TD cells per member. What only repeats on every page
 * (the header row after the first page, stripes, the page footer, the watermark) is an artifact.
 */
export async function layoutPdf(doc: ContactListDocument): Promise<PdfLayout> {
  const fonts = contactListFonts();
  const landscape = doc.columns.length > 4;
  const date = formatDate(doc.publishedAt, doc.timeZone);
  const pdf = new PDFDocument({
    size: 'A4',
    layout: landscape ? 'landscape' : 'portrait',
    margins: MARGIN,
    bufferPages: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'da',
    displayTitle: true,
    info: { Title: doc.title, Creator: 'listebud', Producer: 'listebud', CreationDate: doc.publishedAt },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });
  pdf.registerFont('body', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  const internals = pdf as unknown as PdfInternals;
  const artifact = (type: 'Pagination' | 'Layout', draw: () => void) => {
    pdf.markContent('Artifact', { type });
    draw();
    pdf.endMarkedContent();
  };

  const width = pdf.page.width - MARGIN.left - MARGIN.right;
  const widths = columnWidths(columnWeights(doc.columns, doc.rows), width);
  const xs = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const lineHeight = pdf.font('body').fontSize(BODY_SIZE).currentLineHeight(true);

  const root = pdf.struct('Document');
  pdf.addStructure(root);
  root.add(pdf.struct('H1', {}, () => pdf.font('bold').fontSize(16).text(doc.title, MARGIN.left, MARGIN.top, { width })));
  const summary = `Udgivet ${date}. ${doc.rows.length} medlemmer.`;
  root.add(pdf.struct('P', {}, () => pdf.font('body').fontSize(9).fillColor('#444444').text(summary, { width })));
  pdf.moveDown(0.8);
  let y = pdf.y;
  const table = pdf.struct('Table');
  root.add(table);

  const headerRow = (first: boolean) => {
    const height = lineHeight + 2 * PAD;
    artifact('Layout', () => pdf.rect(MARGIN.left, y, width, height).fill('#dde3ea'));
    pdf.font('bold').fontSize(BODY_SIZE).fillColor('#000000');
    const label = (field: MemberField, i: number) => () =>
      pdf.text(COLUMN_LABELS[field], xs[i] + PAD, y + PAD, { width: widths[i] - 2 * PAD, lineBreak: false });
    if (first) {
      const tr = pdf.struct('TR');
      table.add(tr);
      doc.columns.forEach((field, i) => tr.add(pdf.struct('TH', TH_OPTIONS, label(field, i))));
      tr.end();
    } else {
      artifact('Pagination', () => doc.columns.forEach((field, i) => label(field, i)()));
    }
    y += height;
    pdf.font('body').fontSize(BODY_SIZE);
  };
  headerRow(true);

  const bottom = pdf.page.height - MARGIN.bottom;
  // A row never grows past one page (below the repeated header): a longer "about me" ends in an
  // ellipsis here (the XLSX holds it whole). A taller row made pdfkit add pages without end.
  const maxLines = Math.floor((bottom - MARGIN.top - (lineHeight + 2 * PAD) - 2 * PAD) / lineHeight);
  doc.rows.forEach((row, index) => {
    const cells = doc.columns.map((field) => row[field] ?? '');
    let lines = 1;
    const fits = cells.map((value, i) => !value.includes('\n') && pdf.widthOfString(value) <= widths[i] - 2 * PAD);
    cells.forEach((value, i) => {
      if (!fits[i]) lines = Math.max(lines, Math.ceil(pdf.heightOfString(value, { width: widths[i] - 2 * PAD }) / lineHeight));
    });
    lines = Math.min(lines, maxLines);
    const height = lines * lineHeight + 2 * PAD;
    if (y + height > bottom) {
      pdf.addPage();
      y = MARGIN.top;
      headerRow(false);
    }
    if (index % 2 === 1) artifact('Layout', () => pdf.rect(MARGIN.left, y, width, height).fill('#f3f5f7'));
    pdf.fillColor('#000000');
    const tr = pdf.struct('TR');
    table.add(tr);
    cells.forEach((value, i) => {
      // An empty cell is still a TD, so a screen reader keeps the columns in step.
      if (!value) return tr.add(pdf.struct('TD'));
      // A value known to fit on one line skips pdfkit's line wrapper, the costly part of text().
      const draw = fits[i]
        ? () => pdf.text(value, xs[i] + PAD, y + PAD, { lineBreak: false })
        : () => pdf.text(value, xs[i] + PAD, y + PAD, { width: widths[i] - 2 * PAD, height: height - 2 * PAD, ellipsis: true });
      tr.add(pdf.struct('TD', {}, draw));
    });
    tr.end();
    y += height;
  });
  table.end();
  root.end();

  // Glyphs for every watermark this edition can carry go into the font subset now.
  pdf.font('body');
  const font = internals._font;
  const glyphs = new Map<string, WatermarkGlyph>();
  for (const ch of watermarkAlphabet(doc.recipientNames, doc.timeZone)) {
    const [hex] = font.encode(ch);
    glyphs.set(ch, { hex: hex.join(''), width: font.widthOfString(ch, 1000) });
  }

  const watermark = internals.ref({});
  watermark.end(' ');
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const page = internals._pageBuffer[i - range.start];
    page.fonts[font.id] = font.ref();
    page.dictionary.data.Contents = [page.content, watermark];
    // Writing inside the bottom margin must not start a new page.
    const margin = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    artifact('Pagination', () => {
      pdf.font('body').fontSize(7).fillColor('#555555');
      pdf.text(`${doc.title}, ${date}`, MARGIN.left, pdf.page.height - 30, { width: width / 2, lineBreak: false });
      const pageNumber = `Side ${i + 1} af ${range.count}`;
      pdf.text(pageNumber, MARGIN.left + width / 2, pdf.page.height - 30, { width: width / 2, align: 'right', lineBreak: false });
    });
    pdf.page.margins.bottom = margin;
  }
  const pageWidth = pdf.page.width;
  const pageHeight = pdf.page.height;
  pdf.end();
  await finished;
  const { bytes, trailer } = packStructure(Buffer.concat(chunks));
  return {
    bytes,
    pageWidth,
    pageHeight,
    leftMargin: MARGIN.left,
    watermarkObject: watermark.id,
    trailer,
    fontResource: font.id,
    glyphs,
  };
}
