import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { MEMBER_FIELDS, parseMemberFile, type MemberDraft, type ParsedMemberFile } from './member-file.parser.js';

const FIXTURES = path.resolve(process.cwd(), 'test/fixtures/samples');

const SAMPLE_MEMBERS: MemberDraft[] = [
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
    row: 3,
    name: 'Jens-Åge Mølgaard',
    email: 'jens.molgaard@example.dk',
    phone: '+4531223344',
    address: 'Åboulevard 3',
    postalCode: '1635',
    city: 'København V',
    aboutMe: null,
  },
  {
    row: 4,
    name: 'Zoë Brønnum',
    email: 'zoe.bronnum@example.dk',
    phone: '+4540404040',
    address: 'Strandvejen 201',
    postalCode: '2900',
    city: 'Hellerup',
    aboutMe: 'Kan træffes efter kl. 16; gerne sms',
  },
  {
    row: 5,
    name: 'Mathilde Ærøe',
    email: 'mathilde.aeroe@example.dk',
    phone: '+4551515151',
    address: 'Vestergade 5',
    postalCode: '5000',
    city: 'Odense C',
    aboutMe: 'Diagnosticeret i 2019, "spørg mig gerne"',
  },
  {
    row: 6,
    name: 'Kristian Lund Sørensen',
    email: 'kristian.lund@example.dk',
    phone: '+4561234567',
    address: 'Søndergade 44, st.',
    postalCode: '8000',
    city: 'Aarhus C',
    aboutMe: null,
  },
];

const HEADINGS = 'Navn;E-mail;Telefon;Adresse;Postnr.;By;Om mig';
const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');
const GOOD = 'Anna Hansen;anna@example.dk;20123456;Vestergade 5;5000;Odense C;';
const brief = (file: ParsedMemberFile) => file.problems.map(({ row, field, code }) => ({ row, field, code }));

describe('parseMemberFile: the sample exports', () => {
  it.each([
    ['members-excel-da-windows1252.csv', 'windows-1252', ';'],
    ['members-excel-da-utf8-bom.csv', 'utf-8-bom', ';'],
    ['members-plain-utf8.csv', 'utf-8', ','],
  ])('reads the same five members from %s', async (name, encoding, delimiter) => {
    const file = await parseMemberFile(fs.readFileSync(path.join(FIXTURES, name)), name);
    expect(file).toEqual({ drafts: SAMPLE_MEMBERS, problems: [], format: 'csv', encoding, delimiter });
  });

  it('exports the member fields in list order', () => {
    expect(MEMBER_FIELDS).toEqual(['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me']);
  });
});

describe('parseMemberFile: reading CSV', () => {
  it('keeps a line break inside quotes as part of "about me" and counts the record as one row', async () => {
    const file = await parseMemberFile(
      csv(HEADINGS, 'Anna Hansen;anna@example.dk;;;;;"Første linje\r\nanden ""linje""; med semikolon"', GOOD.replace('anna@', 'bo@')),
    );
    expect(file.problems).toEqual([]);
    expect(file.drafts.map((d) => [d.row, d.aboutMe])).toEqual([
      [2, 'Første linje\nanden "linje"; med semikolon'],
      [3, null],
    ]);
  });

  it('reads LF line endings and tab separators', async () => {
    const file = await parseMemberFile(Buffer.from('Name\tEmail\tPhone\nAnna Hansen\tanna@example.dk\t+45 20 12 34 56\n'));
    expect(file.delimiter).toBe('\t');
    expect(file.drafts).toEqual([expect.objectContaining({ row: 2, name: 'Anna Hansen', phone: '+4520123456' })]);
  });

  it('skips empty rows but numbers the rest as Excel does', async () => {
    const file = await parseMemberFile(csv(HEADINGS, '', ';;;;;;', GOOD, '  ;  ', GOOD.replace('anna@', 'x@').replace('20123456', '12'), ''));
    expect(file.drafts.map((d) => d.row)).toEqual([4]);
    expect(brief(file)).toEqual([{ row: 6, field: 'phone', code: 'INVALID_PHONE' }]);
  });

  it('matches headings without regard to case or spaces, in Danish and English', async () => {
    const file = await parseMemberFile(
      csv(' FORNAVN ;last name;E-MAILADRESSE;Tlf.;Address;Postnummer;City;About me', 'Anna;Hansen;ANNA@example.dk;20123456;Vej 1;5000;Odense;Hej'),
    );
    expect(file.problems).toEqual([]);
    expect(file.drafts[0]).toEqual({
      row: 2,
      name: 'Anna Hansen',
      email: 'anna@example.dk',
      phone: '+4520123456',
      address: 'Vej 1',
      postalCode: '5000',
      city: 'Odense',
      aboutMe: 'Hej',
    });
  });

  it('takes the name from "Navn" when present, else from first and last name', async () => {
    const file = await parseMemberFile(csv('Navn;Fornavn;Efternavn;Mail', 'Anna H.;Anna;Hansen;a@example.dk', ';Bo;;b@example.dk'));
    expect(file.drafts.map((d) => d.name)).toEqual(['Anna H.', 'Bo']);
  });

  it('honours an Excel "sep=" line', async () => {
    const file = await parseMemberFile(Buffer.from('sep=;\r\nNavn;E-mail\r\nAnna, Hansen;anna@example.dk\r\n'));
    expect(file.problems).toEqual([]);
    expect(file.delimiter).toBe(';');
    expect(file.drafts).toEqual([expect.objectContaining({ row: 2, name: 'Anna, Hansen' })]);
  });

  it('names an unknown column on row 1 and still reads the rest', async () => {
    const file = await parseMemberFile(csv('Navn;E-mail;Skostørrelse', 'Anna;anna@example.dk;38'));
    expect(file.problems).toEqual([{ code: 'UNKNOWN_COLUMN', message: 'Column "Skostørrelse" is not a member field', row: 1 }]);
    expect(file.drafts).toHaveLength(1);
  });

  it('reports a missing e-mail or name column', async () => {
    expect(brief(await parseMemberFile(csv('Navn;Telefon', 'Anna;20123456')))).toEqual([{ row: 1, field: 'email', code: 'MISSING_COLUMN' }]);
    expect(brief(await parseMemberFile(csv('E-mail;By', 'a@example.dk;Odense')))).toEqual([{ row: 1, field: 'name', code: 'MISSING_COLUMN' }]);
  });

  it('reports a value outside every column, as an unquoted separator leaves it', async () => {
    const file = await parseMemberFile(Buffer.from('Navn,E-mail,Adresse\nAnna,anna@example.dk,Vestergade 5, 2. tv\n'));
    expect(brief(file)).toEqual([{ row: 2, field: undefined, code: 'VALUE_WITHOUT_COLUMN' }]);
  });

  it('refuses a quote that is never closed', async () => {
    expect(brief(await parseMemberFile(csv(HEADINGS, GOOD, 'Bo;"bo@example.dk;;;;;')))).toEqual([
      { row: 3, field: undefined, code: 'UNREADABLE_FILE' },
    ]);
  });

  it('reads UTF-16 with a byte-order mark, as Excel saves "Unicode text"', async () => {
    for (const [bom, encoding] of [[[0xff, 0xfe], 'utf16le'], [[0xfe, 0xff], 'utf16be']] as const) {
      const body = Buffer.from(`${HEADINGS}\r\nSøren Ærø;soren@example.dk;;;;;`, 'utf16le');
      if (encoding === 'utf16be') body.swap16();
      const file = await parseMemberFile(Buffer.concat([Buffer.from(bom), body]));
      expect(file.problems).toEqual([]);
      expect(file.encoding).toBe('utf-16');
      expect(file.drafts).toEqual([expect.objectContaining({ row: 2, name: 'Søren Ærø' })]);
    }
  });

  it('refuses UTF-16 without a byte-order mark and bytes that are no text, as a whole', async () => {
    const utf16 = Buffer.from(`${HEADINGS}\r\n${GOOD}`, 'utf16le');
    expect(brief(await parseMemberFile(utf16))).toEqual([{ row: undefined, field: undefined, code: 'ENCODING' }]);
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(brief(await parseMemberFile(noise))).toEqual([{ row: undefined, field: undefined, code: 'ENCODING' }]);
  });

  it('names the row and field of a few bytes that are not text, rather than guessing another encoding', async () => {
    // UTF-8 with one cut-off character: read as Windows-1252 it would turn every ø into Ã¸.
    const damaged = Buffer.concat([Buffer.from(`${HEADINGS}\r\nSøren Ærø;soren@example.dk;;;;København;\r\nBo `), Buffer.from([0xe6]), Buffer.from(';bo@example.dk;;;;;\r\n')]);
    const file = await parseMemberFile(damaged);
    expect(file.encoding).toBe('utf-8');
    expect(brief(file)).toEqual([{ row: 3, field: 'name', code: 'ENCODING' }]);
    expect(brief(await parseMemberFile(Buffer.from([0x4e, 0x61, 0x76, 0x6e, 0x81, 0x0a])))).toEqual([
      { row: 1, field: undefined, code: 'ENCODING' },
      { row: 1, field: 'name', code: 'MISSING_COLUMN' },
      { row: 1, field: 'email', code: 'MISSING_COLUMN' },
    ]);
  });

  it('names a stray NUL byte by row and field', async () => {
    const file = await parseMemberFile(csv(HEADINGS, GOOD, 'Bo\u0000;bo@example.dk;;;;;'));
    expect(brief(file)).toEqual([{ row: 3, field: 'name', code: 'CONTROL_CHARACTER' }]);
  });

  it('refuses an empty file, and headings without member rows', async () => {
    expect(brief(await parseMemberFile(Buffer.alloc(0)))).toEqual([{ row: undefined, field: undefined, code: 'EMPTY_FILE' }]);
    expect(brief(await parseMemberFile(Buffer.from('\ufeff\r\n  \r\n')))).toEqual([{ row: undefined, field: undefined, code: 'EMPTY_FILE' }]);
    expect(brief(await parseMemberFile(csv(HEADINGS, '')))).toEqual([{ row: undefined, field: undefined, code: 'NO_MEMBER_ROWS' }]);
  });

  it('reads Windows-1252 text that is not one of the samples', async () => {
    const file = await parseMemberFile(iconv.encode(`${HEADINGS}\r\nSøren Æbelø;soren@example.dk;;;;;€ 5`, 'windows-1252'));
    expect(file.encoding).toBe('windows-1252');
    expect(file.drafts[0]).toEqual(expect.objectContaining({ name: 'Søren Æbelø', aboutMe: '€ 5' }));
  });

  it('refuses an old binary .xls workbook', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect(brief(await parseMemberFile(xls, 'medlemmer.xls'))).toEqual([{ row: undefined, field: undefined, code: 'UNREADABLE_FILE' }]);
  });
});

describe('parseMemberFile: field rules', () => {
  it('reports each bad field with its row, field and code, and keeps the good rows', async () => {
    const file = await parseMemberFile(
      csv(
        HEADINGS,
        GOOD,
        ';bo@example.dk;;;;;',
        'Cy;not-an-email;;;;;',
        'Di;di@example.dk;12 34;;;;',
        'Ea;ea@example.dk;;;;;Mit CPR-nummer er 010190-1234',
        'Fi;fi@example.dk;;=HYPERLINK("http://evil");;;',
        'Gu\u202e;gu@example.dk;;;;;',
        `Ha;ha@example.dk;;;${'9'.repeat(11)};;`,
        'Ib;ANNA@example.dk;;;;;',
      ),
    );
    expect(brief(file)).toEqual([
      { row: 3, field: 'name', code: 'REQUIRED' },
      { row: 4, field: 'email', code: 'INVALID_EMAIL' },
      { row: 5, field: 'phone', code: 'INVALID_PHONE' },
      { row: 6, field: 'about_me', code: 'CPR_NUMBER' },
      { row: 7, field: 'address', code: 'FORMULA' },
      { row: 8, field: 'name', code: 'BIDI_CONTROL' },
      { row: 9, field: 'postal_code', code: 'TOO_LONG' },
      { row: 10, field: 'email', code: 'DUPLICATE_EMAIL' },
    ]);
    expect(file.drafts.map((d) => d.row)).toEqual([2]);
  });

  it('collects every problem of a row rather than stopping at the first', async () => {
    const file = await parseMemberFile(csv(HEADINGS, ';@nobody;1;=1;12345678901;-x;\u0001'));
    expect(brief(file).map((p) => `${p.field}:${p.code}`)).toEqual([
      'name:REQUIRED',
      'email:FORMULA',
      'email:INVALID_EMAIL',
      'phone:INVALID_PHONE',
      'address:FORMULA',
      'postal_code:TOO_LONG',
      'city:FORMULA',
      'about_me:CONTROL_CHARACTER',
    ]);
  });

  it('names the earlier row of a duplicate e-mail, even when that row has other problems', async () => {
    const file = await parseMemberFile(csv(HEADINGS, 'Anna;anna@example.dk;123;;;;', GOOD, GOOD));
    expect(file.problems).toEqual([
      expect.objectContaining({ row: 2, code: 'INVALID_PHONE' }),
      { code: 'DUPLICATE_EMAIL', message: 'E-mail is the same as in row 2', field: 'email', row: 3 },
      { code: 'DUPLICATE_EMAIL', message: 'E-mail is the same as in row 2', field: 'email', row: 4 },
    ]);
  });

  it('never puts the offending value in a problem', async () => {
    const badEmail = 'anna.hemmelig(at)example.dk';
    const cpr = '010190-1234';
    const file = await parseMemberFile(
      csv(HEADINGS, `Anna;${badEmail};;;;;`, `Bo ${cpr};bo@example.dk;;;;;`, `Cy;cy@example.dk;;${cpr};;;`, 'Di;Bo@Example.dk;;;;;'),
    );
    expect(file.problems.map((p) => p.code)).toEqual(['INVALID_EMAIL', 'CPR_NUMBER', 'CPR_NUMBER', 'DUPLICATE_EMAIL']);
    const text = JSON.stringify(file.problems).toLowerCase();
    for (const secret of [badEmail, cpr, '0101901234', 'bo@example.dk', 'hemmelig']) expect(text).not.toContain(secret);
  });
});

describe('parseMemberFile: limits', () => {
  it('refuses a file over 20 MB, even a 50 MB single line', async () => {
    const bytes = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const file = await parseMemberFile(bytes);
    expect(brief(file)).toEqual([{ row: undefined, field: undefined, code: 'FILE_TOO_LARGE' }]);
    expect(file.drafts).toEqual([]);
  });

  it('refuses a line of more than 100,000 characters and names its row', async () => {
    const long = csv(HEADINGS, GOOD, `Bo;bo@example.dk;;;;;${'x'.repeat(1024 * 1024)}`);
    expect(brief(await parseMemberFile(long))).toEqual([{ row: 3, field: undefined, code: 'LINE_TOO_LONG' }]);
    expect(brief(await parseMemberFile(Buffer.from(`Navn;${'x'.repeat(1024 * 1024)}`)))).toEqual([
      { row: 1, field: undefined, code: 'LINE_TOO_LONG' },
    ]);
  });

  it('refuses more than 100,000 member rows', async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `A;a${i}@example.dk`);
    const file = await parseMemberFile(Buffer.from(['Navn;E-mail', ...rows].join('\n')));
    expect(brief(file)).toEqual([{ row: undefined, field: undefined, code: 'TOO_MANY_ROWS' }]);
    expect(file.drafts).toEqual([]);
  });

  // Speed is not asserted here (no timed assertions in tests); this checks that a large, valid
  // file is read whole and correctly.
  it('reads and checks 100,000 rows', async () => {
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `Anna ${i};Hansen;anna.${i}@example.dk;${20_000_000 + i};Vestergade ${i % 300}, 2. tv;${1000 + (i % 8000)};København;"Hej; ""mig"""`,
    );
    const bytes = Buffer.from(['Fornavn;Efternavn;E-mail;Telefon;Adresse;Postnr.;By;Om mig', ...rows].join('\r\n'));
    const file = await parseMemberFile(bytes);
    expect(file.problems).toEqual([]);
    expect(file.drafts).toHaveLength(100_000);
    expect(file.drafts[99_999]).toMatchObject({ email: 'anna.99999@example.dk', city: 'København' });
  });
});
