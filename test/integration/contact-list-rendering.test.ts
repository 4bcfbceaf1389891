import { describe, expect, it, beforeAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { ContactListDocument, StampedFile } from '../../src/rendering/contact-list.js';
import { ContactListRenderer, type PreparedPdf, type PreparedXlsx } from '../../src/rendering/contact-list.renderer.js';
import { readZip, entryBytes } from '../../src/common/zip/zip-reader.js';
import { buildBundleZip } from '../../src/bundles/packaging/bundle-zip.js';
import { readBundleZip } from '../support/bundle-zip.js';
import { pdfInfo, pdfStructure, pdfText, qpdfCheck, readXlsx, type PdfStructElement } from '../support/documents.js';

const run = promisify(execFile);
const bytes = (f: StampedFile) => Buffer.concat(f.chunks);

const NAMES = ['Åse Østergård', 'Zofia Łukasiewicz', 'Jiří Dvořák', 'Анна Иванова', 'Æbelø Hansen', 'Bo & Co <Ltd>', 'Zacharias Zink'];
const renderer = new ContactListRenderer();

function document(rowCount: number): ContactListDocument {
  return {
    title: 'Kontaktliste – Netværket',
    editionId: '0196b1a2-0000-7000-8000-000000000001',
    publishedAt: new Date('2026-11-22T08:00:00Z'),
    timeZone: 'Europe/Copenhagen',
    columns: ['name', 'email', 'phone', 'city'],
    rows: Array.from({ length: rowCount }, (_, i) => ({
      name: `${NAMES[i % NAMES.length]} ${i}`,
      email: `m${i}@example.org`,
      phone: i === 0 ? '0045 12 34 56 78' : i === 3 ? '+46812345678' : '+4520123456',
      ...(i === 1 ? { city: '=HYPERLINK("http://evil.example","klik")' } : i === 2 ? {} : { city: 'København' }),
    })),
    recipientNames: NAMES,
  };
}

/** Stored E.164 numbers as the files show them; a value that is not E.164 stays as stored. */
const SHOWN_PHONE: Record<string, string> = { '+4520123456': '20 12 34 56', '+46812345678': '+46 8 123 456 78', '0045 12 34 56 78': '0045 12 34 56 78' };

const watermark = (recipientName: string, bundleId: string) => ({ recipientName, bundleId, issuedAt: new Date('2026-11-22T09:30:00Z') });

describe('contact list rendering', () => {
  const doc = document(12);
  let xlsx: PreparedXlsx;
  let pdf: PreparedPdf;

  beforeAll(async () => {
    xlsx = await renderer.prepareXlsx(doc);
    pdf = await renderer.preparePdf(doc);
  });

  it('writes the XLSX with a header row, exactly the rows and columns, a frozen pane, an autofilter and widths', async () => {
    const { sheet, rows } = await readXlsx(bytes(renderer.stampXlsx(xlsx, watermark('Åse Østergård', 'bundle-a'))));
    expect(rows[0]).toEqual(['Navn', 'E-mail', 'Telefon', 'By']);
    expect(rows.slice(1)).toEqual(doc.rows.map((r) => [r.name, r.email, SHOWN_PHONE[r.phone!], r.city ?? '']));
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.autoFilter).toBe('A2:D14');
    expect(sheet.pageSetup.printTitlesRow).toBe('2:2');
    for (let c = 1; c <= 4; c++) expect(sheet.getColumn(c).width).toBeGreaterThanOrEqual(8);
  });

  it('keeps formula-looking and number-looking values as text', async () => {
    const file = bytes(renderer.stampXlsx(xlsx, watermark('Åse Østergård', 'bundle-a')));
    const { sheet } = await readXlsx(file);
    const cell = sheet.getCell('D4');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://evil.example","klik")');
    expect(sheet.getCell('C3').value).toBe('0045 12 34 56 78');
    const sheetXml = entryBytes(readZip(file).find((e) => e.name === 'xl/worksheets/sheet1.xml')!).toString('utf8');
    expect(sheetXml).not.toMatch(/<f[ >]/);
  });

  it('puts each recipient’s watermark in the sheet header and the bundle id in the document properties', async () => {
    const a = await readXlsx(bytes(renderer.stampXlsx(xlsx, watermark('Bo & Co <Ltd>', 'bundle-a'))));
    const b = await readXlsx(bytes(renderer.stampXlsx(xlsx, watermark('Анна Иванова', 'bundle-b'))));
    expect(a.sheet.headerFooter.oddHeader).toContain('Fortroligt, udleveret til Bo && Co <Ltd>, bundle-a, 22. november 2026');
    expect(b.sheet.headerFooter.oddHeader).toContain('Fortroligt, udleveret til Анна Иванова, bundle-b, 22. november 2026');
    expect(a.workbook.subject).toBe('bundle-a');
    expect(b.workbook.subject).toBe('bundle-b');
    expect(b.rows).toEqual(a.rows);
  });

  it('shows each recipient’s watermark on screen in a frozen first row above the column labels', async () => {
    const a = await readXlsx(bytes(renderer.stampXlsx(xlsx, watermark('Bo & Co <Ltd>', 'bundle-a'))));
    const b = await readXlsx(bytes(renderer.stampXlsx(xlsx, watermark('Åse Østergård', 'bundle-b'))));
    expect(a.banner).toBe('Fortroligt — udleveret til Bo & Co <Ltd>, 22. november 2026');
    expect(b.banner).toBe('Fortroligt — udleveret til Åse Østergård, 22. november 2026');
    expect(a.sheet.getRow(1).font).toMatchObject({ bold: true });
    expect(a.sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, topLeftCell: 'A3' });
    expect(b.rows).toEqual(a.rows);
    // The print header keeps the traceable watermark.
    expect(b.sheet.headerFooter.oddHeader).toContain('Fortroligt, udleveret til Åse Østergård, bundle-b, 22. november 2026');
  });

  it('reports the true size, CRC-32 and SHA-256 of each stamped file', async () => {
    for (const file of [renderer.stampXlsx(xlsx, watermark('Jiří Dvořák', 'bundle-c')), await renderer.stampPdf(pdf, watermark('Jiří Dvořák', 'bundle-c'))]) {
      const all = bytes(file);
      expect(file.bytes).toBe(all.length);
      expect(file.crc32).toBe(crc32(all));
      expect(file.sha256).toBe(createHash('sha256').update(all).digest('hex'));
    }
  });

  it('writes a PDF whose text holds every name, including non-Latin ones, and the watermark', async () => {
    const file = bytes(await renderer.stampPdf(pdf, watermark('Zofia Łukasiewicz', 'bundle-d')));
    const text = await pdfText(file);
    for (const row of doc.rows) expect(text).toContain(row.name);
    // Phone numbers as people write them: Danish in national pairs, others international.
    expect(text).toContain('20 12 34 56');
    expect(text).toContain('+46 8 123 456 78');
    expect(text).not.toContain('+4520123456');
    expect(text).toContain('Fortroligt, udleveret til Zofia Łukasiewicz, bundle-d, 22. november 2026');
    expect(text).toContain('Kontaktliste – Netværket');
    expect(text).toContain('Side 1 af 1');
    expect(text).not.toContain('bundle-a');
    const info = await pdfInfo(file);
    expect(info.Subject).toBe('bundle-d');
    expect(info.Title).toBe('Kontaktliste – Netværket');
    expect(info['Page size']).toContain('595.28 x 841.89');
  });

  it('breaks long lists into numbered pages with the header row and watermark on every page', async () => {
    const long = document(400);
    const prepared = await renderer.preparePdf(long);
    const file = bytes(await renderer.stampPdf(prepared, watermark('Æbelø Hansen', 'bundle-e')));
    const pages = Number((await pdfInfo(file)).Pages);
    expect(pages).toBeGreaterThan(3);
    const text = await pdfText(file);
    const perPage = text.split('\f').filter((p) => p.trim() !== '');
    expect(perPage).toHaveLength(pages);
    perPage.forEach((page, i) => {
      expect(page).toContain('Fortroligt, udleveret til Æbelø Hansen, bundle-e');
      expect(page).toContain(`Side ${i + 1} af ${pages}`);
      expect(page).toContain('Navn');
    });
    for (const row of long.rows) expect(text).toContain(row.name);
  });

  it('writes a tagged PDF in Danish: one table with a header row of TH cells and a row of TD cells per member', async () => {
    const long = document(120);
    const prepared = await renderer.preparePdf(long);
    const file = bytes(await renderer.stampPdf(prepared, watermark('Åse Østergård', 'bundle-t')));
    expect(await qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
    const info = await pdfInfo(file);
    expect(info.Tagged).toBe('yes');
    expect(Number(info.Pages)).toBeGreaterThan(1);
    const { catalog, viewerPreferences, roots } = await pdfStructure(file);
    expect(catalog['/Lang']).toBe('u:da');
    expect(viewerPreferences['/DisplayDocTitle']).toBe(true);
    const all: PdfStructElement[] = [];
    const walk = (e: PdfStructElement) => (all.push(e), e.children.forEach(walk));
    roots.forEach(walk);
    const tables = all.filter((e) => e.type === '/Table');
    expect(tables).toHaveLength(1);
    expect(all.filter((e) => e.type === '/H1')).toHaveLength(1);
    const [header, ...rows] = tables[0].children;
    // The header row repeated on later pages is an artifact, so the table has exactly one.
    expect(header.children.map((c) => c.type)).toEqual(long.columns.map(() => '/TH'));
    expect(rows).toHaveLength(long.rows.length);
    for (const row of rows) expect(row.children.map((c) => c.type)).toEqual(long.columns.map(() => '/TD'));
    // The per-recipient watermark, added by the update, is an artifact too: no structure element.
    const update = file.subarray(prepared.layout.bytes.length).toString('latin1');
    expect(update).toContain('/Artifact << /Type /Pagination /Subtype /Watermark >> BDC');
    expect(await pdfText(file)).toContain('Fortroligt, udleveret til Åse Østergård, bundle-t');
  });

  it('still watermarks a recipient whose name has letters the edition did not know', async () => {
    const file = bytes(await renderer.stampPdf(pdf, watermark('Ωμέγα Ψ', 'bundle-f')));
    expect(await pdfText(file)).toContain('Fortroligt, udleveret til Ωμέγα Ψ, bundle-f');
  });

  it('packs files into a ZIP that unzip verifies and that reads back byte for byte', async () => {
    const x = renderer.stampXlsx(xlsx, watermark('Åse Østergård', 'bundle-g'));
    const manifest = Buffer.from('{"a":1}\n');
    const zip = Buffer.concat(buildBundleZip([{ name: 'contact-list.xlsx', chunks: x.chunks, crc32: x.crc32 }, { name: 'manifest.json', data: manifest }], new Date()));
    const dir = await mkdtemp(join(tmpdir(), 'listebud-zip-'));
    try {
      await writeFile(join(dir, 'b.zip'), zip);
      const { stdout } = await run('unzip', ['-t', join(dir, 'b.zip')]);
      expect(stdout).toContain('No errors detected');
      const { stdout: list } = await run('unzip', ['-Z1', join(dir, 'b.zip')]);
      expect(list.trim().split('\n')).toEqual(['contact-list.xlsx', 'manifest.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const files = readBundleZip(zip);
    expect(files.get('contact-list.xlsx')!.equals(bytes(x))).toBe(true);
    expect(files.get('manifest.json')!.equals(manifest)).toBe(true);
  });
});
