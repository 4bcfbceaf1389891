import { Injectable } from '@nestjs/common';
import { hkdfSync } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { openSecret, sealSecret } from '../common/secret-box.js';

const STEP_SECONDS = 30;
const CODE = /^\d{6}$/;

/**
 * Time-based one-time codes (RFC 6238, as authenticator apps make them) for members and staff. The
 * shared secret is stored sealed under a key derived from SESSION_SECRET and bound to its owner, so
 * a copy of the database alone cannot make codes.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private key(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.config.sessionSecret ?? '', 'listebud', 'totp secret box', 32));
  }

  newSecret(): string {
    return generateSecret();
  }

  /** otpauth:// address for authenticator apps; the label is generic, never the person's e-mail. */
  uri(secret: string, label: string): string {
    return generateURI({ issuer: this.config.orgName, label, secret });
  }

  seal(ownerId: string, secret: string): string {
    return sealSecret(this.key(), ownerId, secret).toString('base64url');
  }

  open(ownerId: string, sealed: string): string | undefined {
    return openSecret(this.key(), ownerId, Buffer.from(sealed, 'base64url'));
  }

  /**
   * The time step of the code when it is the current one or a neighbour (±30 s, for clocks that
   * drift a little) and later than `lastStep`, the step of the last code the account used: each
   * code opens one login only. The caller stores the answer (see `consumeStep` in the repositories).
   */
  async match(secret: string, code: string, lastStep: number | null): Promise<number | undefined> {
    const token = code.replace(/\s+/g, '');
    if (!CODE.test(token)) return undefined;
    const epoch = Math.floor(this.clock.now().getTime() / 1000);
    const result = await verify({ secret, token, epoch, epochTolerance: STEP_SECONDS, ...(lastStep === null ? {} : { afterTimeStep: lastStep }) });
    return result.valid && 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : undefined;
  }
}
