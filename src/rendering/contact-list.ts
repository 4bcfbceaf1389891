import type { MemberField } from '../members/member-fields.js';
import { formatPhone } from '../common/phone-format.js';

/** What a contact list shows: the edition's rows, in order, already reduced to consented fields. */
export interface ContactListDocument {
  title: string;
  editionId: string;
  publishedAt: Date;
  /** IANA zone the list's dates are shown in. */
  timeZone: string;
  columns: readonly MemberField[];
  rows: readonly Partial<Record<MemberField, string>>[];
  /**
   * Every name a copy may be handed to. The PDF embeds only the glyphs it uses, so the glyphs of
   * the watermarks must be known when the edition is laid out once for all recipients.
   */
  recipientNames: readonly string[];
}

/** Who a copy was handed to; printed on every page and sheet header. */
export interface Watermark {
  recipientName: string;
  bundleId: string;
  issuedAt: Date;
}

/** A rendered file, as chunks (a shared prefix is not copied per recipient) with its digests. */
export interface StampedFile {
  chunks: Uint8Array[];
  bytes: number;
  crc32: number;
  sha256: string;
}

export const COLUMN_LABELS: Record<MemberField, string> = {
  name: 'Navn',
  email: 'E-mail',
  phone: 'Telefon',
  address: 'Adresse',
  postal_code: 'Postnr.',
  city: 'By',
  about_me: 'Om mig',
};

const shown = new WeakMap<ContactListDocument, ContactListDocument>();

/**
 * The document as people read it: phone numbers in their written form (the edition keeps E.164).
 * Kept per document, as the XLSX and the PDF of an edition are prepared from the same one.
 */
export function forDisplay(doc: ContactListDocument): ContactListDocument {
  let display = shown.get(doc);
  if (!display) {
    const phone = (row: ContactListDocument['rows'][number]) => (row.phone ? { ...row, phone: formatPhone(row.phone) } : row);
    display = { ...doc, rows: doc.columns.includes('phone') ? doc.rows.map(phone) : doc.rows };
    shown.set(doc, display);
  }
  return display;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "22. november 2026" in the list's time zone (formatters are costly to build, so kept). */
export function formatDate(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

const recipient = (watermark: Watermark) => watermark.recipientName.normalize('NFC').replace(/\s+/g, ' ').trim();

/** "Fortroligt, udleveret til <name>, <bundle id>, <date>" (leak tracing reads the bundle id). */
export function watermarkText(watermark: Watermark, timeZone: string): string {
  return `Fortroligt, udleveret til ${recipient(watermark)}, ${watermark.bundleId}, ${formatDate(watermark.issuedAt, timeZone)}`;
}

/** The spreadsheet's frozen first row, for people: "Fortroligt — udleveret til <name>, <date>". */
export function bannerText(watermark: Watermark, timeZone: string): string {
  return `Fortroligt — udleveret til ${recipient(watermark)}, ${formatDate(watermark.issuedAt, timeZone)}`;
}

/** Every character a watermark for these names can contain (all months, all hex digits). */
export function watermarkAlphabet(names: readonly string[], timeZone: string): string {
  const sample = new Set<string>();
  const add = (s: string) => {
    for (const ch of s) sample.add(ch);
  };
  add('Fortroligt, udleveret til 0123456789abcdef-.');
  for (let month = 0; month < 12; month++) add(formatDate(new Date(Date.UTC(2024, month, 15)), timeZone));
  for (const name of names) add(name.normalize('NFC'));
  return [...sample].join('');
}
