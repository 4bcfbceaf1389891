import { createHmac, timingSafeEqual } from 'node:crypto';
import { b64, b64DecodeStrict, hkdf } from './age-primitives.js';

/**
 * The textual age v1 header (https://age-encryption.org/v1): version line, one stanza per
 * recipient, and a MAC line. Encoding is what bundles use; the strict decoder exists so the CCTV
 * vectors can prove encoding and decoding agree with the reference implementations.
 */
export interface Stanza {
  args: string[];
  body: Uint8Array;
}

export interface DecodedHeader {
  stanzas: Stanza[];
  mac: Buffer;
  /** The bytes the MAC covers: the header up to and including "---". */
  macInput: Buffer;
  /** Header length in bytes, final newline included; the payload starts here. */
  length: number;
}

const VERSION_LINE = 'age-encryption.org/v1';
const BYTES_PER_LINE = 48;
export const NONCE_SIZE = 16;

/** HMAC-SHA256 under HKDF(file key, "header"): binds the stanzas to the file key. */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  return createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(macInput).digest();
}

/** Body lines hold 48 bytes (64 columns); the last line is always shorter, so empty if need be. */
function encodeBody(body: Uint8Array): string {
  let out = '';
  for (let at = 0; ; at += BYTES_PER_LINE) {
    const line = body.subarray(at, at + BYTES_PER_LINE);
    out += `${b64(line)}\n`;
    if (line.length < BYTES_PER_LINE) return out;
  }
}

/** The whole header, MAC line included. */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Buffer {
  let text = `${VERSION_LINE}\n`;
  for (const stanza of stanzas) text += `-> ${stanza.args.join(' ')}\n${encodeBody(stanza.body)}`;
  text += '---';
  const macInput = Buffer.from(text, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${b64(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}

export function verifyHeaderMac(header: DecodedHeader, fileKey: Uint8Array): boolean {
  return timingSafeEqual(headerMac(fileKey, header.macInput), header.mac);
}

class HeaderError extends Error {
  constructor(reason: string) {
    super(`invalid age header: ${reason}`);
    this.name = 'AgeHeaderError';
  }
}

/** Reads LF-terminated lines; a line without its LF is an error (a header cannot end mid-line). */
class Lines {
  at = 0;
  constructor(private readonly bytes: Buffer) {}

  next(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    if (end < 0) throw new HeaderError('unexpected end of header');
    const line = this.bytes.toString('latin1', this.at, end);
    this.at = end + 1;
    return line;
  }

  startsWith(prefix: string): boolean {
    return this.bytes.toString('latin1', this.at, this.at + prefix.length) === prefix;
  }
}

/** An argument is one or more visible ASCII characters (no spaces, no CR). */
const ARGUMENT = /^[\x21-\x7e]+$/;

function decodeStanza(lines: Lines): Stanza {
  const [prefix, ...args] = lines.next().split(' ');
  if (prefix !== '->' || args.length === 0 || !args.every((a) => ARGUMENT.test(a))) throw new HeaderError('malformed stanza line');
  const parts: Buffer[] = [];
  for (;;) {
    const line = b64DecodeStrict(lines.next());
    if (!line) throw new HeaderError('malformed stanza body line');
    if (line.length > BYTES_PER_LINE) throw new HeaderError('stanza body line too long');
    parts.push(line);
    if (line.length < BYTES_PER_LINE) return { args, body: Buffer.concat(parts) };
  }
}

/**
 * Strict decoding, as the Go reference: LF line endings, canonical unpadded base64, full body
 * lines until a shorter final one, a 32-byte MAC, and room for the payload's 16-byte nonce.
 */
export function decodeHeader(file: Uint8Array): DecodedHeader {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const lines = new Lines(bytes);
  if (lines.next() !== VERSION_LINE) throw new HeaderError('unsupported version line');
  const stanzas: Stanza[] = [];
  while (!lines.startsWith('---')) stanzas.push(decodeStanza(lines));
  const macStart = lines.at;
  const macLine = lines.next();
  const mac = macLine.startsWith('--- ') ? b64DecodeStrict(macLine.slice(4)) : null;
  if (!mac || mac.length !== 32) throw new HeaderError('malformed MAC line');
  if (bytes.length - lines.at < NONCE_SIZE) throw new HeaderError('payload nonce is missing');
  return { stanzas, mac, macInput: bytes.subarray(0, macStart + 3), length: lines.at };
}
