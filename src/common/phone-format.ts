import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A stored phone number (E.164, `+4599944278`) as people write it: a Danish number in national
 * pairs (`99 94 42 78`), any other in international format with spaces (`+46 8 123 456 78`). The
 * database keeps E.164; this is for what people read (lists, PDF, pages). A value that is not a
 * valid E.164 number (older or hand-made data) is shown as it is stored.
 */
export function formatPhone(stored: string): string {
  const parsed = stored.startsWith('+') ? parsePhoneNumberFromString(stored) : undefined;
  if (!parsed || !parsed.isValid()) return stored;
  return parsed.country === 'DK' ? parsed.formatNational() : parsed.formatInternational();
}
