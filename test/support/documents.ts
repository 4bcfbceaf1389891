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
  /** The frozen first row's text: "Fortroligt — udleveret til <name>, <date>". */
  banner: string;
  /** Every row below the banner as the text of its cells, the column labels first. */
  rows: string[][];
}

/** Reads a contact list's XLSX back with exceljs, as a spreadsheet program would open it. */
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
  const [bannerRow, ...rest] = rows;
  return { workbook, sheet, banner: bannerRow?.[0] ?? '', rows: rest };
}

/** A structure element of a tagged PDF: its type and its child elements (marked content left out). */
export interface PdfStructElement {
  type: string;
  children: PdfStructElement[];
}

export interface PdfStructure {
  /** The document catalog's entries as qpdf reports them (strings as "u:text"). */
  catalog: Record<string, unknown>;
  viewerPreferences: Record<string, unknown>;
  /** The structure tree's top elements. */
  roots: PdfStructElement[];
}

/** The catalog and structure tree of a PDF, read with `qpdf --json` (follows object streams and updates). */
export async function pdfStructure(pdf: Buffer): Promise<PdfStructure> {
  const dir = await mkdtemp(join(tmpdir(), 'listebud-pdf-'));
  try {
    await writeFile(join(dir, 'f.pdf'), pdf);
    const { stdout } = await run('qpdf', ['--json=2', '--json-key=qpdf', join(dir, 'f.pdf')], { maxBuffer: 256 << 20 });
    const objects = (JSON.parse(stdout) as { qpdf: [unknown, Record<string, { value: Record<string, unknown> }>] }).qpdf[1];
    const get = (ref: unknown) => objects[`obj:${String(ref)}`]?.value ?? {};
    const catalog = get(objects.trailer.value['/Root']);
    const element = (ref: unknown): PdfStructElement => {
      const value = get(ref);
      const kids = Array.isArray(value['/K']) ? value['/K'] : value['/K'] === undefined ? [] : [value['/K']];
      const children = kids.filter((k): k is string => typeof k === 'string' && / 0 R$/.test(k)).map(element);
      return { type: String(value['/S']), children };
    };
    const tree = get(catalog['/StructTreeRoot']);
    const top = Array.isArray(tree['/K']) ? tree['/K'] : [tree['/K']];
    return { catalog, viewerPreferences: get(catalog['/ViewerPreferences']), roots: top.map(element) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `qpdf --check` (syntax, cross-reference and stream encoding); resolves to its report. */
export async function qpdfCheck(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'listebud-pdf-'));
  try {
    await writeFile(join(dir, 'f.pdf'), pdf);
    return (await run('qpdf', ['--check', join(dir, 'f.pdf')])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
