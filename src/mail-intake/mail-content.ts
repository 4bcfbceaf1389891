import { convert } from 'html-to-text';

/** The only headers fetched besides the envelope: enough to tell a machine's mail from a person's. */
export const SCREENING_HEADERS = [
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-autoreplied',
  'x-auto-response-suppress',
  'list-id',
  'return-path',
] as const;

export type SkipReason = 'own_address' | 'auto_reply' | 'bounce' | 'no_sender';

/** Unfolded header fields by lower-case name (the first of each), from a raw header block. */
export function parseHeaders(raw: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of raw.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Why a mail must not be answered, or null for a person's mail. Skipping machines' mail (RFC 3834:
 * auto-replies, lists, bounces) and the organisation's own keeps two systems from answering each
 * other in a loop.
 */
export interface ScreenedMail {
  from: string | undefined;
  headers: Map<string, string>;
  /** The top-level Content-Type, e.g. multipart/report for a delivery report. */
  contentType: string;
  ownAddresses: Set<string>;
}

export function skipReason(o: ScreenedMail): SkipReason | null {
  const from = o.from?.trim().toLowerCase();
  if (!from) return 'no_sender';
  if (o.ownAddresses.has(from)) return 'own_address';
  const local = from.split('@')[0];
  if (local === 'mailer-daemon' || local === 'postmaster') return 'bounce';
  if (o.contentType.toLowerCase() === 'multipart/report') return 'bounce';
  const returnPath = o.headers.get('return-path');
  if (returnPath !== undefined && (/^<?\s*>?$/.test(returnPath) || /mailer-daemon/i.test(returnPath))) return 'bounce';
  const h = o.headers;
  const autoSubmitted = h.get('auto-submitted')?.split(';')[0].trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return 'auto_reply';
  if (/^(bulk|junk|list|auto_reply)$/i.test(h.get('precedence')?.trim() ?? '')) return 'auto_reply';
  if (h.has('x-autoreply') || h.has('x-autorespond') || h.has('x-autoreplied') || h.has('list-id')) return 'auto_reply';
  if (/\b(all|oof|autoreply)\b/i.test(h.get('x-auto-response-suppress') ?? '')) return 'auto_reply';
  return null;
}

/** The part of a body structure that holds what the person wrote. */
export interface TextPart {
  /** IMAP part number; '1' for a mail that is a single text part. */
  part: string;
  html: boolean;
}

interface StructureNode {
  part?: string;
  type: string;
  disposition?: string;
  childNodes?: StructureNode[];
}

/**
 * The first text/plain part that is not an attachment, else the first such text/html part. Parts
 * inside attached messages and attachments are never chosen, so their contents are never fetched.
 */
export function findTextPart(root: StructureNode): TextPart | null {
  const candidates: { part: string; html: boolean }[] = [];
  const walk = (node: StructureNode, part: string) => {
    const type = node.type.toLowerCase();
    if (node.disposition?.toLowerCase() === 'attachment' || type === 'message/rfc822') return;
    if (node.childNodes) {
      node.childNodes.forEach((child, i) => walk(child, child.part ?? (part ? `${part}.${i + 1}` : String(i + 1))));
      return;
    }
    if (type === 'text/plain' || type === 'text/html') candidates.push({ part: part || '1', html: type === 'text/html' });
  };
  walk(root, root.childNodes ? '' : (root.part ?? '1'));
  return candidates.find((c) => !c.html) ?? candidates[0] ?? null;
}

export const NAME_MAX = 200;

const HTML_TO_TEXT = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

/** Only the person's name is kept: the first line with text, whitespace runs made single spaces. */
export function nameFromBody(body: string, html: boolean): string | null {
  const text = html ? convert(body, HTML_TO_TEXT) : body;
  for (const line of text.split(/\r?\n/)) {
    // eslint-disable-next-line no-control-regex
    const clean = line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
    if (clean) return clean.slice(0, NAME_MAX).trim();
  }
  return null;
}

/** The bare address of a From-like value such as `listebud <no-reply@example.org>`. */
export function bareAddress(value: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(value);
  return m ? m[1].toLowerCase() : null;
}
