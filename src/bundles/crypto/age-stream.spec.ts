import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as cctv from 'cctv-age';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AgeEncryptor } from './age-encryptor.js';
import { decodeHeader, encodeHeader, verifyHeaderMac, type DecodedHeader } from './age-header.js';
import { unwrapX25519 } from './age-stanza.js';
import { CHUNK_SIZE, decryptPayload, decryptPayloadChunks, encryptedPayloadSize, encryptPayload } from './age-stream.js';
import { bech32Decode } from './bech32.js';

/** A CCTV vector: "key: value" lines, an empty line, then the age file (maybe zlib-compressed). */
interface Vector {
  name: string;
  expect: string;
  payloadSha256: string;
  fileKey: Buffer;
  identities: string[];
  passphrases: string[];
  armored: boolean;
  file: Buffer;
}

function parseVector(name: string, bytes: Uint8Array): Vector {
  const all = Buffer.from(bytes);
  const split = all.indexOf('\n\n');
  const fields = new Map<string, string[]>();
  for (const line of all.toString('utf8', 0, split).split('\n')) {
    const colon = line.indexOf(': ');
    const key = line.slice(0, colon);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(colon + 2)]);
  }
  const one = (key: string) => fields.get(key)?.[0] ?? '';
  const body = all.subarray(split + 2);
  return {
    name,
    expect: one('expect'),
    payloadSha256: one('payload'),
    fileKey: Buffer.from(one('file key'), 'hex'),
    identities: fields.get('identity') ?? [],
    passphrases: fields.get('passphrase') ?? [],
    armored: one('armored') === 'yes',
    file: one('compressed') === 'zlib' ? inflateSync(body) : body,
  };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const vectors = Object.entries(cctv as Record<string, Uint8Array>).map(([name, bytes]) => parseVector(name, bytes));

/** Not armored, no passphrase, and only X25519 identities (or none): scrypt and post-quantum are out of scope. */
const runnable = vectors.filter((v) => !v.armored && v.passphrases.length === 0 && v.identities.every((i) => i.startsWith('AGE-SECRET-KEY-1')));
const byExpect = (expectation: string) => runnable.filter((v) => v.expect === expectation);

interface Outcome {
  result: string;
  fileKey?: Buffer;
  header?: DecodedHeader;
  released: Buffer[];
}

/** Decrypts a vector with this module's native code only, reporting the outcome in CCTV terms. */
async function openNatively(vector: Vector): Promise<Outcome> {
  const released: Buffer[] = [];
  let header: DecodedHeader;
  let fileKey: Buffer | null = null;
  try {
    header = decodeHeader(vector.file);
    for (const identity of vector.identities) {
      const secret = bech32Decode(identity)!.data;
      const publicKey = bech32Decode(await identityToRecipient(identity))!.data;
      fileKey ??= unwrapX25519(header.stanzas, secret, publicKey);
    }
  } catch {
    return { result: 'header failure', released };
  }
  if (!fileKey) return { result: 'no match', header, released };
  if (!verifyHeaderMac(header, fileKey)) return { result: 'HMAC failure', fileKey, header, released };
  try {
    for (const chunk of decryptPayloadChunks(fileKey, vector.file.subarray(header.length))) released.push(chunk);
  } catch {
    return { result: 'payload failure', fileKey, header, released };
  }
  return { result: 'success', fileKey, header, released };
}

describe('CCTV age vectors on the native implementation', () => {
  it('selects the vectors this implementation covers', () => {
    const counts = Object.fromEntries(['success', 'payload failure', 'header failure', 'HMAC failure', 'no match'].map((e) => [e, byExpect(e).length]));
    // Counts for cctv-age 0.2.0 (143 vectors; armored, scrypt and post-quantum ones left out).
    expect(counts).toEqual({ success: 14, 'payload failure': 18, 'header failure': 31, 'HMAC failure': 1, 'no match': 3 });
    expect(runnable).toHaveLength(67);
  });

  for (const vector of runnable) {
    it(`${vector.name}: ${vector.expect}`, async () => {
      const outcome = await openNatively(vector);
      expect(outcome.result).toBe(vector.expect);
      if (outcome.fileKey) expect(outcome.fileKey.toString('hex')).toBe(vector.fileKey.toString('hex'));
      if (vector.expect === 'success' || vector.expect === 'payload failure') {
        // CCTV: everything released before a failure must match the payload hash too.
        expect(sha256(Buffer.concat(outcome.released))).toBe(vector.payloadSha256);
      }
    });
  }

  for (const vector of byExpect('success')) {
    it(`${vector.name}: STREAM decrypt, then re-encrypt with the same nonce gives the same bytes`, () => {
      const payload = vector.file.subarray(decodeHeader(vector.file).length);
      const plaintext = decryptPayload(vector.fileKey, payload);
      expect(sha256(plaintext)).toBe(vector.payloadSha256);
      const nonce = payload.subarray(0, 16);
      expect(encryptPayload(vector.fileKey, plaintext, nonce).equals(payload)).toBe(true);
      const third = Math.floor(plaintext.length / 3);
      const parts = [plaintext.subarray(0, third), Buffer.alloc(0), plaintext.subarray(third, third + 1), plaintext.subarray(third + 1)];
      expect(encryptPayload(vector.fileKey, parts, nonce).equals(payload)).toBe(true);
    });
  }

  for (const vector of runnable.filter((v) => v.expect !== 'header failure')) {
    it(`${vector.name}: header decode, then encode gives the same bytes`, () => {
      const header = decodeHeader(vector.file);
      const encoded = encodeHeader(header.stanzas, vector.fileKey);
      const original = vector.file.subarray(0, header.length);
      expect(encoded.subarray(0, header.macInput.length).toString('latin1')).toBe(header.macInput.toString('latin1'));
      // The MAC line too, except where the vector is about a wrong MAC.
      expect(encoded.equals(original)).toBe(vector.expect !== 'HMAC failure');
    });
  }
});

describe('native STREAM edge cases', () => {
  const fileKey = randomBytes(16);
  const nonce = randomBytes(16);

  it('sizes chunks as age does: full final chunk on 64 KiB multiples, one empty chunk for empty input', () => {
    expect(encryptPayload(fileKey, Buffer.alloc(0), nonce)).toHaveLength(16 + 16);
    expect(encryptPayload(fileKey, Buffer.alloc(CHUNK_SIZE), nonce)).toHaveLength(16 + CHUNK_SIZE + 16);
    expect(encryptPayload(fileKey, Buffer.alloc(CHUNK_SIZE + 1), nonce)).toHaveLength(16 + CHUNK_SIZE + 1 + 32);
    expect(encryptedPayloadSize(3 * CHUNK_SIZE)).toBe(16 + 3 * CHUNK_SIZE + 48);
  });

  it('rejects truncation at a chunk boundary, trailing bytes and a wrong key', () => {
    const plaintext = randomBytes(2 * CHUNK_SIZE + 10);
    const payload = encryptPayload(fileKey, plaintext, nonce);
    expect(decryptPayload(fileKey, payload).equals(plaintext)).toBe(true);
    expect(() => decryptPayload(fileKey, payload.subarray(0, 16 + CHUNK_SIZE + 16))).toThrow(/truncated/);
    expect(() => decryptPayload(fileKey, Buffer.concat([payload, Buffer.from([0])]))).toThrow(/payload failure/);
    expect(() => decryptPayload(randomBytes(16), payload)).toThrow(/authenticate/);
    const flipped = Buffer.from(payload);
    flipped[20] ^= 1;
    expect(() => decryptPayload(fileKey, flipped)).toThrow(/authenticate/);
  });
});

describe('AgeEncryptor output read by the age-encryption reference library', () => {
  const encryptor = new AgeEncryptor();
  const sizes = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 300_000];

  for (const size of sizes) {
    it(`round-trips ${size} bytes, given whole and as uneven chunks`, async () => {
      const identity = await generateX25519Identity();
      const recipient = await identityToRecipient(identity);
      const data = randomBytes(size);
      const cut = Math.floor(size / 3);
      const inputs = [data, [data.subarray(0, cut), Buffer.alloc(0), data.subarray(cut, cut + 1), data.subarray(cut + 1)]];
      for (const input of inputs) {
        const ciphertext = await encryptor.encrypt(input, [recipient]);
        const decrypter = new Decrypter();
        decrypter.addIdentity(identity);
        expect(Buffer.from(await decrypter.decrypt(ciphertext)).equals(data)).toBe(true);
        expect(ciphertext.length).toBe(decodeHeader(ciphertext).length + encryptedPayloadSize(size));
      }
    });
  }

  it('writes one stanza per recipient, each able to decrypt', async () => {
    const identities = await Promise.all([generateX25519Identity(), generateX25519Identity()]);
    const data = randomBytes(1000);
    const ciphertext = await encryptor.encrypt(data, await Promise.all(identities.map((i) => identityToRecipient(i))));
    expect(decodeHeader(ciphertext).stanzas.map((s) => s.args[0])).toEqual(['X25519', 'X25519']);
    for (const identity of identities) expect((await encryptor.decryptWithIdentity(ciphertext, identity)).equals(data)).toBe(true);
  });

  it('refuses to encrypt to nobody, or to an invalid recipient', async () => {
    await expect(encryptor.encrypt(Buffer.from('x'), [])).rejects.toThrow('no recipients');
    await expect(encryptor.encrypt(Buffer.from('x'), ['age1notakey'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('generates identities whose recipient it can encrypt to', async () => {
    const { identity, recipient } = await encryptor.generateIdentity();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(recipient).toBe(await identityToRecipient(identity));
    const ciphertext = await encryptor.encrypt(Buffer.from('hej'), [recipient]);
    expect((await encryptor.decryptWithIdentity(ciphertext, identity)).toString()).toBe('hej');
  });

  it('keeps an identity under a passphrase and refuses the wrong one', async () => {
    const { identity } = await encryptor.generateIdentity();
    const wrapped = await encryptor.wrapIdentityWithPassphrase(identity, 'korrekt hest batteri', 10);
    expect(decodeHeader(wrapped).stanzas.map((s) => s.args.slice(0, 1).concat(s.args.slice(2)))).toEqual([['scrypt', '10']]);
    expect(await encryptor.unwrapIdentity(wrapped, 'korrekt hest batteri')).toBe(identity);
    await expect(encryptor.unwrapIdentity(wrapped, 'forkert hest batteri')).rejects.toThrow();
  });
});
