import { createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';

/** X25519 with Node's native implementation (OpenSSL); keys are raw 32-byte strings as age uses them. */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const BASEPOINT = Buffer.concat([Buffer.from([9]), Buffer.alloc(31)]);

/** scalar · point. The scalar is clamped, as in RFC 7748 and Go's curve25519.X25519. */
export function x25519(scalar: Uint8Array, point: Uint8Array): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey, publicKey });
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced the all-zero value (low-order point)');
  return shared;
}

export function ephemeralKeyPair(): { secret: Buffer; share: Buffer } {
  const secret = randomBytes(32);
  return { secret, share: x25519(secret, BASEPOINT) };
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
