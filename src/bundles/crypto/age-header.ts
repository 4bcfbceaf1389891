import { createCipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import type { ParsedRecipient } from './age-recipient.js';
import { ephemeralKeyPair, ed25519ToX25519, x25519 } from './x25519.js';

/** One recipient stanza of an age header. */
export interface Stanza {
  args: string[];
  body: Buffer;
}

const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SSH_ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519';
const ZERO_NONCE = Buffer.alloc(12);

export const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64').replace(/=+$/, '');
export const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string, length = 32) => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** ChaCha20-Poly1305 with a zero nonce: how age wraps the 16-byte file key. */
function wrap(key: Buffer, fileKey: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}

function x25519Stanza(recipient: ParsedRecipient, fileKey: Uint8Array): Stanza {
  const { secret, share } = ephemeralKeyPair();
  const shared = x25519(secret, recipient.publicKey);
  const key = hkdf(shared, Buffer.concat([share, recipient.publicKey]), X25519_LABEL);
  return { args: ['X25519', b64(share)], body: wrap(key, fileKey) };
}

/** The age ssh-ed25519 recipient type (as agessh in the reference implementation). */
function sshEd25519Stanza(recipient: ParsedRecipient, fileKey: Uint8Array): Stanza {
  const wire = recipient.sshWire!;
  const theirs = ed25519ToX25519(recipient.publicKey);
  const { secret, share } = ephemeralKeyPair();
  const tweak = hkdf(Buffer.alloc(0), wire, SSH_ED25519_LABEL);
  const shared = x25519(tweak, x25519(secret, theirs));
  const key = hkdf(shared, Buffer.concat([share, theirs]), SSH_ED25519_LABEL);
  const tag = b64(createHash('sha256').update(wire).digest().subarray(0, 4));
  return { args: ['ssh-ed25519', tag, b64(share)], body: wrap(key, fileKey) };
}

export function wrapFileKey(recipient: ParsedRecipient, fileKey: Uint8Array): Stanza {
  return recipient.kind === 'x25519' ? x25519Stanza(recipient, fileKey) : sshEd25519Stanza(recipient, fileKey);
}

/** Body lines are 64 columns; the last line is always shorter (empty if need be). */
function bodyLines(body: Buffer): string {
  const text = b64(body);
  let out = '';
  for (let i = 0; i <= text.length; i += 64) out += `${text.slice(i, i + 64)}\n`;
  return out;
}

/** The whole header, MAC included (HMAC-SHA256 keyed from the file key, over everything up to "---"). */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Buffer {
  let header = 'age-encryption.org/v1\n';
  for (const stanza of stanzas) header += `-> ${stanza.args.join(' ')}\n${bodyLines(stanza.body)}`;
  header += '---';
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(header, 'latin1').digest();
  return Buffer.from(`${header} ${b64(mac)}\n`, 'latin1');
}
