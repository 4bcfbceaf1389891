import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../../common/domain-error.js';
import { bech32Decode } from './bech32.js';

export type RecipientKind = 'x25519' | 'ssh-ed25519';

/** A recipient in canonical form, with the 32-byte public key it names. */
export interface ParsedRecipient {
  kind: RecipientKind;
  recipient: string;
  fingerprint: string;
  publicKey: Buffer;
  /** For ssh-ed25519: the SSH wire encoding of the key (age derives its tag and tweak from it). */
  sshWire?: Buffer;
}

const MAX_LENGTH = 1000;
const invalid = (message: string) => new ValidationFailedError([{ field: 'recipient', code: 'INVALID_RECIPIENT', message }]);
const b64 = (data: Buffer) => data.toString('base64').replace(/=+$/, '');

function sshString(buf: Buffer, at: number): { value: Buffer; next: number } | null {
  if (at + 4 > buf.length) return null;
  const length = buf.readUInt32BE(at);
  if (at + 4 + length > buf.length) return null;
  return { value: buf.subarray(at + 4, at + 4 + length), next: at + 4 + length };
}

function parseSsh(text: string): ParsedRecipient {
  const [type, body] = text.split(/\s+/);
  if (type !== 'ssh-ed25519') throw invalid('Only ssh-ed25519 SSH keys can be used; RSA and other SSH key types are not supported');
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalid('The SSH key is not valid base64');
  const wire = Buffer.from(body, 'base64');
  const name = sshString(wire, 0);
  const key = name && sshString(wire, name.next);
  if (!name || !key || name.value.toString('latin1') !== 'ssh-ed25519' || key.value.length !== 32 || key.next !== wire.length) {
    throw invalid('The SSH key is not a valid ssh-ed25519 public key');
  }
  return {
    kind: 'ssh-ed25519',
    recipient: `ssh-ed25519 ${wire.toString('base64')}`,
    fingerprint: `SHA256:${b64(createHash('sha256').update(wire).digest())}`,
    publicKey: Buffer.from(key.value),
    sshWire: wire,
  };
}

function parseX25519(text: string): ParsedRecipient {
  const decoded = bech32Decode(text);
  if (!decoded || decoded.hrp !== 'age') throw invalid('The age recipient is not valid (it should be age1… with a correct checksum)');
  if (decoded.data.length !== 32) throw invalid('The age recipient does not hold a 32-byte X25519 key');
  const recipient = text.toLowerCase();
  return {
    kind: 'x25519',
    recipient,
    fingerprint: `SHA256:${b64(createHash('sha256').update(recipient).digest())}`,
    publicKey: Buffer.from(decoded.data),
  };
}

/**
 * Reads a public key a member can receive bundles with: an X25519 `age1…` recipient or an OpenSSH
 * `ssh-ed25519` key. Error messages never repeat the input (it may be a pasted secret).
 */
export function parseRecipient(text: string): ParsedRecipient {
  if (typeof text !== 'string') throw invalid('The recipient must be text');
  const trimmed = text.trim();
  if (trimmed === '') throw invalid('The recipient is empty');
  if (trimmed.length > MAX_LENGTH) throw invalid(`The recipient is longer than ${MAX_LENGTH} characters`);
  if (/^AGE-SECRET-KEY-/i.test(trimmed) || /PRIVATE KEY/.test(trimmed)) {
    throw invalid('This is a secret key. Never share it; register the public key (age1… or ssh-ed25519 …) instead');
  }
  if (/^age1pq1|^age1tag/i.test(trimmed)) throw invalid('Post-quantum and tag age recipients are not supported yet; use an X25519 age1… recipient');
  if (/^age1/i.test(trimmed)) return parseX25519(trimmed);
  if (/^ssh-/.test(trimmed)) return parseSsh(trimmed);
  throw invalid('The recipient must be an age1… X25519 recipient or an ssh-ed25519 public key');
}
