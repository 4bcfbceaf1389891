import type { FieldProblem } from '../../common/domain-error.js';

/** One non-empty row of a CSV file or worksheet, numbered as Excel shows it (headings = row 1). */
export interface SheetRow {
  row: number;
  cells: string[];
  /** Cells (by index) holding a whole number that is a CPR number once Excel's dropped leading 0 is back. */
  cprWithoutLeadingZero?: number[];
}

/** Rows (headings first), or the problems that stopped the file from being read at all. */
export interface SheetReadResult {
  rows: SheetRow[];
  problems: FieldProblem[];
  /** Problems with some rows or columns that do not stop the rest from being read and checked. */
  rowProblems?: FieldProblem[];
}

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** A member list of a patient organisation is far smaller; the cap bounds one import's memory and time. */
export const MAX_DATA_ROWS = 100_000;
export const MAX_LINE_CHARS = 100_000;

export function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

export const tooManyRows = (): FieldProblem => ({
  code: 'TOO_MANY_ROWS',
  message: `The file has more than ${MAX_DATA_ROWS} member rows`,
});

export const emptyFile = (): FieldProblem => ({ code: 'EMPTY_FILE', message: 'The file is empty: it holds no headings and no members' });

export const noMemberRows = (): FieldProblem => ({
  code: 'NO_MEMBER_ROWS',
  message: 'The file has headings but no member rows below them',
});

export const unreadable = (message: string, row?: number): FieldProblem =>
  row === undefined ? { code: 'UNREADABLE_FILE', message } : { code: 'UNREADABLE_FILE', message, row };
