import { randomBytes, type KeyObject } from 'node:crypto';
import { bech32Decode, bech32Encode } from './bech32.js';
import { publicKeyOf, toPrivateKey, x25519 } from './x25519.js';

/**
 * Native X25519 age identities (`AGE-SECRET-KEY-1…`): 32 random bytes as the scalar, bech32 with
 * the human-readable part "AGE-SECRET-KEY-" in upper case, as age-keygen writes them; the
 * recipient is scalar · basepoint as `age1…` (lower case).
 */
const IDENTITY_HRP = 'age-secret-key-';
const RECIPIENT_HRP = 'age';
const BASEPOINT = Buffer.concat([Buffer.from([9]), Buffer.alloc(31)]);

export interface X25519Identity {
  secret: Buffer;
  publicKey: Buffer;
  /** The secret imported once, for the key agreements that follow. */
  privateKey: KeyObject;
}

/**
 * Decodes an identity as the Go reference does: valid bech32, all upper case, the right HRP and a
 * 32-byte key. Surrounding whitespace (a newline from an identity file) is ignored. The error never
 * includes the input, which is a secret key.
 */
export function parseX25519Identity(text: string): X25519Identity {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const decoded = trimmed === trimmed.toUpperCase() ? bech32Decode(trimmed) : null;
  if (!decoded || decoded.hrp !== IDENTITY_HRP || decoded.data.length !== 32) {
    throw new Error('not a valid age X25519 identity (AGE-SECRET-KEY-1…)');
  }
  const secret = Buffer.from(decoded.data);
  const privateKey = toPrivateKey(secret);
  return { secret, publicKey: publicKeyOf(privateKey), privateKey };
}

export function recipientOf(publicKey: Uint8Array): string {
  return bech32Encode(RECIPIENT_HRP, publicKey);
}

export function generateX25519Identity(): { identity: string; recipient: string } {
  const secret = randomBytes(32);
  return { identity: bech32Encode(IDENTITY_HRP, secret).toUpperCase(), recipient: recipientOf(x25519(secret, BASEPOINT)) };
}
