import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { encodeHeader } from './age-header.js';
import { decodeRecipient } from './age-recipient.js';
import { wrapFileKey } from './age-stanza.js';
import { encryptedPayloadSize, encryptPayloadInto, plaintextLength, type Plaintext } from './age-stream.js';

const FILE_KEY_SIZE = 16;
const DEFAULT_SCRYPT_WORK_FACTOR = 18;

/**
 * age encryption for bundles. Encryption writes the age v1 format with Node's native X25519 and
 * ChaCha20-Poly1305 (the hot path; see age-stream.ts); decryption and identities use the
 * age-encryption reference library, which the portal uses too.
 */
@Injectable()
export class AgeEncryptor {
  /** One age file readable by each recipient (age1… or ssh-ed25519 …); header and payload in one buffer. */
  async encrypt(plaintext: Plaintext, recipients: readonly string[]): Promise<Buffer> {
    if (recipients.length === 0) throw new Error('no recipients to encrypt to');
    const keys = recipients.map(decodeRecipient);
    const fileKey = randomBytes(FILE_KEY_SIZE);
    const header = encodeHeader(
      keys.map((key) => wrapFileKey(key, fileKey)),
      fileKey,
    );
    const out = Buffer.allocUnsafe(header.length + encryptedPayloadSize(plaintextLength(plaintext)));
    header.copy(out, 0);
    encryptPayloadInto(fileKey, plaintext, out, header.length);
    return out;
  }

  async decryptWithIdentity(ciphertext: Uint8Array, identity: string): Promise<Buffer> {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    return Buffer.from(await decrypter.decrypt(ciphertext));
  }

  async generateIdentity(): Promise<{ identity: string; recipient: string }> {
    const identity = await generateX25519Identity();
    return { identity, recipient: await identityToRecipient(identity) };
  }

  /** Protects a member's identity with their passphrase (age scrypt recipient), for keeping it server-side. */
  async wrapIdentityWithPassphrase(identity: string, passphrase: string, workFactor = DEFAULT_SCRYPT_WORK_FACTOR): Promise<Buffer> {
    const encrypter = new Encrypter();
    encrypter.setPassphrase(passphrase);
    encrypter.setScryptWorkFactor(workFactor);
    return Buffer.from(await encrypter.encrypt(identity));
  }

  async unwrapIdentity(ciphertext: Uint8Array, passphrase: string): Promise<string> {
    const decrypter = new Decrypter();
    decrypter.addPassphrase(passphrase);
    return decrypter.decrypt(ciphertext, 'text');
  }
}
