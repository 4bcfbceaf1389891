import ExcelJS from 'exceljs';
import type { MemberField } from '../../members/member-fields.js';
import { COLUMN_LABELS, formatDate, type ContactListDocument } from '../contact-list.js';

export const SHEET_NAME = 'Kontaktliste';
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

/** Markers the template step replaces per recipient: in the sheet header and the document subject. */
export interface XlsxMarkers {
  header: string;
  subject: string;
}

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

  const sheet = workbook.addWorksheet(SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, topLeftCell: 'A2', activeCell: 'A2' }],
    pageSetup: { paperSize: 9, orientation: doc.columns.length > 4 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: {
      oddHeader: `&L&8${markers.header}`,
      oddFooter: `&L&8${headerFooterText(doc.title)}, ${formatDate(doc.publishedAt, doc.timeZone)}&R&8Side &P af &N`,
    },
  });
  sheet.columns = doc.columns.map((field) => ({
    header: COLUMN_LABELS[field],
    key: field,
    width: columnWidth(field, doc.rows),
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of doc.rows) {
    const values: string[] = doc.columns.map((field) => row[field] ?? '');
    sheet.addRow(values);
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: doc.rows.length + 1, column: doc.columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
