import { randomBytes, randomUUID, createHash } from 'node:crypto';

export const newId = (): string => randomUUID();

/** A bearer secret: 32 random bytes, prefixed so a leaked token is recognisable in a scan. */
export const newSecretToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Secrets (tokens, session ids) are stored only as their SHA-256. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');
