import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AgeEncryptor } from '../../src/bundles/crypto/age-encryptor.js';
import { ageDecrypt, ageKeygen, type AgeKey } from '../support/age-cli.js';

const run = promisify(execFile);
const encryptor = new AgeEncryptor();
let dir: string;
let alice: AgeKey;
let bob: AgeKey;
let sshKey: string;
let sshRecipient: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lb-age-'));
  alice = await ageKeygen(dir, 'alice');
  bob = await ageKeygen(dir, 'bob');
  sshKey = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'member@laptop', '-f', sshKey]);
  sshRecipient = (await readFile(`${sshKey}.pub`, 'utf8')).trim();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bundles encrypted by listebud open with the real age CLI', () => {
  for (const size of [0, 1, 65_536, 65_537, 3 * 65_536, 250_000]) {
    it(`decrypts ${size} bytes with an age-keygen identity`, async () => {
      const data = randomBytes(size);
      const ciphertext = await encryptor.encrypt([data.subarray(0, 1000), data.subarray(1000)], [alice.recipient]);
      expect((await ageDecrypt(ciphertext, alice.identityFile, dir)).equals(data)).toBe(true);
    });
  }

  it('lets each of several recipients, X25519 and ssh-ed25519, open the same file', async () => {
    const data = randomBytes(100_000);
    const ciphertext = await encryptor.encrypt(data, [alice.recipient, bob.recipient, sshRecipient]);
    for (const identity of [alice.identityFile, bob.identityFile, sshKey]) {
      expect((await ageDecrypt(ciphertext, identity, dir)).equals(data)).toBe(true);
    }
  });

  it('refuses a key the file was not encrypted to', async () => {
    const ciphertext = await encryptor.encrypt(randomBytes(10), [alice.recipient]);
    await expect(ageDecrypt(ciphertext, bob.identityFile, dir)).rejects.toThrow(/no identity matched/);
  });

  it('fails on a single changed byte of header or payload', async () => {
    const ciphertext = await encryptor.encrypt(randomBytes(70_000), [alice.recipient]);
    for (const at of [30, ciphertext.length - 20, ciphertext.length - 66_000]) {
      const tampered = Buffer.from(ciphertext);
      tampered[at] ^= 0x01;
      await expect(ageDecrypt(tampered, alice.identityFile, dir)).rejects.toThrow();
    }
  });
});
