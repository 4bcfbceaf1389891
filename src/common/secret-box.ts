import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh 256-bit key (a member session's key lives only in the member's cookie). */
export const newSessionKey = (): Buffer => randomBytes(KEY_BYTES);

/**
 * AES-256-GCM under `key`, bound to an owner id (associated data: a session id, a member id), so a
 * sealed secret copied to another row does not open.
 */
export function sealSecret(key: Buffer, sessionId: string, secret: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(sessionId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** The sealed secret, or undefined when the key is wrong or the data was changed. */
export function openSecret(key: Buffer, sessionId: string, sealed: Buffer): string | undefined {
  if (key.length !== KEY_BYTES || sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(sessionId));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
