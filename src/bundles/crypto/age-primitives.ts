import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * The small building blocks the age format is made of, on Node's native (OpenSSL) crypto:
 * HKDF-SHA256, ChaCha20-Poly1305 and age's unpadded, strictly canonical base64.
 */
export const TAG_SIZE = 16;

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/** ChaCha20-Poly1305 seal: returns ciphertext || tag. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  const head = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([head, cipher.getAuthTag()]);
}

/** ChaCha20-Poly1305 open of ciphertext || tag; null when authentication fails. */
export function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG_SIZE) return null;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    decipher.final();
  } catch {
    return null;
  }
  return plain;
}

/** Standard base64 without padding, as every age header field uses. */
export function b64(data: Uint8Array): string {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return pad === 0 ? text : text.slice(0, -pad);
}

const B64_ALPHABET = /^[A-Za-z0-9+/]*$/;

/**
 * Strict decoding: unpadded, no whitespace, and canonical (unused low bits zero), because age
 * requires one encoding per value; Node's own decoder is lenient. Null when not valid.
 */
export function b64DecodeStrict(text: string): Buffer | null {
  if (!B64_ALPHABET.test(text)) return null;
  const data = Buffer.from(text, 'base64');
  return b64(data) === text ? data : null;
}
