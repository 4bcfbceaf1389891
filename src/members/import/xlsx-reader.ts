import ExcelJS from 'exceljs';
import { isBlank, MAX_DATA_ROWS, tooManyRows, unreadable, type SheetReadResult, type SheetRow } from './sheet.js';

const { ValueType } = ExcelJS;

/** The first worksheet's non-empty rows as text. The caller must have run inspectZip on the bytes first. */
export async function readXlsx(bytes: Buffer): Promise<SheetReadResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own global `Buffer` interface, which Node's generic Buffer does not satisfy.
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    return { rows: [], problems: [unreadable('The file could not be read as an Excel workbook (.xlsx)')] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { rows: [], problems: [unreadable('The workbook has no worksheet')] };
  if (sheet.actualRowCount > MAX_DATA_ROWS + 1) return { rows: [], problems: [tooManyRows()] };

  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let col = 1; col <= row.cellCount; col++) cells.push(cellText(row.getCell(col)));
    if (!isBlank(cells)) rows.push({ row: rowNumber, cells });
  });
  if (rows.length > MAX_DATA_ROWS + 1) return { rows: [], problems: [tooManyRows()] };
  return { rows, problems: [] };
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
