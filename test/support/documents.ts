import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';

const run = promisify(execFile);

/** Text of a PDF as the Debian `pdftotext` (poppler) extracts it. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'listebud-pdf-'));
  try {
    await writeFile(join(dir, 'f.pdf'), pdf);
    return (await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'f.pdf'), '-'])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Document information of a PDF as `pdfinfo` reports it (key → value). */
export async function pdfInfo(pdf: Buffer): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'listebud-pdf-'));
  try {
    await writeFile(join(dir, 'f.pdf'), pdf);
    const { stdout } = await run('pdfinfo', ['-enc', 'UTF-8', join(dir, 'f.pdf')]);
    return Object.fromEntries(stdout.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ReadWorkbook {
  workbook: ExcelJS.Workbook;
  sheet: ExcelJS.Worksheet;
  /** Every row as the text of its cells, header first. */
  rows: string[][];
}

/** Reads an XLSX back with exceljs, as a spreadsheet program would open it. */
export async function readXlsx(xlsx: Buffer): Promise<ReadWorkbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    }
    rows.push(cells);
  });
  return { workbook, sheet, rows };
}
