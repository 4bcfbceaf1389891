import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Digits, spaces and the punctuation people put in phone numbers; anything else is not a phone number. */
const PHONE_CHARACTERS = /^[\d\s+()./-]+$/;
const MAX_PHONE_INPUT = 40;

/**
 * The number in E.164 (`+4520123456`), or null when it is not a valid number. Without a country
 * prefix it is read as Danish; `0045` works as well as `+45`. An extension is refused rather than
 * silently dropped.
 */
export function normalisePhone(text: string): string | null {
  if (text.length > MAX_PHONE_INPUT || !PHONE_CHARACTERS.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text, 'DK');
  if (!parsed || parsed.ext || !parsed.isValid()) return null;
  return parsed.number;
}
