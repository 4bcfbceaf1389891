import { describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { encodeHeader } from './age-header.js';
import { b64, b64DecodeStrict, hkdf, open } from './age-primitives.js';
import { decodeRecipient } from './age-recipient.js';
import { unwrapX25519, wrapFileKey } from './age-stanza.js';
import { bech32Decode } from './bech32.js';
import { ed25519PublicToX25519, x25519 } from './x25519.js';

const BASEPOINT = Buffer.concat([Buffer.from([9]), Buffer.alloc(31)]);
const SSH_LABEL = 'age-encryption.org/v1/ssh-ed25519';

function sshWire(raw: Buffer): Buffer {
  const field = (data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), data]);
  return Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
}

/** An Ed25519 key pair from Node, with the X25519 scalar OpenSSH/age derive from it (RFC 8032: SHA-512 of the seed). */
function ed25519KeyPair() {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  const scalar = createHash('sha512').update(Buffer.from(jwk.d!, 'base64url')).digest().subarray(0, 32);
  return { publicKey, scalar };
}

describe('Ed25519 to X25519 public key conversion', () => {
  it('matches known values (RFC 8032 test keys, converted with @noble/curves)', () => {
    expect(ed25519PublicToX25519(Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex')).toString('hex')).toBe(
      'd85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e',
    );
    expect(ed25519PublicToX25519(Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex')).toString('hex')).toBe(
      '25c704c594b88afc00a76b69d1ed2b984d7e22550f3ed0802d04fbcd07d38d47',
    );
  });

  it('agrees with the X25519 public key of the same secret', () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey, scalar } = ed25519KeyPair();
      expect(ed25519PublicToX25519(publicKey).equals(x25519(scalar, BASEPOINT))).toBe(true);
    }
  });

  it('refuses encodings that are not usable points', () => {
    const y = (value: number, top = 0) => Buffer.concat([Buffer.from([value]), Buffer.alloc(30), Buffer.from([top])]);
    expect(() => ed25519PublicToX25519(y(2))).toThrow(); // no x for y = 2
    expect(() => ed25519PublicToX25519(y(1))).toThrow(); // the identity point
    expect(() => ed25519PublicToX25519(Buffer.alloc(32, 0xff).fill(0x7f, 31))).toThrow(); // y >= p
    expect(() => ed25519PublicToX25519(Buffer.alloc(31))).toThrow();
    expect(ed25519PublicToX25519(y(3))).toHaveLength(32);
  });
});

describe('recipient stanzas', () => {
  it('X25519: the reference library unwraps the file key from a header this module wrote', async () => {
    const identity = await generateX25519Identity();
    const fileKey = randomBytes(16);
    const stanza = wrapFileKey(decodeRecipient(await identityToRecipient(identity)), fileKey);
    expect(stanza.args[0]).toBe('X25519');
    expect(b64DecodeStrict(stanza.args[1])).toHaveLength(32);
    expect(stanza.body).toHaveLength(32);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    expect(Buffer.from(await decrypter.decryptHeader(encodeHeader([stanza], fileKey))).equals(fileKey)).toBe(true);
    const recipient = await identityToRecipient(identity);
    expect(unwrapX25519([stanza], bech32Decode(identity)!.data, bech32Decode(recipient)!.data)?.equals(fileKey)).toBe(true);
  });

  it('X25519: uses a fresh ephemeral share for every stanza', async () => {
    const key = decodeRecipient(await identityToRecipient(await generateX25519Identity()));
    const fileKey = randomBytes(16);
    expect(wrapFileKey(key, fileKey).args[1]).not.toBe(wrapFileKey(key, fileKey).args[1]);
  });

  it('ssh-ed25519: unwraps with the SSH secret key, following the age spec step by step', () => {
    const { publicKey, scalar } = ed25519KeyPair();
    const wire = sshWire(publicKey);
    const fileKey = randomBytes(16);
    const stanza = wrapFileKey(decodeRecipient(`ssh-ed25519 ${wire.toString('base64')} member`), fileKey);
    const [type, tag, shareText] = stanza.args;
    expect(type).toBe('ssh-ed25519');
    expect(tag).toBe(b64(createHash('sha256').update(wire).digest().subarray(0, 4)));
    const share = b64DecodeStrict(shareText)!;
    const tweak = hkdf(Buffer.alloc(0), wire, SSH_LABEL);
    const shared = x25519(tweak, x25519(scalar, share));
    const ours = x25519(scalar, BASEPOINT);
    const key = hkdf(shared, Buffer.concat([share, ours]), SSH_LABEL);
    expect(open(key, Buffer.alloc(12), stanza.body)?.equals(fileKey)).toBe(true);
  });

  it('refuses file keys that are not 16 bytes', async () => {
    const key = decodeRecipient(await identityToRecipient(await generateX25519Identity()));
    expect(() => wrapFileKey(key, randomBytes(32))).toThrow();
  });
});
