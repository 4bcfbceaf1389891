import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** The organisation's logo (ORG_LOGO_PATH), read once at start and served from memory. */
export interface OrgLogo {
  bytes: Buffer;
  contentType: 'image/png' | 'image/svg+xml';
  /** A short content hash: the logo's URL changes when the file does, so it can be cached for long. */
  version: string;
}

export const MAX_LOGO_BYTES = 200 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** An SVG starts with its root element, after an optional byte order mark, XML declaration, comments, doctype. */
const SVG_START = /^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i;
/** Active content has no place in a logo; a browser would not run it in an <img>, but one opened directly might. */
const SVG_ACTIVE = /<script|<foreignObject|\son[a-z]+\s*=|javascript:|<iframe|<embed|<object/i;

/** Reads and checks the logo; throws a message naming the problem (the caller names the key). */
export function readOrgLogo(path: string): OrgLogo {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new Error('is not a readable file');
  }
  if (size > MAX_LOGO_BYTES) throw new Error(`is ${Math.ceil(size / 1024)} KB; a logo may be at most 200 KB`);
  const bytes = readFileSync(path);
  let contentType: OrgLogo['contentType'];
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) contentType = 'image/png';
  else {
    const text = bytes.toString('utf8');
    if (!SVG_START.test(text)) throw new Error('is neither a PNG nor an SVG image (judged by its content, not its name)');
    if (SVG_ACTIVE.test(text)) throw new Error('is an SVG with scripts or event handlers; save it as a plain SVG or PNG');
    contentType = 'image/svg+xml';
  }
  return { bytes, contentType, version: createHash('sha256').update(bytes).digest('hex').slice(0, 12) };
}
