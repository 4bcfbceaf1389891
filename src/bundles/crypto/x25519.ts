import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * X25519 on Node's native implementation, with keys as the raw 32-byte strings age uses.
 * Public keys are imported as JWK: OpenSSL 3 decodes DER several times slower (about 150 µs
 * against 20 µs per key), and one happens for every recipient of every bundle.
 */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

const toPublicKey = (point: Uint8Array) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point).toString('base64url') }, format: 'jwk' });

const fromDer = (scalar: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
const NO_X = Buffer.alloc(32).toString('base64url');
const fromJwk = (scalar: Uint8Array) =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(scalar).toString('base64url'), x: NO_X }, format: 'jwk' });

/** The raw public key (u-coordinate) of a private key, derived by OpenSSL. */
export function publicKeyOf(privateKey: KeyObject): Buffer {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('X25519 key export failed');
  return Buffer.from(x, 'base64url');
}

/**
 * Private keys too are faster as JWK (about 40 µs against 450 µs for DER; every portal download
 * imports one). Node builds a JWK private key from "d" alone ("x" must be present but is not
 * used), which is checked once here against DER; should that ever change, DER it is.
 */
const jwkPrivateImport = (() => {
  try {
    const probe = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    return publicKeyOf(fromJwk(probe)).equals(publicKeyOf(fromDer(probe)));
  } catch {
    return false;
  }
})();

/** A raw scalar as a private key (clamped by X25519 itself, as in RFC 7748 and Go). */
export const toPrivateKey = (scalar: Uint8Array): KeyObject => (jwkPrivateImport ? fromJwk(scalar) : fromDer(scalar));

/** scalar · point. Refuses the all-zero result (a low-order point), as age requires. */
export function x25519(scalar: Uint8Array | KeyObject, point: Uint8Array): Buffer {
  if (point.length !== 32) throw new Error('X25519 point must be 32 bytes');
  const privateKey = scalar instanceof Uint8Array ? toPrivateKey(scalar) : scalar;
  const shared = diffieHellman({ privateKey, publicKey: toPublicKey(point) });
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced the all-zero value (low-order point)');
  return shared;
}

/** A fresh ephemeral key pair: the secret stays a KeyObject, the share is the raw public key. */
export function ephemeralKeyPair(): { secret: KeyObject; share: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('X25519 key export failed');
  return { secret: privateKey, share: Buffer.from(x, 'base64url') };
}

const P = 2n ** 255n - 19n;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % P) + P) % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const inverse = (x: bigint) => modPow(x, P - 2n);
const D = (((-121665n * inverse(121666n)) % P) + P) % P;

/**
 * The Montgomery u-coordinate of an Ed25519 public key, u = (1 + y) / (1 − y) mod p, which the
 * age ssh-ed25519 recipient type encrypts to. Throws unless the 32 bytes encode a point on the
 * curve (canonical y, x recoverable) other than the identity.
 */
export function ed25519PublicToX25519(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
  const le = Buffer.from(publicKey);
  const sign = le[31] >> 7;
  le[31] &= 0x7f;
  const y = BigInt(`0x${le.reverse().toString('hex')}`);
  if (y >= P || y === 1n) throw new Error('not a usable Ed25519 public key');
  const y2 = (y * y) % P;
  const x2 = (((y2 - 1n + P) % P) * inverse((D * y2 + 1n) % P)) % P;
  const onCurve = x2 === 0n ? sign === 0 : modPow(x2, (P - 1n) / 2n) === 1n;
  if (!onCurve) throw new Error('not a usable Ed25519 public key');
  const u = (((1n + y) % P) * inverse((1n - y + P) % P)) % P;
  return Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse();
}
