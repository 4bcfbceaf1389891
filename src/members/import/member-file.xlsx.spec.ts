import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { randomBytes } from 'node:crypto';
import { storeZip } from '../../../test/fixtures/bad-input/large-inputs.js';
import { parseMemberFile, type ParsedMemberFile } from './member-file.parser.js';
import { importSlot } from './import-slot.js';
import { inspectZip, MAX_UNCOMPRESSED_BYTES } from './zip-inspection.js';

const brief = (file: ParsedMemberFile) => file.problems.map(({ row, field, code }) => ({ row, field, code }));

async function workbook(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Medlemmer');
  for (const row of rows) sheet.addRow(row);
  wb.addWorksheet('Noter').addRow(['Navn', 'E-mail']).commit();
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADINGS = ['Fornavn', 'Efternavn', 'E-mail', 'Telefon', 'Adresse', 'Postnr.', 'By', 'Om mig'];

describe('parseMemberFile: Excel workbooks', () => {
  it('reads the first worksheet, taking numbers, rich text and links as the text they show', async () => {
    const bytes = await workbook([
      HEADINGS,
      ['Birthe', 'Ødegaard', 'Birthe.Odegaard@Example.DK', 20123456, 'Nørrebrogade 12, 2. tv', 2200, 'København N', 'Mor til en dreng på 7'],
      [],
      [
        { richText: [{ text: 'Jens-' }, { text: 'Åge', font: { bold: true } }] },
        'Mølgaard',
        { text: 'jens.molgaard@example.dk', hyperlink: 'mailto:jens.molgaard@example.dk' },
        '+45 31 22 33 44',
        null,
        '1635',
        'København V',
        'Linje 1\nLinje 2',
      ],
    ]);
    const file = await parseMemberFile(bytes, 'medlemmer.xlsx');
    expect(file).toEqual({
      format: 'xlsx',
      problems: [],
      drafts: [
        {
          row: 2,
          name: 'Birthe Ødegaard',
          email: 'birthe.odegaard@example.dk',
          phone: '+4520123456',
          address: 'Nørrebrogade 12, 2. tv',
          postalCode: '2200',
          city: 'København N',
          aboutMe: 'Mor til en dreng på 7',
        },
        {
          row: 4,
          name: 'Jens-Åge Mølgaard',
          email: 'jens.molgaard@example.dk',
          phone: '+4531223344',
          address: null,
          postalCode: '1635',
          city: 'København V',
          aboutMe: 'Linje 1\nLinje 2',
        },
      ],
    });
  });

  it('reads a formula cell as its formula and refuses it, whatever result Excel cached', async () => {
    const bytes = await workbook([
      ['Navn', 'E-mail', 'By'],
      ['Anna', 'anna@example.dk', { formula: 'HYPERLINK("http://evil.example","Odense")', result: 'Odense' }],
    ]);
    expect(brief(await parseMemberFile(bytes))).toEqual([{ row: 2, field: 'city', code: 'FORMULA' }]);
  });

  it('refuses a CPR number in a cell without repeating it', async () => {
    const bytes = await workbook([
      ['Navn', 'E-mail', 'Om mig'],
      ['Anna', 'anna@example.dk', 'Hej'],
      ['Bo', 'bo@example.dk', 'CPR 010190-1234'],
    ]);
    const file = await parseMemberFile(bytes);
    expect(brief(file)).toEqual([{ row: 3, field: 'about_me', code: 'CPR_NUMBER' }]);
    expect(JSON.stringify(file.problems)).not.toContain('010190');
    expect(file.drafts.map((d) => d.row)).toEqual([2]);
  });

  it('reports missing and unknown columns in the heading row', async () => {
    const file = await parseMemberFile(await workbook([['Navn', 'Skonummer'], ['Anna', '38']]));
    expect(brief(file)).toEqual([
      { row: 1, field: undefined, code: 'UNKNOWN_COLUMN' },
      { row: 1, field: 'email', code: 'MISSING_COLUMN' },
    ]);
  });
});

describe('parseMemberFile: unsafe or broken zip files', () => {
  it('refuses a zip bomb before inflating it', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', new Uint8Array(200 * 1024 * 1024));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } });
    expect(bytes.length).toBeLessThan(mib(2));
    expect(brief(await parseMemberFile(bytes))).toEqual([{ row: undefined, field: undefined, code: 'ZIP_BOMB' }]);
  });

  it('refuses a zip whose directory understates how much an entry unpacks to', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', new Uint8Array(mib(4)));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(1000, central + 24);
    expect(brief(await parseMemberFile(bytes))).toEqual([{ row: undefined, field: undefined, code: 'ZIP_BOMB' }]);
  });

  it('refuses a workbook with external links', async () => {
    const zip = await JSZip.loadAsync(await workbook([['Navn', 'E-mail'], ['Anna', 'anna@example.dk']]));
    zip.file('xl/externalLinks/externalLink1.xml', '<externalLink/>');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(brief(await parseMemberFile(bytes))).toEqual([{ row: undefined, field: undefined, code: 'EXTERNAL_LINKS' }]);
  });

  it('reads character references in relationships as Excel does, and answers one past the last code point as unreadable, not a crash', async () => {
    const zip = await JSZip.loadAsync(await workbook([['Navn', 'E-mail'], ['Anna', 'anna@example.dk']]));
    const rels = (mode: string) =>
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://tracker.example/p.png" TargetMode="${mode}"/></Relationships>`;
    zip.file('xl/worksheets/_rels/sheet1.xml.rels', rels('&#x45;xternal'));
    expect(brief(await parseMemberFile(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })))).toEqual([
      { row: undefined, field: undefined, code: 'EXTERNAL_LINKS' },
    ]);
    zip.file('xl/worksheets/_rels/sheet1.xml.rels', rels('&#99999999;'));
    expect(brief(await parseMemberFile(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })))).toEqual([
      { row: undefined, field: undefined, code: 'UNREADABLE_FILE' },
    ]);
  });

  it('refuses a broken or truncated zip', async () => {
    const good = await workbook([['Navn', 'E-mail'], ['Anna', 'anna@example.dk']]);
    const unreadable = [{ row: undefined, field: undefined, code: 'UNREADABLE_FILE' }];
    expect(brief(await parseMemberFile(Buffer.from('PK\x03\x04 this is not a zip')))).toEqual(unreadable);
    expect(brief(await parseMemberFile(good.subarray(0, good.length - 100)))).toEqual(unreadable);
    const scrambled = Buffer.from(good);
    scrambled.fill(0x55, 200, 400);
    expect(brief(await parseMemberFile(scrambled))).toEqual(unreadable);
  });

  it('refuses a zip that is not a workbook', async () => {
    const zip = new JSZip();
    zip.file('content.xml', '<office:document/>');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(brief(await parseMemberFile(bytes))).toEqual([{ row: undefined, field: undefined, code: 'UNREADABLE_FILE' }]);
  });
});

function mib(n: number): number {
  return n * 1024 * 1024;
}

describe('parseMemberFile: caps on what a workbook may cost', () => {
  it('refuses a workbook whose sheet unpacks past the cap, though it is packed no tighter than a real one', async () => {
    // Rows like a member list's pack about 10:1, far from a zip bomb's ratio, yet unpack to 40 MB: exceljs would hold ~600 MB.
    const cell = () => `<row><c t="inlineStr"><is><t>Medlem ${randomBytes(8).toString('hex')} Nørrebrogade 12, 2. tv, København N</t></is></c></row>`;
    const rows: string[] = [];
    for (let size = 0; size < 40 * 1024 * 1024; size += 110) rows.push(cell());
    const bytes = storeZip([['xl/worksheets/sheet1.xml', Buffer.from(`<worksheet><sheetData>${rows.join('')}</sheetData></worksheet>`)]]);
    expect(bytes.length).toBeLessThan(20 * 1024 * 1024);
    expect(MAX_UNCOMPRESSED_BYTES).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(inspectZip(bytes)).toMatchObject({ code: 'WORKBOOK_TOO_LARGE', message: expect.stringMatching(/unpacks to more than 32 MB/) });
    expect(brief(await parseMemberFile(bytes, 'stor.xlsx'))).toEqual([{ row: undefined, field: undefined, code: 'WORKBOOK_TOO_LARGE' }]);
  });

  it('reads one file at a time per instance: a second import while one is read is refused, not queued in memory', async () => {
    const bytes = await workbook([HEADINGS, ['Birthe', 'Ødegaard', 'birthe@example.dk']]);
    const release = importSlot.take();
    expect(release).toBeDefined();
    try {
      await expect(parseMemberFile(bytes, 'medlemmer.xlsx')).rejects.toMatchObject({ kind: 'too_many', code: 'IMPORT_BUSY' });
    } finally {
      release!();
    }
    expect((await parseMemberFile(bytes, 'medlemmer.xlsx')).problems).toEqual([]);
  });
});

