import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** X25519 with Node's native implementation (OpenSSL); keys are raw 32-byte strings as age uses them. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

// Importing a raw public key as JWK is about ten times faster than through a DER decoder.
const publicKeyObject = (point: Uint8Array) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point).toString('base64url') }, format: 'jwk' });

/** scalar · point. The scalar is clamped, as in RFC 7748 and Go's curve25519.X25519. */
export function x25519(scalar: Uint8Array | KeyObject, point: Uint8Array): Buffer {
  const privateKey = scalar instanceof Uint8Array ? createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' }) : scalar;
  const shared = diffieHellman({ privateKey, publicKey: publicKeyObject(point) });
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced the all-zero value (low-order point)');
  return shared;
}

/** A fresh ephemeral key: its private half as a key object, its public share as raw bytes. */
export function ephemeralKeyPair(): { secret: KeyObject; share: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { secret: privateKey, share: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url') };
}

const P = 2n ** 255n - 19n;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

/** The Montgomery u-coordinate of an Ed25519 public key: u = (1 + y) / (1 − y) mod p. */
export function ed25519ToX25519(publicKey: Uint8Array): Buffer {
  const le = Buffer.from(publicKey);
  le[31] &= 0x7f;
  const y = BigInt(`0x${Buffer.from(le).reverse().toString('hex')}`);
  if (y >= P || y === 1n) throw new Error('invalid Ed25519 public key');
  const u = (((1n + y) % P) * modPow((1n - y + P) % P, P - 2n)) % P;
  return Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse();
}
