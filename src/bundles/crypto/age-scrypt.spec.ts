import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import * as cctv from 'cctv-age';
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { ageKeygen, type AgeKey } from '../../../test/support/age-cli.js';
import { AgeEncryptor } from './age-encryptor.js';
import { decodeHeader, encodeHeader, verifyHeaderMac, type DecodedHeader } from './age-header.js';
import { parseX25519Identity } from './age-identity.js';
import { decodeRecipient } from './age-recipient.js';
import { MAX_SCRYPT_WORK_FACTOR, unwrapWithPassphrase, wrapWithPassphrase } from './age-scrypt.js';
import { wrapFileKey } from './age-stanza.js';
import { decryptPayloadChunks, encryptPayload } from './age-stream.js';

const run = promisify(execFile);
const encryptor = new AgeEncryptor();
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const PASSPHRASE = 'violet tractors hum under the fjord';
/** Small work factor for tests; only the default one below runs at 2^18. */
const LOG_N = 10;

const DAMAGED = /damaged or is not an age file/;
const WRONG_PASSPHRASE = /passphrase does not open this file/;
const NO_MATCH = /no identity matched/;

async function libraryEncrypt(plaintext: Uint8Array | string, passphrase: string, logN: number): Promise<Buffer> {
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  encrypter.setScryptWorkFactor(logN);
  return Buffer.from(await encrypter.encrypt(plaintext));
}

async function libraryDecrypt(ciphertext: Uint8Array, passphrase: string): Promise<string> {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  return decrypter.decrypt(ciphertext, 'text');
}

/** Where in a file a byte sits: the stanza's salt, its body, the MAC, the payload nonce, the payload. */
function positions(file: Buffer) {
  const header = decodeHeader(file);
  const text = file.toString('latin1', 0, header.length);
  const stanzaLine = text.indexOf('-> scrypt ');
  return {
    salt: stanzaLine + '-> scrypt '.length + 3,
    body: text.indexOf('\n', stanzaLine) + 5,
    mac: header.macInput.length + 5,
    nonce: header.length + 3,
    payload: header.length + 16 + 2,
    last: file.length - 1,
  };
}

describe('age scrypt stanza: the age-encryption reference library agrees', () => {
  it('our wrap opens with the library (Decrypter.addPassphrase)', async () => {
    const identity = (await encryptor.generateIdentity()).identity;
    const wrapped = await encryptor.wrapIdentityWithPassphrase(identity, PASSPHRASE, LOG_N);
    const [stanza] = decodeHeader(wrapped).stanzas;
    expect(stanza.args[0]).toBe('scrypt');
    expect(stanza.args[2]).toBe(String(LOG_N));
    expect(await libraryDecrypt(wrapped, PASSPHRASE)).toBe(identity);
    await expect(libraryDecrypt(wrapped, `${PASSPHRASE}.`)).rejects.toThrow();
  });

  it('the library output (Encrypter.setPassphrase + setScryptWorkFactor) opens with our unwrap', async () => {
    for (const passphrase of [PASSPHRASE, 'kaffe og rugbrød på tagterrassen 🐟', 'x']) {
      const identity = (await encryptor.generateIdentity()).identity;
      const wrapped = await libraryEncrypt(identity, passphrase, LOG_N);
      expect(await encryptor.unwrapIdentity(wrapped, passphrase)).toBe(identity);
    }
  });

  it('agrees with the library on larger payloads too (several chunks)', async () => {
    const data = randomBytes(200_000);
    const wrapped = await libraryEncrypt(data, PASSPHRASE, 8);
    const header = decodeHeader(wrapped);
    const fileKey = (await unwrapWithPassphrase(header.stanzas, PASSPHRASE))!;
    expect(verifyHeaderMac(header, fileKey)).toBe(true);
    expect(Buffer.concat([...decryptPayloadChunks(fileKey, wrapped.subarray(header.length))]).equals(data)).toBe(true);
  });

  it('writes a fresh salt for every file', async () => {
    const a = await encryptor.wrapIdentityWithPassphrase('x', PASSPHRASE, LOG_N);
    const b = await encryptor.wrapIdentityWithPassphrase('x', PASSPHRASE, LOG_N);
    expect(decodeHeader(a).stanzas[0].args[1]).not.toBe(decodeHeader(b).stanzas[0].args[1]);
  });
});

describe('age scrypt stanza: refusals', () => {
  it('fails with a wrong passphrase, naming neither passphrase', async () => {
    const wrapped = await encryptor.wrapIdentityWithPassphrase('AGE-SECRET-KEY-1XYZ', PASSPHRASE, LOG_N);
    for (const wrong of [`${PASSPHRASE} `, PASSPHRASE.toUpperCase(), '']) {
      const error = await encryptor.unwrapIdentity(wrapped, wrong).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(WRONG_PASSPHRASE);
      expect(error?.message).not.toContain('violet');
      expect(error?.message).not.toContain('AGE-SECRET-KEY');
    }
  });

  it('fails when any byte of salt, stanza body, MAC, nonce or payload is changed', async () => {
    const wrapped = await encryptor.wrapIdentityWithPassphrase('AGE-SECRET-KEY-1XYZ', PASSPHRASE, LOG_N);
    expect(await encryptor.unwrapIdentity(wrapped, PASSPHRASE)).toBe('AGE-SECRET-KEY-1XYZ');
    for (const [where, at] of Object.entries(positions(wrapped))) {
      for (const flip of [0x01, 0x20]) {
        const tampered = Buffer.from(wrapped);
        tampered[at] ^= flip;
        // A changed salt or body means no key opens the stanza; a changed MAC, nonce or chunk, damage.
        const expected = where === 'salt' || where === 'body' ? new RegExp(`${WRONG_PASSPHRASE.source}|${DAMAGED.source}`) : DAMAGED;
        await expect(encryptor.unwrapIdentity(tampered, PASSPHRASE)).rejects.toThrow(expected);
      }
    }
    // A changed work factor derives another key.
    const otherFactor = Buffer.from(wrapped.toString('latin1').replace(/ 10\n/, ' 11\n'), 'latin1');
    await expect(encryptor.unwrapIdentity(otherFactor, PASSPHRASE)).rejects.toThrow(WRONG_PASSPHRASE);
    await expect(encryptor.unwrapIdentity(wrapped.subarray(0, wrapped.length - 1), PASSPHRASE)).rejects.toThrow(DAMAGED);
    await expect(encryptor.unwrapIdentity(Buffer.concat([wrapped, Buffer.from([0])]), PASSPHRASE)).rejects.toThrow(DAMAGED);
  });

  it(`refuses a work factor above ${MAX_SCRYPT_WORK_FACTOR} before running scrypt`, async () => {
    const fileKey = randomBytes(16);
    const stanza = await wrapWithPassphrase(PASSPHRASE, fileKey, LOG_N);
    for (const logN of [MAX_SCRYPT_WORK_FACTOR + 1, 30, 64]) {
      const forged = encodeHeader([{ args: ['scrypt', stanza.args[1], String(logN)], body: stanza.body }], fileKey);
      const file = Buffer.concat([forged, encryptPayload(fileKey, Buffer.from('x'))]);
      const started = performance.now();
      await expect(encryptor.unwrapIdentity(file, PASSPHRASE)).rejects.toThrow(DAMAGED);
      await expect(unwrapWithPassphrase(decodeHeader(file).stanzas, PASSPHRASE)).rejects.toThrow(/work factor is above/);
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // Nor does it write what it would refuse to read.
    for (const logN of [0, MAX_SCRYPT_WORK_FACTOR + 1, 10.5, Number.NaN]) {
      await expect(encryptor.wrapIdentityWithPassphrase('x', PASSPHRASE, logN)).rejects.toThrow(RangeError);
    }
    await expect(encryptor.wrapIdentityWithPassphrase('x', '', LOG_N)).rejects.toThrow(/passphrase is empty/);
  });

  it('refuses an scrypt stanza that is not alone in the header, with a passphrase or an identity', async () => {
    const { identity, recipient } = await encryptor.generateIdentity();
    const fileKey = randomBytes(16);
    const scryptStanza = await wrapWithPassphrase(PASSPHRASE, fileKey, LOG_N);
    const x25519Stanza = wrapFileKey(decodeRecipient(recipient), fileKey);
    const payload = encryptPayload(fileKey, Buffer.from('contact list'));
    const mixes = [
      [scryptStanza, x25519Stanza],
      [x25519Stanza, scryptStanza],
      [scryptStanza, scryptStanza],
    ];
    for (const stanzas of mixes) {
      const file = Buffer.concat([encodeHeader(stanzas, fileKey), payload]);
      await expect(encryptor.unwrapIdentity(file, PASSPHRASE)).rejects.toThrow(DAMAGED);
      await expect(encryptor.decryptWithIdentity(file, identity)).rejects.toThrow(DAMAGED);
    }
    // The same stanzas alone open.
    expect((await encryptor.unwrapIdentity(Buffer.concat([encodeHeader([scryptStanza], fileKey), payload]), PASSPHRASE))).toBe('contact list');
    expect((await encryptor.decryptWithIdentity(Buffer.concat([encodeHeader([x25519Stanza], fileKey), payload]), identity)).toString()).toBe('contact list');
  });

  it('refuses non-canonical encodings of salt, work factor and body', async () => {
    const fileKey = randomBytes(16);
    const stanza = await wrapWithPassphrase(PASSPHRASE, fileKey, LOG_N);
    const salt = stanza.args[1];
    // The salt's last base64 character carries 4 unused bits: setting one is another encoding of the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lastValue = alphabet.indexOf(salt[salt.length - 1]);
    const nonCanonicalSalt = salt.slice(0, -1) + alphabet[lastValue | 1];
    expect(nonCanonicalSalt).not.toBe(salt);
    expect(Buffer.from(nonCanonicalSalt, 'base64').equals(Buffer.from(salt, 'base64'))).toBe(true);
    const variants = [
      ['scrypt', nonCanonicalSalt, '10'],
      ['scrypt', `${salt}==`, '10'],
      ['scrypt', salt, '010'],
      ['scrypt', salt, '+10'],
      ['scrypt', salt, '0xa'],
      ['scrypt', salt, '0'],
      ['scrypt', salt, '-10'],
      ['scrypt', salt],
      ['scrypt', salt, '10', '10'],
    ];
    for (const args of variants) {
      await expect(unwrapWithPassphrase([{ args, body: stanza.body }], PASSPHRASE)).rejects.toThrow(/invalid scrypt stanza/);
    }
    await expect(unwrapWithPassphrase([{ args: stanza.args, body: Buffer.concat([stanza.body, Buffer.alloc(1)]) }], PASSPHRASE)).rejects.toThrow(
      /invalid scrypt stanza/,
    );
    expect((await unwrapWithPassphrase([stanza], PASSPHRASE))?.equals(fileKey)).toBe(true);
    // "Scrypt" is another, unknown, stanza type: nothing to open.
    expect(await unwrapWithPassphrase([{ args: ['Scrypt', ...stanza.args.slice(1)], body: stanza.body }], PASSPHRASE)).toBeNull();
  });
});

describe('the default work factor', () => {
  it('is 2^18 (read from the header), runs off the event loop, and unwraps', async () => {
    const identity = (await encryptor.generateIdentity()).identity;
    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      ticks++;
      if (ticking) setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
    const started = performance.now();
    const wrapped = await encryptor.wrapIdentityWithPassphrase(identity, PASSPHRASE);
    const elapsed = performance.now() - started;
    ticking = false;
    expect(decodeHeader(wrapped).stanzas.map((s) => [s.args[0], s.args[2]])).toEqual([['scrypt', '18']]);
    // scrypt at 2^18 takes hundreds of milliseconds; timers kept firing all along.
    expect(ticks).toBeGreaterThan(Math.min(20, elapsed / 20));
    expect(await encryptor.unwrapIdentity(wrapped, PASSPHRASE)).toBe(identity);
  });
});

/** A CCTV vector: "key: value" lines, an empty line, then the age file (maybe zlib-compressed). */
interface Vector {
  name: string;
  expect: string;
  payloadSha256: string;
  fileKey: string;
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
  const body = one('compressed') === 'zlib' ? inflateSync(all.subarray(split + 2)) : all.subarray(split + 2);
  return {
    name,
    expect: one('expect'),
    payloadSha256: one('payload'),
    fileKey: one('file key'),
    identities: fields.get('identity') ?? [],
    passphrases: fields.get('passphrase') ?? [],
    armored: one('armored') === 'yes',
    file: body,
  };
}

/** Just enough of the age armor (PEM-like, 64-column base64) for the one armored scrypt vector. */
function dearmor(armored: Buffer): Buffer {
  const lines = armored.toString('latin1').trim().split('\n');
  if (lines[0] !== '-----BEGIN AGE ENCRYPTED FILE-----' || lines.at(-1) !== '-----END AGE ENCRYPTED FILE-----') throw new Error('not armored');
  return Buffer.from(lines.slice(1, -1).join(''), 'base64');
}

const scryptVectors = Object.entries(cctv as Record<string, Uint8Array>)
  .map(([name, bytes]) => parseVector(name, bytes))
  .filter((v) => v.passphrases.length > 0)
  .map((v) => (v.armored ? { ...v, file: dearmor(v.file) } : v));

/** The CCTV outcome of opening a vector with its passphrases, natively. */
async function openWithPassphrases(vector: Vector): Promise<{ result: string; fileKey?: Buffer; released: Buffer[] }> {
  const released: Buffer[] = [];
  let header: DecodedHeader;
  let fileKey: Buffer | null = null;
  try {
    header = decodeHeader(vector.file);
    for (const passphrase of vector.passphrases) fileKey ??= await unwrapWithPassphrase(header.stanzas, passphrase);
  } catch {
    return { result: 'header failure', released };
  }
  if (!fileKey) return { result: 'no match', released };
  if (!verifyHeaderMac(header, fileKey)) return { result: 'HMAC failure', fileKey, released };
  try {
    for (const chunk of decryptPayloadChunks(fileKey, vector.file.subarray(header.length))) released.push(chunk);
  } catch {
    return { result: 'payload failure', fileKey, released };
  }
  return { result: 'success', fileKey, released };
}

describe('CCTV scrypt vectors on the native implementation', () => {
  it('has them all (cctv-age 0.2.0: 26 with a passphrase, one of them armored)', () => {
    expect(scryptVectors).toHaveLength(26);
    expect(scryptVectors.filter((v) => v.expect === 'success').map((v) => v.name)).toEqual(['armor_scrypt', 'scrypt']);
  });

  for (const vector of scryptVectors) {
    it(`${vector.name}: ${vector.expect}`, async () => {
      const outcome = await openWithPassphrases(vector);
      expect(outcome.result).toBe(vector.expect);
      if (outcome.fileKey) expect(outcome.fileKey.toString('hex')).toBe(vector.fileKey);
      if (vector.expect === 'success') expect(sha256(Buffer.concat(outcome.released))).toBe(vector.payloadSha256);
      // Through the public API: success yields the payload, anything else throws.
      const viaApi = encryptor.unwrapIdentity(vector.file, vector.passphrases[0]);
      if (vector.expect === 'success') {
        expect(sha256(Buffer.from(await viaApi, 'utf8'))).toBe(vector.payloadSha256);
      } else {
        await expect(viaApi).rejects.toThrow(vector.expect === 'no match' ? WRONG_PASSPHRASE : DAMAGED);
      }
      for (const identity of vector.identities) await expect(encryptor.decryptWithIdentity(vector.file, identity)).rejects.toThrow(DAMAGED);
    });
  }
});

describe('native decryptWithIdentity on files written by the age CLI', () => {
  let dir: string;
  let alice: AgeKey;
  let bob: AgeKey;
  let aliceIdentity: string;

  const identityIn = async (key: AgeKey) => (await readFile(key.identityFile, 'utf8')).split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;

  async function ageEncrypt(data: Buffer, recipient: string): Promise<Buffer> {
    const input = join(dir, `plain-${process.hrtime.bigint()}`);
    const output = `${input}.age`;
    await writeFile(input, data);
    await run('age', ['-r', recipient, '-o', output, input]);
    return readFile(output);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'listebud-age-scrypt-'));
    [alice, bob] = await Promise.all([ageKeygen(dir, 'alice'), ageKeygen(dir, 'bob')]);
    aliceIdentity = await identityIn(alice);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const size of [0, 1, 65_536, 65_537, 300_000]) {
    it(`opens ${size} bytes byte for byte`, async () => {
      const data = randomBytes(size);
      const file = await ageEncrypt(data, alice.recipient);
      expect((await encryptor.decryptWithIdentity(file, aliceIdentity)).equals(data)).toBe(true);
    });
  }

  it('fails for a file made for another key, and for a damaged file', async () => {
    const file = await ageEncrypt(randomBytes(70_000), bob.recipient);
    const error = await encryptor.decryptWithIdentity(file, aliceIdentity).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(NO_MATCH);
    expect(error?.message).not.toContain(aliceIdentity.slice(16, 30));
    const ok = await ageEncrypt(randomBytes(70_000), alice.recipient);
    for (const at of [30, ok.indexOf('\n---') + 8, ok.length - 70_000, ok.length - 1]) {
      const tampered = Buffer.from(ok);
      tampered[at] ^= 0x01;
      await expect(encryptor.decryptWithIdentity(tampered, aliceIdentity)).rejects.toThrow(new RegExp(`${DAMAGED.source}|${NO_MATCH.source}`));
    }
    await expect(encryptor.decryptWithIdentity(ok.subarray(0, ok.length - 17), aliceIdentity)).rejects.toThrow(DAMAGED);
  });

  it('decodes identities as age does: upper case only, checksum, never echoed', async () => {
    expect(parseX25519Identity(aliceIdentity).publicKey.equals(decodeRecipient(alice.recipient).x25519)).toBe(true);
    expect(parseX25519Identity(`${aliceIdentity}\n`).secret).toHaveLength(32);
    const broken = [
      aliceIdentity.toLowerCase(),
      aliceIdentity.slice(0, 20) + aliceIdentity.slice(20).toLowerCase(),
      `${aliceIdentity.slice(0, -1)}${aliceIdentity.endsWith('Q') ? 'P' : 'Q'}`,
      alice.recipient,
      'AGE-SECRET-KEY-PQ-1QQQQ',
      '',
    ];
    for (const identity of broken) {
      const error = (() => {
        try {
          parseX25519Identity(identity);
          return null;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toMatch(/not a valid age X25519 identity/);
      if (identity.length > 30) expect(error?.message).not.toContain(identity.slice(16, 30));
      await expect(encryptor.decryptWithIdentity(Buffer.from('x'), identity)).rejects.toThrow(/not a valid age X25519 identity/);
    }
  });

  it('generates identities the age CLI uses: age-keygen -y gives the same recipient, age decrypts', async () => {
    const { identity, recipient } = await encryptor.generateIdentity();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(recipient).toBe(await identityToRecipient(identity));
    const identityFile = join(dir, 'generated.key');
    await writeFile(identityFile, `${identity}\n`);
    expect((await run('age-keygen', ['-y', identityFile])).stdout.trim()).toBe(recipient);
    const file = await ageEncrypt(Buffer.from('kontaktliste'), recipient);
    expect((await encryptor.decryptWithIdentity(file, identity)).toString()).toBe('kontaktliste');
    const input = join(dir, 'ours.age');
    await writeFile(input, await encryptor.encrypt(Buffer.from('medlemmer'), [recipient]));
    expect((await run('age', ['-d', '-i', identityFile, input])).stdout).toBe('medlemmer');
  });
});
