import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { ValidationFailedError } from '../../common/domain-error.js';
import { decodeRecipient, parseRecipient } from './age-recipient.js';
import { bech32Decode, bech32Encode } from './bech32.js';

// Made with `age-keygen`; fingerprint from `printf %s <recipient> | openssl dgst -sha256 -binary | base64`.
const AGE_RECIPIENT = 'age1z0qj3vmtm75lh66dr5e4xqzxr38lvt8d74gm63jcy53vdda4xd0qwedzrj';
const AGE_FINGERPRINT = 'SHA256:wy7VfKd7ynYl38BccOFjSBWJ8PRdSR/igO/LyQ6Ufbg';
const AGE_IDENTITY = 'AGE-SECRET-KEY-16PQ5XQ0X4GKDNE4KUX3T0Z0QHA7E899GS34055H56UDARY3H0VSQD64RS8';
// The RFC 8032 test 1 public key in OpenSSH form; fingerprint as printed by `ssh-keygen -lf`.
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea';
const SSH_FINGERPRINT = 'SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8';

/** OpenSSH public key text for Node's Ed25519 public key (wire: string type, string key). */
function sshPublicKey(raw: Buffer): string {
  const field = (data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), data]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')}`;
}

function rejection(input: string): ValidationFailedError {
  try {
    parseRecipient(input);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error;
    throw error;
  }
  throw new Error('expected the recipient to be rejected');
}

describe('parseRecipient', () => {
  it('accepts a fixed age-keygen recipient with its known fingerprint', () => {
    expect(parseRecipient(AGE_RECIPIENT)).toEqual({ kind: 'x25519', recipient: AGE_RECIPIENT, fingerprint: AGE_FINGERPRINT });
  });

  it('trims and lower-cases an age1 recipient (bech32 allows all upper-case)', () => {
    expect(parseRecipient(`\t ${AGE_RECIPIENT.toUpperCase()} \n`).recipient).toBe(AGE_RECIPIENT);
  });

  it('decodes the same key age-encryption derives from the identity', async () => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const decoded = decodeRecipient(recipient);
    expect(decoded.recipient).toBe(recipient);
    expect(decoded.x25519.equals(Buffer.from(bech32Decode(recipient)!.data))).toBe(true);
    expect(parseRecipient(recipient).recipient).toBe(recipient);
    expect(parseRecipient(await identityToRecipient(AGE_IDENTITY)).recipient).toBe(AGE_RECIPIENT);
  });

  it('accepts an ssh-ed25519 key, drops the comment, and fingerprints it as ssh-keygen does', () => {
    expect(parseRecipient(`  ${SSH_KEY}   anna@laptop with spaces\n`)).toEqual({
      kind: 'ssh-ed25519',
      recipient: SSH_KEY,
      fingerprint: SSH_FINGERPRINT,
    });
  });

  it('accepts freshly generated ssh-ed25519 keys', () => {
    for (let i = 0; i < 5; i++) {
      const { x } = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      const key = sshPublicKey(Buffer.from(x!, 'base64url'));
      expect(parseRecipient(`${key} member`).recipient).toBe(key);
    }
  });

  const wire = (type: string, key: Buffer) =>
    Buffer.concat([Buffer.from([0, 0, 0, type.length]), Buffer.from(type), Buffer.from([0, 0, 0, key.length]), key]).toString('base64');
  const notOnCurve = Buffer.alloc(32);
  notOnCurve[0] = 2; // y = 2 gives no x on Ed25519
  const lowOrderAge = bech32Encode('age', Buffer.alloc(32)); // u = 0

  const bad: [string, string, RegExp][] = [
    ['empty input', '   \n', /empty/],
    ['input over 1000 characters', `age1${'q'.repeat(1200)}`, /longer than 1000/],
    ['an age secret key', AGE_IDENTITY, /secret key.*never be shared/],
    ['a lower-case age secret key', AGE_IDENTITY.toLowerCase(), /secret key.*never be shared/],
    ['a post-quantum age secret key', 'AGE-SECRET-KEY-PQ-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ', /secret key/],
    ['an OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', /secret key/],
    ['a recipient with a bad checksum', `${AGE_RECIPIENT.slice(0, -1)}${AGE_RECIPIENT.endsWith('q') ? 'p' : 'q'}`, /checksum/],
    ['a recipient in mixed case', `${AGE_RECIPIENT.slice(0, 10).toUpperCase()}${AGE_RECIPIENT.slice(10)}`, /checksum/],
    ['a recipient with a 31-byte key', bech32Encode('age', Buffer.alloc(31, 7)), /32-byte/],
    ['a low-order X25519 key', lowOrderAge, /not a usable/],
    ['a plugin recipient', bech32Encode('age1yubikey', Buffer.alloc(33, 3)), /Only X25519/],
    ['a post-quantum recipient', `age1pq1${'q'.repeat(300)}`, /Post-quantum/],
    ['two recipients on two lines', `${AGE_RECIPIENT}\n${SSH_KEY}`, /one line/],
    ['an RSA key', `ssh-rsa ${wire('ssh-rsa', Buffer.alloc(64, 1))} x@y`, /RSA/],
    ['an ECDSA key', `ecdsa-sha2-nistp256 ${wire('ecdsa-sha2-nistp256', Buffer.alloc(65, 4))}`, /not supported/],
    ['an ssh key without its base64', 'ssh-ed25519', /not a valid/],
    ['a cut ssh key', SSH_KEY.slice(0, 50), /not a valid/],
    ['an ssh key with trailing bytes', `ssh-ed25519 ${Buffer.concat([Buffer.from(wire('ssh-ed25519', Buffer.alloc(32, 9)), 'base64'), Buffer.from([0])]).toString('base64')}`, /not a valid/],
    ['an ssh key whose inner type is not ssh-ed25519', `ssh-ed25519 ${wire('ssh-ed25518', Buffer.alloc(32, 9))}`, /not a valid/],
    ['an ssh key with a 33-byte key', `ssh-ed25519 ${wire('ssh-ed25519', Buffer.alloc(33, 9))}`, /not a valid/],
    ['an ssh key that is not a curve point', `ssh-ed25519 ${wire('ssh-ed25519', notOnCurve)}`, /not a valid/],
    ['an ssh key with invalid base64', 'ssh-ed25519 AAAA$$$$', /not a valid/],
    ['something else', 'hello world', /must be an age1/],
  ];

  for (const [label, input, message] of bad) {
    it(`rejects ${label} as INVALID_RECIPIENT without echoing it`, () => {
      const error = rejection(input);
      expect(error.field).toBe('recipient');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatchObject({ field: 'recipient', code: 'INVALID_RECIPIENT' });
      expect(error.problems[0].message).toMatch(message);
      const shown = `${error.message} ${JSON.stringify(error)} ${error.problems[0].message}`;
      for (const piece of input.trim().split(/\s+/).filter((p) => p.length >= 12)) expect(shown).not.toContain(piece.slice(0, 12));
    });
  }
});

describe('bech32', () => {
  it('decodes BIP-173 test strings and round-trips 32-byte keys', () => {
    expect(bech32Decode('A12UEL5L')).toEqual({ hrp: 'a', data: new Uint8Array() });
    expect(bech32Decode('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')?.hrp).toBe('abcdef');
    const data = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    expect(Buffer.from(bech32Decode(bech32Encode('age', data))!.data).equals(Buffer.from(data))).toBe(true);
  });

  it('rejects BIP-173 invalid strings', () => {
    for (const text of ['A1G7SGD8', 'li1dgmt3', 'x1b4n0q5v', '1pzry9x0s0muk', 'a12UEL5L']) expect(bech32Decode(text)).toBeNull();
  });
});
