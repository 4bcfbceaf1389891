import { describe, expect, it } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parseRecipient } from './age-recipient.js';
import { bech32Decode, bech32Encode } from './bech32.js';

// A fixed ssh-ed25519 public key (RFC 8032 test vector 1 public key in SSH wire format).
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea';

describe('parseRecipient', () => {
  it('accepts an age1 X25519 recipient in either case and keeps it lower-case', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const parsed = parseRecipient(`  ${recipient.toUpperCase()}\n`);
    expect(parsed).toMatchObject({ kind: 'x25519', recipient });
    expect(parsed.publicKey).toHaveLength(32);
    expect(parsed.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('accepts an ssh-ed25519 key, drops the comment and fingerprints it as OpenSSH does', () => {
    const parsed = parseRecipient(`${SSH_KEY} anna@laptop`);
    expect(parsed.kind).toBe('ssh-ed25519');
    expect(parsed.recipient).toBe(SSH_KEY);
    expect(parsed.publicKey.toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    // ssh-keygen -lf prints the same value for this key.
    expect(parsed.fingerprint).toBe(parseRecipient(SSH_KEY).fingerprint);
    expect(parsed.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '   ', /empty/],
    ['too long', `age1${'q'.repeat(1200)}`, /longer than/],
    ['a secret key', 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ', /secret key/],
    ['an OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----', /secret key/],
    // A real recipient with its last character changed.
    ['a bad checksum', 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q', /not valid/],
    ['an RSA key', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== x@y', /ssh-ed25519/],
    ['a damaged ssh key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv', /not a valid/],
    ['a post-quantum recipient', 'age1pq1abcdef', /not supported/],
    ['something else', 'hello world', /must be/],
  ];
  for (const [label, input, message] of bad) {
    it(`rejects ${label} naming the field, without echoing the input`, () => {
      let error: unknown;
      try {
        parseRecipient(input);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'recipient', problems: [{ field: 'recipient', code: 'INVALID_RECIPIENT' }] });
      const text = JSON.stringify(error) + (error as Error).message + (error as { problems: { message: string }[] }).problems[0].message;
      expect((error as { problems: { message: string }[] }).problems[0].message).toMatch(message);
      if (input.trim().length > 8) expect(text).not.toContain(input.trim().slice(0, 30));
    });
  }

  it('round-trips bech32', () => {
    const data = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const text = bech32Encode('age', data);
    expect(Buffer.from(bech32Decode(text)!.data).equals(Buffer.from(data))).toBe(true);
    expect(bech32Decode(text.slice(0, -1) + (text.endsWith('q') ? 'p' : 'q'))).toBeNull();
  });
});
