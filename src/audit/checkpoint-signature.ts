import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './hash-chain.js';

/** What a checkpoint signs: the head of the log at a moment. */
export interface CheckpointHead {
  seq: number;
  hash: string;
  /** ISO 8601 with milliseconds, as `Date.toISOString()` writes it. */
  at: string;
}

/** The public key as the API serves it and the export header carries it. */
export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  /** First 16 hex digits of the SHA-256 of the raw 32-byte key. */
  keyId: string;
  /** The raw 32-byte key in base64 and hex, and as a SubjectPublicKeyInfo PEM. */
  publicKeyBase64: string;
  publicKeyHex: string;
  publicKeyPem: string;
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The exact bytes signed: canonical JSON (keys sorted) of { at, hash, seq }, UTF-8. */
export function checkpointMessage(head: CheckpointHead): Buffer {
  return Buffer.from(canonicalJson({ seq: head.seq, hash: head.hash, at: head.at }), 'utf8');
}

export function signCheckpoint(privateKey: KeyObject, head: CheckpointHead): string {
  return sign(null, checkpointMessage(head), privateKey).toString('base64');
}

export function checkpointSignatureValid(publicKey: KeyObject, head: CheckpointHead, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, checkpointMessage(head), publicKey, bytes);
  } catch {
    return false;
  }
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function publicKeyInfo(publicKey: KeyObject): PublicKeyInfo {
  const raw = rawPublicKey(publicKey);
  return {
    algorithm: 'Ed25519',
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    publicKeyBase64: raw.toString('base64'),
    publicKeyHex: raw.toString('hex'),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * Reads a public key in any form an auditor may hold: a PEM ("BEGIN PUBLIC KEY"), the raw key in
 * base64 or hex, or the JSON the API serves at /api/v1/audit/public-key.
 */
export function parsePublicKey(text: string): KeyObject {
  const value = text.trim();
  let key: KeyObject;
  if (value.startsWith('{')) {
    let json: Partial<PublicKeyInfo>;
    try {
      json = JSON.parse(value) as Partial<PublicKeyInfo>;
    } catch {
      throw new Error('the public key JSON does not parse');
    }
    const inner = json.publicKeyPem ?? json.publicKeyBase64 ?? json.publicKeyHex;
    if (typeof inner !== 'string' || inner.trim().startsWith('{')) throw new Error('the JSON holds no publicKeyPem, publicKeyBase64 or publicKeyHex');
    return parsePublicKey(inner);
  } else if (value.includes('-----BEGIN PUBLIC KEY-----')) {
    try {
      key = createPublicKey(value);
    } catch {
      throw new Error('the PEM is not a public key');
    }
  } else {
    let raw: Buffer | undefined;
    if (/^[0-9a-fA-F]{64}$/.test(value)) raw = Buffer.from(value, 'hex');
    else if (/^[A-Za-z0-9+/]{43}=$/.test(value)) raw = Buffer.from(value, 'base64');
    if (!raw || raw.length !== 32) throw new Error('not a public key: give a PEM file, or the 32-byte key in base64 (44 characters) or hex (64 digits)');
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key is not an Ed25519 key');
  return key;
}
