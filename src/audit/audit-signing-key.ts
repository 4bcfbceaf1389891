import { Injectable } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/load-config.js';
import { publicKeyInfo, signCheckpoint, type CheckpointHead, type PublicKeyInfo } from './checkpoint-signature.js';

interface LoadedKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  info: PublicKeyInfo;
}

type KeySource = 'AUDIT_SIGNING_KEY' | 'DATA_DIR';
const badKey = (key: KeySource, problem: string) => new ConfigError([{ key, problem }]);

/**
 * The service's Ed25519 key for audit checkpoints: AUDIT_SIGNING_KEY (PEM text or a file path), or,
 * with the embedded database only, DATA_DIR/keys/audit-signing.pem, made (mode 0600) the first time
 * it is needed. Every instance must sign with the same key, so with a real database the key must
 * come from configuration.
 */
@Injectable()
export class AuditSigningKey {
  private loaded: LoadedKey | undefined;

  constructor(private readonly config: AppConfig) {}

  get keyFile(): string {
    return join(this.config.dataDir, 'keys', 'audit-signing.pem');
  }

  publicKey(): PublicKeyInfo {
    return this.load().info;
  }

  sign(head: CheckpointHead): { signature: string; keyId: string } {
    const key = this.load();
    return { signature: signCheckpoint(key.privateKey, head), keyId: key.info.keyId };
  }

  /** The public key to check stored checkpoints with, without making a key when there is none. */
  existingPublicKey(): KeyObject | undefined {
    if (this.loaded || this.config.auditSigningKey) return this.load().publicKey;
    try {
      return this.fromPem(readFileSync(this.keyFile, 'utf8'), 'DATA_DIR').publicKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private load(): LoadedKey {
    this.loaded ??= this.config.auditSigningKey ? this.fromConfig(this.config.auditSigningKey) : this.fromDataDir();
    return this.loaded;
  }

  private fromConfig(value: string): LoadedKey {
    if (value.includes('-----BEGIN')) return this.fromPem(value.replace(/\\n/g, '\n'), 'AUDIT_SIGNING_KEY');
    let pem: string;
    try {
      pem = readFileSync(value, 'utf8');
    } catch {
      throw badKey('AUDIT_SIGNING_KEY', 'is neither a PEM key nor a readable key file');
    }
    return this.fromPem(pem, 'AUDIT_SIGNING_KEY');
  }

  /** Written to a temporary name and linked into place, so two processes starting together agree on one key. */
  private fromDataDir(): LoadedKey {
    // Each instance (and each rebuilt container) would make its own key and could never sign again.
    if (this.config.databaseMode === 'postgres') {
      throw badKey('AUDIT_SIGNING_KEY', 'is required when DATABASE_URL is set (every instance must share it)');
    }
    const file = this.keyFile;
    try {
      return this.fromPem(readFileSync(file, 'utf8'), 'DATA_DIR');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    mkdirSync(join(this.config.dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, pem, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
    return this.fromPem(readFileSync(file, 'utf8'), 'DATA_DIR');
  }

  private fromPem(pem: string, source: KeySource): LoadedKey {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      throw badKey(source, source === 'DATA_DIR' ? 'keys/audit-signing.pem is not a PEM private key' : 'is not a PEM private key');
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw badKey(source, 'the audit signing key must be an Ed25519 key');
    const publicKey = createPublicKey(privateKey);
    return { privateKey, publicKey, info: publicKeyInfo(publicKey) };
  }
}
