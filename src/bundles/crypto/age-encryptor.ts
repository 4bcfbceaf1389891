import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parseRecipient } from './age-recipient.js';
import { encodeHeader, wrapFileKey } from './age-header.js';
import { encryptPayload } from './age-stream.js';

/**
 * age encryption for bundles. Encryption writes the age v1 format itself with Node's native
 * X25519 and ChaCha20-Poly1305 (fast; proven by the CCTV vectors and the age CLI in the tests);
 * decryption and identities use the `age-encryption` reference library.
 */
@Injectable()
export class AgeEncryptor {
  /** Encrypts to every recipient; returns the age file as chunks (header first). */
  encryptChunks(plaintext: Uint8Array | readonly Uint8Array[], recipients: readonly string[]): Buffer[] {
    if (recipients.length === 0) throw new Error('no recipients to encrypt to');
    const fileKey = randomBytes(16);
    const stanzas = recipients.map((r) => wrapFileKey(parseRecipient(r), fileKey));
    return [encodeHeader(stanzas, fileKey), ...encryptPayload(fileKey, plaintext)];
  }

  async encrypt(plaintext: Uint8Array | readonly Uint8Array[], recipients: readonly string[]): Promise<Buffer> {
    return Buffer.concat(this.encryptChunks(plaintext, recipients));
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

  /** Protects a member's identity with their passphrase (age scrypt), for keeping it server-side. */
  async wrapIdentityWithPassphrase(identity: string, passphrase: string, workFactor = 18): Promise<Buffer> {
    const encrypter = new Encrypter();
    encrypter.setPassphrase(passphrase);
    encrypter.setScryptWorkFactor(workFactor);
    return Buffer.from(await encrypter.encrypt(identity));
  }

  async unwrapIdentity(ciphertext: Uint8Array, passphrase: string): Promise<string> {
    const decrypter = new Decrypter();
    decrypter.addPassphrase(passphrase);
    return Buffer.from(await decrypter.decrypt(ciphertext)).toString('utf8');
  }
}
