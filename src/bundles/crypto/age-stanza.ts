import { createHash, type KeyObject } from 'node:crypto';
import type { Stanza } from './age-header.js';
import { b64, b64DecodeStrict, hkdf, open, seal } from './age-primitives.js';
import type { RecipientKey } from './age-recipient.js';
import { ephemeralKeyPair, x25519 } from './x25519.js';

/**
 * Recipient stanzas: how one copy of the file key is wrapped for each recipient, using Node's
 * native X25519 and ChaCha20-Poly1305 (key = HKDF of the shared secret, nonce zero).
 */
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SSH_ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519';
const ZERO_NONCE = Buffer.alloc(12);
const FILE_KEY_SIZE = 16;

function x25519Stanza(theirs: Buffer, fileKey: Uint8Array): Stanza {
  const { secret, share } = ephemeralKeyPair();
  const shared = x25519(secret, theirs);
  const key = hkdf(shared, Buffer.concat([share, theirs]), X25519_LABEL);
  return { args: ['X25519', b64(share)], body: seal(key, ZERO_NONCE, fileKey) };
}

/**
 * The age ssh-ed25519 type (agessh in the Go implementation): X25519 to the key's Montgomery form,
 * tweaked by a value derived from the SSH key, so the stanza is bound to that exact key.
 */
function sshEd25519Stanza(theirs: Buffer, sshWire: Buffer, fileKey: Uint8Array): Stanza {
  const { secret, share } = ephemeralKeyPair();
  const tweak = hkdf(Buffer.alloc(0), sshWire, SSH_ED25519_LABEL);
  const shared = x25519(tweak, x25519(secret, theirs));
  const key = hkdf(shared, Buffer.concat([share, theirs]), SSH_ED25519_LABEL);
  const tag = b64(createHash('sha256').update(sshWire).digest().subarray(0, 4));
  return { args: ['ssh-ed25519', tag, b64(share)], body: seal(key, ZERO_NONCE, fileKey) };
}

export function wrapFileKey(recipient: RecipientKey, fileKey: Uint8Array): Stanza {
  if (fileKey.length !== FILE_KEY_SIZE) throw new Error('age file keys are 16 bytes');
  if (recipient.kind === 'x25519') return x25519Stanza(recipient.x25519, fileKey);
  if (!recipient.sshWire) throw new Error('ssh-ed25519 recipient without its SSH key');
  return sshEd25519Stanza(recipient.x25519, recipient.sshWire, fileKey);
}

/**
 * The X25519 identity side, as the Go implementation: malformed X25519 stanzas and all-zero
 * shared secrets throw, stanzas for someone else are skipped (null when none matched). The portal's
 * decrypted downloads use it (AgeEncryptor.decryptWithIdentity), and the CCTV vectors check it.
 */
export function unwrapX25519(stanzas: readonly Stanza[], identitySecret: Uint8Array | KeyObject, identityPublic: Uint8Array): Buffer | null {
  for (const stanza of stanzas) {
    if (stanza.args[0] !== 'X25519') continue;
    const share = stanza.args.length === 2 ? b64DecodeStrict(stanza.args[1]) : null;
    if (!share || share.length !== 32 || stanza.body.length !== FILE_KEY_SIZE + 16) throw new Error('invalid X25519 stanza');
    const shared = x25519(identitySecret, share);
    const key = hkdf(shared, Buffer.concat([share, identityPublic]), X25519_LABEL);
    const fileKey = open(key, ZERO_NONCE, stanza.body);
    if (fileKey) return fileKey;
  }
  return null;
}
