import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AgeEncryptor } from '../../src/bundles/crypto/age-encryptor.js';
import { parseRecipient } from '../../src/bundles/crypto/age-recipient.js';

/**
 * The real Debian `age`, `age-keygen` and `ssh-keygen` binaries read what AgeEncryptor writes:
 * the proof that the native implementation is interoperable, not only self-consistent.
 */
const run = promisify(execFile);
const encryptor = new AgeEncryptor();

interface CliKey {
  identityFile: string;
  recipient: string;
}

let dir: string;
let files = 0;
let alice: CliKey;
let bob: CliKey;
let ssh: CliKey;

async function ageKeygen(name: string): Promise<CliKey> {
  const identityFile = join(dir, `${name}.key`);
  await run('age-keygen', ['-o', identityFile]);
  return { identityFile, recipient: (await run('age-keygen', ['-y', identityFile])).stdout.trim() };
}

async function sshKeygen(name: string): Promise<CliKey> {
  const identityFile = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'member@laptop', '-f', identityFile]);
  return { identityFile, recipient: (await readFile(`${identityFile}.pub`, 'utf8')).trim() };
}

/** `age -d -i <identity> <file>`; rejects with age's message when it refuses. */
async function ageDecrypt(ciphertext: Buffer, identityFile: string): Promise<Buffer> {
  const input = join(dir, `bundle-${files++}.age`);
  await writeFile(input, ciphertext);
  const { stdout } = await run('age', ['-d', '-i', identityFile, input], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'listebud-age-'));
  [alice, bob, ssh] = await Promise.all([ageKeygen('alice'), ageKeygen('bob'), sshKeygen('id_ed25519')]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bundles encrypted by AgeEncryptor open with the age CLI', () => {
  for (const size of [0, 1, 1000, 65_535, 65_536, 65_537, 3 * 65_536, 300_000]) {
    it(`decrypts ${size} bytes with an age-keygen identity`, async () => {
      const data = randomBytes(size);
      const ciphertext = await encryptor.encrypt([data.subarray(0, 777), data.subarray(777)], [alice.recipient]);
      expect((await ageDecrypt(ciphertext, alice.identityFile)).equals(data)).toBe(true);
    });
  }

  it('lets each of two age recipients open the same file', async () => {
    const data = randomBytes(100_000);
    const ciphertext = await encryptor.encrypt(data, [alice.recipient, bob.recipient]);
    expect((await ageDecrypt(ciphertext, alice.identityFile)).equals(data)).toBe(true);
    expect((await ageDecrypt(ciphertext, bob.identityFile)).equals(data)).toBe(true);
  });

  it('decrypts for an ssh-ed25519 recipient with `age -d -i <ssh private key>`', async () => {
    expect(parseRecipient(ssh.recipient).kind).toBe('ssh-ed25519');
    for (const size of [0, 5000, 2 * 65_536]) {
      const data = randomBytes(size);
      const ciphertext = await encryptor.encrypt(data, [ssh.recipient]);
      expect((await ageDecrypt(ciphertext, ssh.identityFile)).equals(data)).toBe(true);
    }
  });

  it('mixes ssh-ed25519 and X25519 recipients in one file', async () => {
    const data = randomBytes(70_000);
    const ciphertext = await encryptor.encrypt(data, [ssh.recipient, alice.recipient]);
    expect((await ageDecrypt(ciphertext, ssh.identityFile)).equals(data)).toBe(true);
    expect((await ageDecrypt(ciphertext, alice.identityFile)).equals(data)).toBe(true);
  });

  it('is refused for an identity the file was not encrypted to', async () => {
    const ciphertext = await encryptor.encrypt(randomBytes(10), [alice.recipient]);
    await expect(ageDecrypt(ciphertext, bob.identityFile)).rejects.toThrow(/no identity matched/);
  });

  it('fails when any single byte of header, first chunk or last chunk is changed', async () => {
    const data = randomBytes(70_000);
    const ciphertext = await encryptor.encrypt(data, [alice.recipient]);
    expect((await ageDecrypt(ciphertext, alice.identityFile)).equals(data)).toBe(true);
    const headerEnd = ciphertext.indexOf('\n---') + 10;
    for (const at of [40, headerEnd, ciphertext.length - 70_000, ciphertext.length - 1]) {
      const tampered = Buffer.from(ciphertext);
      tampered[at] ^= 0x01;
      await expect(ageDecrypt(tampered, alice.identityFile)).rejects.toThrow();
    }
  });
});

describe('identities kept under a passphrase', () => {
  it('unwrap with the right passphrase and fail with a wrong one', async () => {
    const { identity, recipient } = await encryptor.generateIdentity();
    const wrapped = await encryptor.wrapIdentityWithPassphrase(identity, 'lang og tilfældig sætning', 12);
    const unwrapped = await encryptor.unwrapIdentity(wrapped, 'lang og tilfældig sætning');
    expect(unwrapped).toBe(identity);
    await expect(encryptor.unwrapIdentity(wrapped, 'lang og tilfældig sætning!')).rejects.toThrow();
    // The unwrapped identity works with the CLI too.
    const identityFile = join(dir, 'member.key');
    await writeFile(identityFile, `${unwrapped}\n`);
    const ciphertext = await encryptor.encrypt(Buffer.from('kontaktliste'), [recipient]);
    expect((await ageDecrypt(ciphertext, identityFile)).toString()).toBe('kontaktliste');
  });
});
