import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import type { Stanza } from './age-header.js';
import { b64, b64DecodeStrict, open, seal, TAG_SIZE } from './age-primitives.js';

/**
 * The age scrypt (passphrase) recipient type (https://age-encryption.org/v1, "The scrypt recipient
 * type"): `-> scrypt <base64 16-byte salt> <log2 N>`, the file key sealed with ChaCha20-Poly1305
 * (zero nonce) under scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r = 8, p = 1).
 *
 * scrypt runs on Node's asynchronous crypto.scrypt, in the libuv thread pool: at 2^18 it takes
 * a few hundred milliseconds and 256 MiB, and the event loop keeps serving other requests meanwhile.
 */
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
const SALT_SIZE = 16;
const FILE_KEY_SIZE = 16;
const ZERO_NONCE = Buffer.alloc(12);
const R = 8;
const P = 1;

/**
 * The highest work factor accepted. 2^20 is what the age-encryption JavaScript library (typage)
 * accepts on decryption, so nothing written here is unreadable there; it also bounds a file's cost to
 * 1 GiB of memory (the Go reference allows 2^22, 4 GiB).
 */
export const MAX_SCRYPT_WORK_FACTOR = 20;

/** A work factor is written as decimal without sign or leading zeros, as the Go reference requires. */
const WORK_FACTOR = /^[1-9][0-9]*$/;

class ScryptStanzaError extends Error {
  constructor(reason: string) {
    super(`invalid scrypt stanza: ${reason}`);
    this.name = 'AgeScryptStanzaError';
  }
}

function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  // OpenSSL needs 128·r·(N + p + 2) bytes; leave 1 MiB of room.
  const options: ScryptOptions = { N, r: R, p: P, maxmem: 128 * R * (N + P + 2) + (1 << 20) };
  const saltWithLabel = Buffer.concat([Buffer.from(SCRYPT_LABEL, 'latin1'), salt]);
  return new Promise((resolve, reject) =>
    scrypt(Buffer.from(passphrase, 'utf8'), saltWithLabel, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function checkWorkFactor(logN: number): void {
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SCRYPT_WORK_FACTOR) {
    throw new RangeError(`scrypt work factor must be an integer from 1 to ${MAX_SCRYPT_WORK_FACTOR}`);
  }
}

/** The scrypt stanza for a file key; the header must hold no other stanza. */
export async function wrapWithPassphrase(passphrase: string, fileKey: Uint8Array, logN: number, salt: Uint8Array = randomBytes(SALT_SIZE)): Promise<Stanza> {
  if (fileKey.length !== FILE_KEY_SIZE) throw new Error('age file keys are 16 bytes');
  if (salt.length !== SALT_SIZE) throw new Error('scrypt salt must be 16 bytes');
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new Error('the passphrase is empty');
  checkWorkFactor(logN);
  const key = await deriveKey(passphrase, salt, logN);
  return { args: ['scrypt', b64(salt), String(logN)], body: seal(key, ZERO_NONCE, fileKey) };
}

/**
 * age requires an scrypt stanza to be alone in its header (else a passphrase-encrypted file could
 * be silently readable by some other recipient too). Applies whatever identity decrypts the file.
 */
export function assertScryptAlone(stanzas: readonly Stanza[]): void {
  if (stanzas.length > 1 && stanzas.some((s) => s.args[0] === 'scrypt')) {
    throw new ScryptStanzaError('an scrypt stanza must be the only one in the header');
  }
}

/**
 * The passphrase side, as the Go reference: malformed scrypt stanzas (argument count, salt that is
 * not canonical base64 of 16 bytes, work factor not canonical decimal, zero, or above the cap, body
 * not a sealed 16-byte key) throw before any scrypt runs; a wrong passphrase gives null.
 */
export async function unwrapWithPassphrase(stanzas: readonly Stanza[], passphrase: string): Promise<Buffer | null> {
  assertScryptAlone(stanzas);
  for (const stanza of stanzas) {
    if (stanza.args[0] !== 'scrypt') continue;
    if (stanza.args.length !== 3) throw new ScryptStanzaError('wrong number of arguments');
    const salt = b64DecodeStrict(stanza.args[1]);
    if (!salt || salt.length !== SALT_SIZE) throw new ScryptStanzaError('the salt is not 16 bytes of canonical base64');
    if (!WORK_FACTOR.test(stanza.args[2])) throw new ScryptStanzaError('the work factor is not a canonical decimal number');
    const logN = Number(stanza.args[2]);
    if (logN > MAX_SCRYPT_WORK_FACTOR) throw new ScryptStanzaError(`the work factor is above ${MAX_SCRYPT_WORK_FACTOR}`);
    if (stanza.body.length !== FILE_KEY_SIZE + TAG_SIZE) throw new ScryptStanzaError('the body is not a sealed 16-byte file key');
    const fileKey = open(await deriveKey(passphrase, salt, logN), ZERO_NONCE, stanza.body);
    if (fileKey) return fileKey;
  }
  return null;
}
