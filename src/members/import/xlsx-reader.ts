import ExcelJS from 'exceljs';
import type { FieldProblem } from '../../common/domain-error.js';
import { containsCprNumber } from './cpr.js';
import { isBlank, MAX_DATA_ROWS, tooManyRows, unreadable, type SheetReadResult, type SheetRow } from './sheet.js';

const { ValueType } = ExcelJS;

/**
 * The first visible worksheet's non-empty rows as text. The caller must have run inspectZip on the bytes
 * first. A hidden worksheet is passed over, and a hidden row or column that holds anything is reported:
 * the import must hold what the coordinator saw, not the members an autofilter or "Hide" kept out of
 * sight (those are often exactly the people who did not agree to be listed).
 */
export async function readXlsx(bytes: Buffer): Promise<SheetReadResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own global `Buffer` interface, which Node's generic Buffer does not satisfy.
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    return { rows: [], problems: [unreadable('The file could not be read as an Excel workbook (.xlsx)')] };
  }
  if (workbook.worksheets.length === 0) return { rows: [], problems: [unreadable('The workbook has no worksheet')] };
  const sheet = workbook.worksheets.find((ws) => ws.state === undefined || ws.state === 'visible');
  if (!sheet) return { rows: [], problems: [unreadable('The workbook has no visible worksheet')] };
  if (sheet.actualRowCount > MAX_DATA_ROWS + 1) return { rows: [], problems: [tooManyRows()] };

  const rows: SheetRow[] = [];
  const rowProblems: FieldProblem[] = [];
  const hiddenColumns = new Set<number>();
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const cprWithoutLeadingZero: number[] = [];
    for (let col = 1; col <= row.cellCount; col++) {
      const cell = row.getCell(col);
      const text = cellText(cell);
      cells.push(text);
      if (text.trim() !== '' && sheet.getColumn(col).hidden) hiddenColumns.add(col);
      if (cell.type === ValueType.Number && /^\d{9}$/.test(text) && containsCprNumber(`0${text}`)) cprWithoutLeadingZero.push(col - 1);
    }
    if (isBlank(cells)) return;
    rows.push(cprWithoutLeadingZero.length ? { row: rowNumber, cells, cprWithoutLeadingZero } : { row: rowNumber, cells });
    if (row.hidden) {
      rowProblems.push({ code: 'HIDDEN_ROW', message: `Row ${rowNumber} is hidden in the workbook; show it or delete it, so the import holds only what you see`, row: rowNumber });
    }
  });
  if (rows.length > MAX_DATA_ROWS + 1) return { rows: [], problems: [tooManyRows()] };
  const headingRow = rows[0]?.row ?? 1;
  for (const col of [...hiddenColumns].sort((a, b) => a - b)) {
    rowProblems.push({
      code: 'HIDDEN_COLUMN',
      message: `Column ${sheet.getColumn(col).letter} is hidden in the workbook; show it or delete it, so the import holds only what you see`,
      row: headingRow,
    });
  }
  return { rows, problems: [], rowProblems };
}

type RichText = { richText: { text: string }[] };

function richText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'richText' in value) return (value as RichText).richText.map((r) => r.text).join('');
  return value === null || value === undefined ? '' : String(value);
}

/**
 * A formula cell is read as its formula (`=...`), not its cached result, so it is refused as a formula
 * rather than imported as whatever Excel last computed.
 */
export function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value as unknown;
  switch (cell.type) {
    case ValueType.Null:
      return '';
    case ValueType.Merge:
      // Only the top-left cell of a merged range holds the value, as Excel shows it.
      return '';
    case ValueType.Formula: {
      const f = value as { formula?: string; sharedFormula?: string };
      return `=${f.formula ?? f.sharedFormula ?? ''}`;
    }
    case ValueType.RichText:
      return richText(value);
    case ValueType.Hyperlink:
      return richText((value as { text?: unknown }).text);
    case ValueType.Date: {
      const iso = (value as Date).toISOString();
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    }
    case ValueType.Number:
      return String(value);
    case ValueType.Boolean:
      return value ? 'TRUE' : 'FALSE';
    case ValueType.Error:
      return String((value as { error?: string }).error ?? '');
    case ValueType.String:
    case ValueType.SharedString:
      return richText(value);
    default:
      return cell.text ?? '';
  }
}
