import { DomainError } from '../common/domain-error.js';
import type { FieldError } from './views/layout.js';
import type { Locale } from './views/portal-texts.js';

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
