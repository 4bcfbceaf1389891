import type { FieldProblem } from '../../common/domain-error.js';
import type { MemberField } from '../member-fields.js';
import { containsCprNumber } from './cpr.js';
import { normalisePhone } from './phone.js';
import { isValidEmail } from '../../common/email.js';

/** One member as read from a file (or the JSON API), normalised and checked, before it touches the database. */
export interface MemberDraft {
  row: number;
  name: string;
  email: string;
  phone: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  aboutMe: string | null;
}

export type MemberValue = Omit<MemberDraft, 'row'>;

/** Untrusted input: each field may be anything until it has been checked. */
export interface MemberInput {
  name?: unknown;
  email?: unknown;
  phone?: unknown;
  address?: unknown;
  postalCode?: unknown;
  city?: unknown;
  aboutMe?: unknown;
}

export const FIELD_LABELS: Record<MemberField, string> = {
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone',
  address: 'Address',
  postal_code: 'Postal code',
  city: 'City',
  about_me: 'About me',
};

interface TextRule {
  field: MemberField;
  max: number;
  /** Only "about me" may span several lines or hold a tab. */
  multiline?: boolean;
}

const RULES = {
  name: { field: 'name', max: 200 },
  email: { field: 'email', max: 254 },
  phone: { field: 'phone', max: 40 },
  address: { field: 'address', max: 200 },
  postalCode: { field: 'postal_code', max: 10 },
  city: { field: 'city', max: 100 },
  aboutMe: { field: 'about_me', max: 2000, multiline: true },
} satisfies Record<keyof MemberInput, TextRule>;

// C0, DEL, C1 and the line and paragraph separators: invisible in a list, and a line break where a
// field must be one line. NUL is among them, so a stray NUL byte in a file is named by row and field.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_EXCEPT_TAB_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
// The bidi embeddings, overrides and isolates can make a list show something other than what is
// stored ("Anna" displayed over "annA", an e-mail shown reversed). Right-to-left names need none of
// them: Arabic and Hebrew letters carry their own direction, and the implicit marks (LRM U+200E,
// RLM U+200F, ALM U+061C) that such text legitimately uses reorder nothing but neutral characters.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

// What Excel and LibreOffice evaluate when a list is exported and opened again. A lone "-" (often
// "nothing"), "-5" and "+45 20 12 34 56" are not formulas; a sign followed by a number and then an
// operator, a call or a DDE link ("-2+3+cmd|' /C calc'!A0") is. A phone number may start with "+",
// and is stored in E.164 anyway, so it is only held to = and @.
const FORMULA = /^(?:[=@]|[+-](?!$|\d[^=+*/^&|!()]*$))/;
const PHONE_FORMULA = /^[=@]/;

// U+FFFD stands where a decoder met bytes it could not read: the text has already lost something.
const REPLACEMENT = '\ufffd';
// Only JSON can carry half a surrogate pair; PostgreSQL would get U+FFFD in its place.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// UTF-8 read as Windows-1252 and saved again ("SÃ¸ren" for "Søren"): Ã or Â followed by what
// Windows-1252 shows for a UTF-8 continuation byte (0x80-0xBF). No real name holds such a pair.
const MOJIBAKE = /[\u00c2\u00c3][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

export { isValidEmail };

type Report = (field: MemberField, code: string, message: string) => void;

/** Marks a value that already has a problem, so "required" is not reported on top of "must be text". */
const REPORTED = Symbol('reported');

function readText(raw: unknown, rule: TextRule, report: Report, opts: { skipCpr?: boolean } = {}): string | null | typeof REPORTED {
  if (raw === undefined || raw === null) return null;
  const label = FIELD_LABELS[rule.field];
  if (typeof raw !== 'string') {
    report(rule.field, 'INVALID_TYPE', `${label} must be text`);
    return REPORTED;
  }
  let value = raw.trim();
  if (value === '') return null;
  if (rule.multiline) value = value.replace(/\r\n/g, '\n');
  if (LONE_SURROGATE.test(value) || value.includes(REPLACEMENT)) {
    report(rule.field, 'ENCODING', `${label} holds bytes that are not valid text (shown as \u{FFFD}); correct it and save the file as "CSV UTF-8"`);
  } else if (MOJIBAKE.test(value)) {
    report(rule.field, 'GARBLED_TEXT', `${label} looks garbled by a wrong text encoding (such as "Ã¸" for "ø"); open the original file and save it as "CSV UTF-8"`);
  }
  value = value.normalize('NFC');
  if ((rule.multiline ? CONTROL_EXCEPT_TAB_NEWLINE : CONTROL).test(value)) {
    report(rule.field, 'CONTROL_CHARACTER', rule.multiline ? `${label} contains a control character` : `${label} contains a control character or a line break (it must be one line)`);
  }
  if (BIDI_CONTROL.test(value)) {
    report(rule.field, 'BIDI_CONTROL', `${label} contains an invisible text-direction control (U+202A-U+202E, U+2066-U+2069) that can make it display as something else`);
  }
  if (!opts.skipCpr && containsCprNumber(value)) {
    report(rule.field, 'CPR_NUMBER', `${label} looks like a Danish CPR number; listebud must not store CPR numbers`);
  }
  if ((rule.field === 'phone' ? PHONE_FORMULA : FORMULA).test(value)) {
    report(rule.field, 'FORMULA', `${label} starts like a spreadsheet formula (=, @, or + or - followed by a formula)`);
  }
  if (rule.field !== 'phone' && value.length > rule.max) {
    report(rule.field, 'TOO_LONG', `${label} is longer than ${rule.max} characters`);
  }
  return value;
}

/**
 * Trims, normalises and checks one member. Every problem is reported, none stops the others; messages
 * name the field, never the value, because the value is personal data and problems end up in logs.
 * `value` is only set when there are no problems.
 */
export function normaliseMember(input: MemberInput, row?: number): { value?: MemberValue; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const report: Report = (field, code, message) =>
    problems.push(row === undefined ? { code, message, field } : { code, message, field, row });

  const name = readText(input.name, RULES.name, report);
  if (name === null) report('name', 'REQUIRED', 'Name is required');

  let email = readText(input.email, RULES.email, report);
  if (email === null) report('email', 'REQUIRED', 'E-mail is required');
  else if (email !== REPORTED) {
    email = email.toLowerCase();
    // An over-long address is already reported as TOO_LONG; one problem per cause.
    if (email.length <= RULES.email.max && !isValidEmail(email)) report('email', 'INVALID_EMAIL', 'E-mail is not a valid address');
  }

  // A valid phone number is by definition not a CPR number (and an American number can look like one).
  const e164 = typeof input.phone === 'string' ? normalisePhone(input.phone.trim()) : null;
  const phone = readText(input.phone, RULES.phone, report, { skipCpr: e164 !== null });
  if (typeof phone === 'string' && e164 === null) report('phone', 'INVALID_PHONE', 'Phone is not a valid phone number');

  const address = readText(input.address, RULES.address, report);
  const postalCode = readText(input.postalCode, RULES.postalCode, report);
  const city = readText(input.city, RULES.city, report);
  const aboutMe = readText(input.aboutMe, RULES.aboutMe, report);

  if (problems.length > 0) return { problems };
  return {
    problems,
    value: {
      name: name as string,
      email: email as string,
      phone: e164,
      address: address as string | null,
      postalCode: postalCode as string | null,
      city: city as string | null,
      aboutMe: aboutMe as string | null,
    },
  };
}
