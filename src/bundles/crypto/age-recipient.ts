import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ValidationFailedError } from '../../common/domain-error.js';
import { b64 } from './age-primitives.js';
import { bech32Decode } from './bech32.js';
import { ed25519PublicToX25519, x25519 } from './x25519.js';

export type RecipientKind = 'x25519' | 'ssh-ed25519';

/** A public key a member receives bundles with, in canonical form. */
export interface ParsedRecipient {
  kind: RecipientKind;
  recipient: string;
  fingerprint: string;
}

/** A recipient with the key material the age header needs (kept out of ParsedRecipient, which gets stored). */
export interface RecipientKey extends ParsedRecipient {
  /** The X25519 public key the file key is wrapped to; for ssh-ed25519 the key converted to Montgomery form. */
  x25519: Buffer;
  /** ssh-ed25519 only: the SSH wire encoding of the key, which age derives its tag and tweak from. */
  sshWire?: Buffer;
}

const MAX_LENGTH = 1000;
const SSH_TYPE = 'ssh-ed25519';

/** Messages name the problem only: the input may be someone's pasted secret key. */
const invalid = (message: string) => new ValidationFailedError([{ field: 'recipient', code: 'INVALID_RECIPIENT', message }]);
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

function sshString(buf: Buffer, at: number): { value: Buffer; next: number } | null {
  if (at + 4 > buf.length) return null;
  const length = buf.readUInt32BE(at);
  if (at + 4 + length > buf.length) return null;
  return { value: buf.subarray(at + 4, at + 4 + length), next: at + 4 + length };
}

function decodeSsh(text: string): RecipientKey {
  const [type, body] = text.split(/[ \t]+/);
  if (type !== SSH_TYPE) throw invalid('Only ssh-ed25519 SSH keys can be used; RSA, ECDSA and other SSH key types are not supported');
  const wire = body && /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, 'base64') : null;
  const name = wire && sshString(wire, 0);
  const key = wire && name && sshString(wire, name.next);
  const wellFormed =
    wire && name && key && name.value.toString('latin1') === SSH_TYPE && key.value.length === 32 && key.next === wire.length;
  if (!wellFormed || wire.toString('base64').replace(/=+$/, '') !== body.replace(/=+$/, '')) {
    throw invalid('The SSH key is not a valid ssh-ed25519 public key');
  }
  let montgomery: Buffer;
  try {
    montgomery = ed25519PublicToX25519(key.value);
  } catch {
    throw invalid('The SSH key is not a valid ssh-ed25519 public key');
  }
  return {
    kind: 'ssh-ed25519',
    recipient: `${SSH_TYPE} ${wire.toString('base64')}`,
    // The same value `ssh-keygen -l` prints.
    fingerprint: `SHA256:${b64(sha256(wire))}`,
    x25519: montgomery,
    sshWire: wire,
  };
}

function decodeX25519(text: string): RecipientKey {
  const decoded = bech32Decode(text);
  if (!decoded) throw invalid('The age recipient is not valid (it should be age1… with a correct checksum)');
  if (decoded.hrp !== 'age') throw invalid('Only X25519 age recipients (age1…) are supported, not plugin or post-quantum ones');
  if (decoded.data.length !== 32) throw invalid('The age recipient does not hold a 32-byte X25519 key');
  const recipient = text.toLowerCase();
  return { kind: 'x25519', recipient, fingerprint: `SHA256:${b64(sha256(recipient))}`, x25519: Buffer.from(decoded.data) };
}

/** Syntax checks and decoding, shared by registration (parseRecipient) and encryption. */
export function decodeRecipient(text: string): RecipientKey {
  if (typeof text !== 'string') throw invalid('The recipient must be text');
  const trimmed = text.trim();
  if (trimmed === '') throw invalid('The recipient is empty');
  if (trimmed.length > MAX_LENGTH) throw invalid(`The recipient is longer than ${MAX_LENGTH} characters`);
  if (/^AGE-(SECRET-KEY|PLUGIN)-/i.test(trimmed) || /PRIVATE KEY/i.test(trimmed)) {
    throw invalid('This is a secret key: it must never be shared, not even here. Register the public key (age1… or ssh-ed25519 …) instead');
  }
  if (/[\r\n]/.test(trimmed)) throw invalid('The recipient must be a single key on one line');
  if (/^age1pq1/i.test(trimmed)) throw invalid('Post-quantum age recipients are not supported yet; use an X25519 age1… recipient');
  if (/^age1/i.test(trimmed)) return decodeX25519(trimmed);
  if (/^ssh-|^ecdsa-|^sk-/.test(trimmed)) return decodeSsh(trimmed);
  throw invalid('The recipient must be an age1… X25519 recipient or an ssh-ed25519 public key');
}

let probe: KeyObject | undefined;

/** Low-order keys would make every encryption to them fail (or be readable by anyone); refuse them up front. */
function isLowOrder(point: Buffer): boolean {
  probe ??= generateKeyPairSync('x25519').privateKey;
  try {
    x25519(probe, point);
    return false;
  } catch {
    return true;
  }
}

/**
 * Validates a public key a member registers: an X25519 `age1…` recipient or an OpenSSH
 * `ssh-ed25519` key. Returns its canonical form (lower-case; SSH comment dropped) and fingerprint.
 */
export function parseRecipient(text: string): ParsedRecipient {
  const { kind, recipient, fingerprint, x25519: point } = decodeRecipient(text);
  if (isLowOrder(point)) throw invalid('The recipient is not a usable public key');
  return { kind, recipient, fingerprint };
}
