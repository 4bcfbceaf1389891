import type { FieldProblem } from '../../common/domain-error.js';
import type { MemberField } from '../member-fields.js';
import { containsCprNumber } from './cpr.js';

/** What a column of a member file can hold: a member field, or half of a split name. */
export type ColumnKey = MemberField | 'first_name' | 'last_name';

/**
 * Headings as Danish and English coordinators write them, compared after trimming, folding case and
 * collapsing inner spaces. The domain names themselves are accepted too, so our own exports read back.
 */
const HEADINGS: Record<ColumnKey, string[]> = {
  name: ['navn', 'name', 'fulde navn', 'full name'],
  first_name: ['fornavn', 'first name', 'firstname'],
  last_name: ['efternavn', 'last name', 'lastname', 'surname'],
  email: ['e-mail', 'email', 'e-mailadresse', 'e-mail-adresse', 'e-mail adresse', 'mail', 'email address', 'e-mail address'],
  phone: ['telefon', 'tlf', 'tlf.', 'mobil', 'phone', 'telefonnummer', 'telefonnr.', 'mobilnummer', 'mobile'],
  address: ['adresse', 'address'],
  postal_code: ['postnr.', 'postnr', 'postnummer', 'postal code', 'postal_code', 'zip', 'zip code', 'postcode'],
  city: ['by', 'city', 'postdistrikt'],
  about_me: ['om mig', 'about me', 'about_me'],
};

const KEY_BY_HEADING = new Map<string, ColumnKey>(
  (Object.entries(HEADINGS) as [ColumnKey, string[]][]).flatMap(([key, names]) => names.map((n) => [n, key] as const)),
);

export function columnKeyFor(heading: string): ColumnKey | undefined {
  return KEY_BY_HEADING.get(heading.trim().replace(/\s+/g, ' ').toLowerCase());
}

export interface ColumnMap {
  /** The key of each column by position; null for a column we do not read. */
  keys: (ColumnKey | null)[];
  /** Whether the column has a heading at all; a value under no heading is reported, not dropped silently. */
  headed: boolean[];
  problems: FieldProblem[];
  /** False when a required column is missing: reading the rows would only repeat that problem. */
  usable: boolean;
}

const HEADING_IN_MESSAGE = /^[\p{L}\p{N} ._'()/-]{1,40}$/u;

/** Headings are not personal data as a rule, but a pasted data row can sit where the headings belong. */
function describeColumn(heading: string, index: number): string {
  const clean = heading.trim();
  return HEADING_IN_MESSAGE.test(clean) && !containsCprNumber(clean) && !clean.includes('@')
    ? `Column "${clean}"`
    : `Column ${index + 1}`;
}

export function mapColumns(headings: string[], row: number): ColumnMap {
  const problems: FieldProblem[] = [];
  const keys: (ColumnKey | null)[] = [];
  const headed: boolean[] = [];
  const seen = new Set<ColumnKey>();
  headings.forEach((heading, index) => {
    headed.push(heading.trim() !== '');
    const key = columnKeyFor(heading);
    if (key === undefined) {
      keys.push(null);
      if (heading.includes('\uFFFD')) {
        problems.push({ code: 'ENCODING', message: `The heading of column ${index + 1} holds bytes that are not valid text; save the file as "CSV UTF-8"`, row });
      } else if (heading.trim() !== '') {
        problems.push({ code: 'UNKNOWN_COLUMN', message: `${describeColumn(heading, index)} is not a member field`, row });
      }
      return;
    }
    if (seen.has(key)) {
      keys.push(null);
      problems.push({
        code: 'DUPLICATE_COLUMN',
        message: `${describeColumn(heading, index)} holds the same field as an earlier column`,
        field: key === 'first_name' || key === 'last_name' ? 'name' : key,
        row,
      });
      return;
    }
    seen.add(key);
    keys.push(key);
  });

  let usable = true;
  if (!seen.has('name') && !seen.has('first_name') && !seen.has('last_name')) {
    usable = false;
    problems.push({ code: 'MISSING_COLUMN', message: 'The file has no name column (Navn, or Fornavn and Efternavn)', field: 'name', row });
  }
  if (!seen.has('email')) {
    usable = false;
    problems.push({ code: 'MISSING_COLUMN', message: 'The file has no e-mail column (E-mail)', field: 'email', row });
  }
  return { keys, headed, problems, usable };
}
