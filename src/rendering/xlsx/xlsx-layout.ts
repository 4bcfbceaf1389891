import ExcelJS from 'exceljs';
import type { MemberField } from '../../members/member-fields.js';
import { COLUMN_LABELS, formatDate, type ContactListDocument } from '../contact-list.js';

export const SHEET_NAME = 'Kontaktliste';
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

/**
 * Markers the template step replaces per recipient: the frozen first row (the watermark on
 * screen), the sheet's print header and the document subject.
 */
export interface XlsxMarkers {
  banner: string;
  header: string;
  subject: string;
}

/** Rows above the members: the recipient's watermark, then the column labels. */
export const HEADER_ROW = 2;

/** Header/footer text is a small language of its own: a literal "&" is written "&&". */
export const headerFooterText = (text: string) => text.replace(/&/g, '&&');

function columnWidth(field: MemberField, rows: ContactListDocument['rows']): number {
  let widest = COLUMN_LABELS[field].length;
  for (const row of rows) {
    const value = row[field];
    if (value) widest = Math.max(widest, ...value.split('\n').map((line) => line.length));
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
}

/**
 * Lays out the whole edition once as a workbook. Every value is written as a plain string in a
 * text-formatted cell: exceljs only writes a formula for a `{ formula }` value, so an imported
 * "=HYPERLINK(...)" stays inert text.
 */
export async function layoutXlsx(doc: ContactListDocument, markers: XlsxMarkers): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'listebud';
  workbook.lastModifiedBy = 'listebud';
  workbook.title = doc.title;
  workbook.subject = markers.subject;
  workbook.keywords = `edition ${doc.editionId}`;
  workbook.created = doc.publishedAt;
  workbook.modified = doc.publishedAt;

  const first = `A${HEADER_ROW + 1}`;
  const sheet = workbook.addWorksheet(SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0, topLeftCell: first, activeCell: first }],
    pageSetup: {
      paperSize: 9,
      orientation: doc.columns.length > 4 ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      // Printed pages repeat the column labels; the watermark is in every page's header already.
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: {
      oddHeader: `&L&8${markers.header}`,
      oddFooter: `&L&8${headerFooterText(doc.title)}, ${formatDate(doc.publishedAt, doc.timeZone)}&R&8Side &P af &N`,
    },
  });
  sheet.columns = doc.columns.map((field) => ({ key: field, width: columnWidth(field, doc.rows), style: { numFmt: '@' } }));
  // The watermark stays in view while scrolling: the first row is frozen with the labels. Its text
  // runs on over the empty cells beside it.
  const banner = sheet.addRow([markers.banner]);
  banner.font = { bold: true, color: { argb: 'FF8C1A1A' } };
  sheet.addRow(doc.columns.map((field) => COLUMN_LABELS[field])).font = { bold: true };
  for (const row of doc.rows) {
    const values: string[] = doc.columns.map((field) => row[field] ?? '');
    sheet.addRow(values);
  }
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: doc.rows.length + HEADER_ROW, column: doc.columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
