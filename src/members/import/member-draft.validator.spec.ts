import { describe, expect, it } from '@jest/globals';
import { containsCprNumber } from './cpr.js';
import { normaliseMember, type MemberInput } from './member-draft.validator.js';
import { normalisePhone } from './phone.js';

const valid: MemberInput = { name: 'Birthe Ødegaard', email: 'birthe@example.dk' };
const codes = (input: MemberInput) => normaliseMember(input).problems.map((p) => `${p.field}:${p.code}`);

describe('normaliseMember', () => {
  it('trims, lower-cases the e-mail, writes the phone in E.164 and turns empty optional fields into null', () => {
    const result = normaliseMember({
      name: '  Birthe Ødegaard ',
      email: ' Birthe.ODEGAARD@Example.DK ',
      phone: '20 12 34 56',
      address: '   ',
      postalCode: '2200',
      city: '',
      aboutMe: undefined,
    });
    expect(result.problems).toEqual([]);
    expect(result.value).toEqual({
      name: 'Birthe Ødegaard',
      email: 'birthe.odegaard@example.dk',
      phone: '+4520123456',
      address: null,
      postalCode: '2200',
      city: null,
      aboutMe: null,
    });
  });

  it('reports every problem of a member at once, with no row when none is given', () => {
    const { value, problems } = normaliseMember({ name: '', email: 'not-an-email', phone: '12', city: '=1+1' });
    expect(value).toBeUndefined();
    expect(problems).toEqual([
      { code: 'REQUIRED', message: 'Name is required', field: 'name' },
      { code: 'INVALID_EMAIL', message: 'E-mail is not a valid address', field: 'email' },
      { code: 'INVALID_PHONE', message: 'Phone is not a valid phone number', field: 'phone' },
      expect.objectContaining({ code: 'FORMULA', field: 'city' }),
    ]);
  });

  it('puts the row on every problem when one is given', () => {
    const { problems } = normaliseMember({ name: 'A', email: 'x' }, 7);
    expect(problems).toEqual([expect.objectContaining({ code: 'INVALID_EMAIL', field: 'email', row: 7 })]);
  });

  it('refuses values that are not text without also calling them missing', () => {
    expect(codes({ name: 42, email: 'a@example.dk', postalCode: 2200 })).toEqual(['name:INVALID_TYPE', 'postal_code:INVALID_TYPE']);
  });

  it('enforces the length of each field', () => {
    expect(
      codes({
        name: 'n'.repeat(201),
        email: `${'e'.repeat(60)}@${`${'d'.repeat(60)}.`.repeat(4)}dk`,
        address: 'a'.repeat(201),
        postalCode: 'DK-2200 KBH',
        city: 'c'.repeat(101),
        aboutMe: 'm'.repeat(2001),
      }),
    ).toEqual(['name:TOO_LONG', 'email:TOO_LONG', 'address:TOO_LONG', 'postal_code:TOO_LONG', 'city:TOO_LONG', 'about_me:TOO_LONG']);
    expect(codes({ ...valid, name: 'n'.repeat(200), aboutMe: 'm'.repeat(2000), postalCode: 'DK-2200 KB' })).toEqual([]);
  });

  it.each(['a@b', 'a b@example.dk', '@example.dk', 'a@@example.dk', 'a@example.dk.', 'a..b@example.dk', 'a@-x.dk'])(
    'refuses the e-mail %j',
    (email) => {
      expect(codes({ ...valid, email })).toContain('email:INVALID_EMAIL');
    },
  );

  it.each(['a.b+tag@example.dk', 'jens@møller.dk', 'x_y@sub.example.co.uk'])('accepts the e-mail %j', (email) => {
    expect(codes({ ...valid, email })).toEqual([]);
  });

  it.each([
    ['city', 'K\u0085benhavn'],
    ['name', 'Anna\tHansen'],
    ['address', 'Vestergade 5\nst.'],
    ['name', 'Anna\u2028Hansen'],
    ['about_me', 'Hej\u0007'],
    ['about_me', 'Hej\rmed dig'],
    ['about_me', 'Hej\u0000'],
  ])('refuses a control character in %s', (field, text) => {
    const key = { about_me: 'aboutMe', postal_code: 'postalCode' }[field] ?? field;
    expect(codes({ ...valid, [key]: text })).toContain(`${field}:CONTROL_CHARACTER`);
  });

  it.each([
    ['name', 'Anna\u202eHansen'],
    ['email', 'a\u2066@example.dk'],
    ['city', 'Odense\u202c'],
    ['about_me', '\u2067Hej\u2069'],
  ])('refuses a bidi override or isolate in %s', (field, text) => {
    const key = { about_me: 'aboutMe' }[field] ?? field;
    expect(codes({ ...valid, [key]: text })).toContain(`${field}:BIDI_CONTROL`);
  });

  it('accepts right-to-left names, with the implicit direction marks real text uses', () => {
    for (const name of ['محمد الأحمد', 'דוד כהן', 'Sara \u200fسارة', 'Omar \u200eعمر']) expect(codes({ ...valid, name })).toEqual([]);
  });

  it('refuses text a decoder could not read, and text garbled by a wrong encoding', () => {
    expect(codes({ ...valid, name: 'Bo \ufffd' })).toEqual(['name:ENCODING']);
    expect(codes({ ...valid, city: 'K\ud800benhavn' })).toEqual(['city:ENCODING']);
    expect(codes({ ...valid, name: 'SÃ¸ren Ã†belÃ¸' })).toEqual(['name:GARBLED_TEXT']);
    expect(codes({ ...valid, name: 'João Ãngelo', city: 'São Paulo' })).toEqual([]);
  });

  it('keeps tabs and line breaks in "about me", with Windows line breaks made plain', () => {
    expect(normaliseMember({ ...valid, aboutMe: 'Linje 1\r\nLinje\t2' }).value?.aboutMe).toBe('Linje 1\nLinje\t2');
  });

  it.each([
    ['name', '=HYPERLINK("http://x")'],
    ['city', '@SUM(A1)'],
    ['address', '+cmd|calc'],
    ['about_me', '-cmd'],
    ['about_me', "-2+3+cmd|' /C calc'!A0"],
    ['city', "+1+cmd|' /C calc'!A0"],
    ['name', '- Anna'],
    ['phone', '=20123456'],
  ])('refuses %s %j that starts like a spreadsheet formula', (field, text) => {
    const key = { about_me: 'aboutMe' }[field] ?? field;
    expect(codes({ ...valid, [key]: text })).toContain(`${field}:FORMULA`);
  });

  it('does not take a lone dash, a negative number or an international phone number for a formula', () => {
    expect(codes({ ...valid, city: '-', address: '-5', phone: '+45 20 12 34 56', aboutMe: '+45 31 22 33 44 efter kl. 16' })).toEqual([]);
  });
});

describe('CPR numbers', () => {
  it.each(['010190-1234', '0101901234', 'Mit cpr er 311299-4321.', 'cpr:2802851234', '010190 1234', '010190\u20131234', '010190 - 1234', '０１０１９０-１２３４'])('finds a CPR number in %j', (text) => {
    expect(containsCprNumber(text)).toBe(true);
  });

  it.each(['+45 20123456', '4520123456', '2200', '20 12 34 56', '12345678901', '320190-1234', '011390-1234', 'Diagnosticeret i 2019'])(
    'does not take %j for a CPR number',
    (text) => {
      expect(containsCprNumber(text)).toBe(false);
    },
  );

  it.each([
    ['name', 'Anna 010190-1234'],
    ['email', '0101901234@example.dk'],
    ['address', 'Vestergade 5, 010190-1234'],
    ['postalCode', '0101901234'],
    ['city', '010190-1234'],
    ['aboutMe', 'Mit CPR-nr. er 010190-1234'],
    ['phone', '010190-1234'],
  ])('refuses a CPR number in %s without repeating it in the message', (key, text) => {
    const { problems } = normaliseMember({ ...valid, [key]: text });
    expect(problems.map((p) => p.code)).toContain('CPR_NUMBER');
    expect(JSON.stringify(problems)).not.toContain('1234');
  });

  it('accepts a valid phone number that happens to look like a CPR number', () => {
    expect(normaliseMember({ ...valid, phone: '+1 3105551234' }).value?.phone).toBe('+13105551234');
  });
});

describe('normalisePhone', () => {
  it.each([
    ['20 12 34 56', '+4520123456'],
    ['0045 40404040', '+4540404040'],
    ['+45 31 22 33 44', '+4531223344'],
    ['+4520123456', '+4520123456'],
    ['(+45) 51-51-51-51', '+4551515151'],
    ['+1 310 555 1234', '+13105551234'],
  ])('writes %j as %s', (text, e164) => {
    expect(normalisePhone(text)).toBe(e164);
  });

  it.each(['12345', 'ring efter kl. 16', '20123456 ext. 12', '+45 2012345678901234567890123456789012345'])('refuses %j', (text) => {
    expect(normalisePhone(text)).toBeNull();
  });
});
