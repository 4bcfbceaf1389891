import { DomainError } from '../common/domain-error.js';
import type { FieldError } from './views/layout.js';
import { TEXTS, type Locale } from './views/portal-texts.js';
import { MEMBER_FIELDS, type MemberField } from '../members/member-fields.js';

const MESSAGES: Record<string, { da: string; en: string }> = {
  PASSWORD_TOO_SHORT: { da: 'Adgangskoden skal have mindst 12 tegn', en: 'The password must have at least 12 characters' },
  PASSWORD_TOO_LONG: { da: 'Adgangskoden må højst have 256 tegn', en: 'The password may have at most 256 characters' },
  PASSWORD_TOO_COMMON: { da: 'Adgangskoden er for almindelig. Vælg en længere sætning, kun du kan finde på', en: 'The password is too common. Choose a longer sentence only you would think of' },
  PASSWORD_REQUIRED: { da: 'Skriv en adgangskode', en: 'Enter a password' },
  INVALID_EMAIL: { da: 'Skriv en gyldig e-mailadresse, fx navn@eksempel.dk', en: 'Enter a valid e-mail address, like name@example.org' },
  INVALID_NAME: { da: 'Skriv dit navn (højst 200 tegn)', en: 'Enter your name (at most 200 characters)' },
  INVALID_CHANNEL: { da: 'Vælg, hvor du kender os fra', en: 'Choose where you know us from' },
  TOTP_CODE_WRONG: { da: 'Koden er forkert eller for gammel. Prøv med den nye kode', en: 'The code is wrong or too old. Try the new code' },
  CURRENT_PASSWORD_WRONG: { da: 'Den nuværende adgangskode er forkert', en: 'The current password is wrong' },
};

/**
 * A service's validation error as form errors in the page's language. The service names the field
 * and the problem code; the page says it in words a member understands.
 */
export function formErrors(error: unknown, locale: Locale): FieldError[] | undefined {
  if (!(error instanceof DomainError) || error.kind !== 'invalid') return undefined;
  const problems = error.problems.length ? error.problems : [{ field: error.field, code: error.code, message: error.message }];
  return problems.map((p) => {
    return { field: p.field ?? 'form', message: MESSAGES[p.code]?.[locale] ?? p.message };
  });
}

/** The members service's problem codes for a contact field, with `{field}` for the field's label. */
const FIELD_MESSAGES: Record<string, { da: string; en: string }> = {
  REQUIRED: { da: 'Skriv {field}', en: 'Enter {field}' },
  INVALID_TYPE: { da: '{field} skal være tekst', en: '{field} must be text' },
  INVALID_PHONE: {
    da: '{field} er ikke et gyldigt telefonnummer. Skriv fx 20 12 34 56',
    en: '{field} is not a valid phone number. Enter for example 20 12 34 56',
  },
  TOO_LONG: { da: '{field} er for lang', en: '{field} is too long' },
  CONTROL_CHARACTER: {
    da: '{field} indeholder et usynligt tegn eller et linjeskift',
    en: '{field} contains an invisible character or a line break',
  },
  BIDI_CONTROL: {
    da: '{field} indeholder et usynligt tegn, der ændrer tekstens retning',
    en: '{field} contains an invisible character that changes the text direction',
  },
  CPR_NUMBER: {
    da: '{field} ligner et CPR-nummer. Vi må ikke gemme CPR-numre',
    en: '{field} looks like a CPR number. We must not store CPR numbers',
  },
  FORMULA: {
    da: '{field} må ikke begynde med =, @, + eller - efterfulgt af en formel',
    en: '{field} must not start with =, @, or + or - followed by a formula',
  },
  ENCODING: { da: '{field} indeholder tegn, der ikke kan læses', en: '{field} contains characters that cannot be read' },
  GARBLED_TEXT: {
    da: '{field} ser ud til at have forkerte tegn (fx "Ã¸" for "ø")',
    en: '{field} seems to hold wrong characters (such as "Ã¸" for "ø")',
  },
};

/**
 * The members service's validation of contact fields, as form errors: each names the field by its
 * label in the page's language; the code decides the words (the service's English is for the API).
 */
export function memberFieldErrors(error: unknown, locale: Locale): FieldError[] | undefined {
  if (!(error instanceof DomainError) || error.kind !== 'invalid') return undefined;
  const labels = TEXTS[locale].fields;
  return error.problems.map((p) => {
    const field = (MEMBER_FIELDS as readonly string[]).includes(p.field ?? '') ? (p.field as MemberField) : undefined;
    const words = FIELD_MESSAGES[p.code]?.[locale];
    if (!field || !words) return { field: field ?? 'form', message: p.message };
    const label = labels[field];
    return { field, message: words.replace('{field}', words.startsWith('{field}') ? label : label.toLowerCase()) };
  });
}
