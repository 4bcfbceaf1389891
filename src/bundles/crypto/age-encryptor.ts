import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { decodeHeader, encodeHeader, verifyHeaderMac, type DecodedHeader, type Stanza } from './age-header.js';
import { generateX25519Identity, parseX25519Identity } from './age-identity.js';
import { decodeRecipient } from './age-recipient.js';
import { assertScryptAlone, unwrapWithPassphrase, wrapWithPassphrase } from './age-scrypt.js';
import { unwrapX25519, wrapFileKey } from './age-stanza.js';
import { decryptPayload, encryptedPayloadSize, encryptPayloadInto, plaintextLength, type Plaintext } from './age-stream.js';

const FILE_KEY_SIZE = 16;
const DEFAULT_SCRYPT_WORK_FACTOR = 18;

/** Failure messages name the kind of failure only: never key material, passphrases or content. */
const NO_IDENTITY_MATCHED = "age decryption failed: no identity matched any of the file's recipients";
const WRONG_PASSPHRASE = 'age decryption failed: the passphrase does not open this file';
const DAMAGED = 'age decryption failed: the file is damaged or is not an age file';

/** One age file: header and payload in one buffer. */
function assemble(stanzas: readonly Stanza[], fileKey: Uint8Array, plaintext: Plaintext): Buffer {
  const header = encodeHeader(stanzas, fileKey);
  const out = Buffer.allocUnsafe(header.length + encryptedPayloadSize(plaintextLength(plaintext)));
  header.copy(out, 0);
  encryptPayloadInto(fileKey, plaintext, out, header.length);
  return out;
}

/**
 * Decrypts an age file given a way to unwrap its file key, in the Go reference's order: strict
 * header, scrypt-alone rule, unwrap, header MAC, then the payload (every chunk authenticated).
 */
async function openFile(
  file: Uint8Array,
  unwrap: (stanzas: readonly Stanza[]) => Buffer | null | Promise<Buffer | null>,
  noMatch: string,
): Promise<Buffer> {
  let header: DecodedHeader;
  let fileKey: Buffer | null;
  try {
    header = decodeHeader(file);
    assertScryptAlone(header.stanzas);
    fileKey = await unwrap(header.stanzas);
  } catch (cause) {
    throw new Error(DAMAGED, { cause });
  }
  if (!fileKey) throw new Error(noMatch);
  if (!verifyHeaderMac(header, fileKey)) throw new Error(DAMAGED);
  try {
    return decryptPayload(fileKey, file.subarray(header.length));
  } catch (cause) {
    throw new Error(DAMAGED, { cause });
  }
}

/**
 * age encryption for bundles, entirely on Node's native crypto: X25519, ChaCha20-Poly1305,
 * HKDF/HMAC-SHA256 and scrypt (asynchronous, in the libuv thread pool, so a passphrase at 2^18
 * never stalls the event loop). The age v1 format is written and read by age-header.ts,
 * age-stanza.ts, age-scrypt.ts and age-stream.ts; the CCTV vectors and the age CLI check them.
 */
@Injectable()
export class AgeEncryptor {
  /** One age file readable by each recipient (age1… or ssh-ed25519 …); header and payload in one buffer. */
  async encrypt(plaintext: Plaintext, recipients: readonly string[]): Promise<Buffer> {
    if (recipients.length === 0) throw new Error('no recipients to encrypt to');
    const keys = recipients.map(decodeRecipient);
    const fileKey = randomBytes(FILE_KEY_SIZE);
    return assemble(
      keys.map((key) => wrapFileKey(key, fileKey)),
      fileKey,
      plaintext,
    );
  }

  /** Decrypts with one X25519 identity (AGE-SECRET-KEY-1…); throws when it does not match or the file is damaged. */
  async decryptWithIdentity(ciphertext: Uint8Array, identity: string): Promise<Buffer> {
    const { privateKey, publicKey } = parseX25519Identity(identity);
    return openFile(ciphertext, (stanzas) => unwrapX25519(stanzas, privateKey, publicKey), NO_IDENTITY_MATCHED);
  }

  /** A fresh X25519 identity and its recipient, in the form age-keygen writes. */
  async generateIdentity(): Promise<{ identity: string; recipient: string }> {
    return generateX25519Identity();
  }

  /** Protects a member's identity with their passphrase (age scrypt recipient), for keeping it server-side. */
  async wrapIdentityWithPassphrase(identity: string, passphrase: string, workFactor = DEFAULT_SCRYPT_WORK_FACTOR): Promise<Buffer> {
    const fileKey = randomBytes(FILE_KEY_SIZE);
    const stanza = await wrapWithPassphrase(passphrase, fileKey, workFactor);
    return assemble([stanza], fileKey, Buffer.from(identity, 'utf8'));
  }

  async unwrapIdentity(ciphertext: Uint8Array, passphrase: string): Promise<string> {
    const plaintext = await openFile(ciphertext, (stanzas) => unwrapWithPassphrase(stanzas, passphrase), WRONG_PASSPHRASE);
    return plaintext.toString('utf8');
  }
}
