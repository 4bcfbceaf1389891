import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AgeEncryptor } from './age-encryptor.js';
import { CHUNK_SIZE, decryptPayload, encryptPayload } from './age-stream.js';

interface Vector {
  name: string;
  expect: string;
  payloadSha256?: string;
  fileKey?: Buffer;
  armored: boolean;
  payload: Buffer;
}

/** A CCTV vector: "key: value" lines, a blank line, then the age file (maybe zlib-compressed). */
function parseVector(name: string, bytes: Uint8Array): Vector {
  const file = Buffer.from(bytes);
  const split = file.indexOf('\n\n');
  const header = Object.fromEntries(
    file.subarray(0, split).toString('utf8').split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
  );
  let age = file.subarray(split + 2);
  if (header.compressed === 'zlib') age = inflateSync(age);
  const macLine = age.indexOf('\n--- ');
  const payloadAt = macLine < 0 ? -1 : age.indexOf('\n', macLine + 1) + 1;
  return {
    name,
    expect: header.expect,
    payloadSha256: header.payload,
    fileKey: header['file key'] ? Buffer.from(header['file key'], 'hex') : undefined,
    armored: header.armored === 'yes',
    payload: payloadAt > 0 ? age.subarray(payloadAt) : Buffer.alloc(0),
  };
}

const all = Object.entries(vectors as Record<string, Uint8Array>).map(([name, bytes]) => parseVector(name, bytes));
const streamVectors = all.filter((v) => !v.armored && v.fileKey && (v.expect === 'success' || v.expect === 'payload failure'));

describe('age STREAM on Node’s native ChaCha20-Poly1305, against the CCTV vectors', () => {
  it('finds the vectors it is meant to run', () => {
    expect(streamVectors.filter((v) => v.expect === 'success').length).toBeGreaterThanOrEqual(19);
    expect(streamVectors.filter((v) => v.expect === 'payload failure').length).toBeGreaterThanOrEqual(15);
  });

  for (const vector of streamVectors.filter((v) => v.expect === 'success')) {
    it(`decrypts and re-encrypts ${vector.name} byte for byte`, () => {
      const plain = decryptPayload(vector.fileKey!, vector.payload);
      expect(createHash('sha256').update(plain).digest('hex')).toBe(vector.payloadSha256);
      const again = Buffer.concat(encryptPayload(vector.fileKey!, plain, vector.payload.subarray(0, 16)));
      expect(again.equals(vector.payload)).toBe(true);
    });
  }

  for (const vector of streamVectors.filter((v) => v.expect === 'payload failure')) {
    it(`rejects ${vector.name}`, () => {
      expect(() => decryptPayload(vector.fileKey!, vector.payload)).toThrow();
    });
  }
});

describe('AgeEncryptor output read by the age-encryption reference library', () => {
  const encryptor = new AgeEncryptor();
  for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 300_000]) {
    it(`round-trips ${size} bytes given as uneven chunks`, async () => {
      const identity = await generateX25519Identity();
      const data = randomBytes(size);
      const cuts = [0, Math.floor(size / 3), Math.floor(size / 3) + 1, size].map((c) => Math.min(c, size));
      const parts = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
      const ciphertext = await encryptor.encrypt(parts, [await identityToRecipient(identity)]);
      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      expect(Buffer.from(await decrypter.decrypt(ciphertext)).equals(data)).toBe(true);
    });
  }

  it('refuses to encrypt to nobody', async () => {
    await expect(encryptor.encrypt(Buffer.from('x'), [])).rejects.toThrow('no recipients');
  });

  it('keeps a member identity under a passphrase and refuses the wrong one', async () => {
    const { identity } = await encryptor.generateIdentity();
    const wrapped = await encryptor.wrapIdentityWithPassphrase(identity, 'korrekt hest batteri', 10);
    expect(await encryptor.unwrapIdentity(wrapped, 'korrekt hest batteri')).toBe(identity);
    await expect(encryptor.unwrapIdentity(wrapped, 'forkert')).rejects.toThrow();
  });
});
