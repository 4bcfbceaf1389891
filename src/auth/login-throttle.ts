import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { AuthRepository } from './auth.repository.js';

export const tooManyAttempts = () =>
  new DomainError('too_many', 'LOGIN_THROTTLED', 'Too many failed attempts. Wait a while and try again');

/** One address may serve several people (an office), so it gets more room than one account. */
const ADDRESS_FACTOR = 4;

export type AccountKind = 'staff' | 'member';

/**
 * Failed-login throttling per account and per client address, for staff and members alike. Keys
 * are keyed hashes, so the attempts table never holds an e-mail or an address in clear.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly repository: AuthRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private key(kind: string, value: string): string {
    return createHmac('sha256', this.config.sessionSecret ?? '').update(`${kind}:${value.trim().toLowerCase()}`).digest('hex');
  }

  private keys(kind: AccountKind, email: string, clientAddress: string) {
    // Staff keep their original key prefix, so attempts recorded before members existed still count.
    return { account: this.key(kind === 'staff' ? 'account' : 'member-account', email), address: this.key('address', clientAddress) };
  }

  private since(): Date {
    return new Date(this.clock.now().getTime() - this.config.loginWindowMinutes * 60_000);
  }

  /** Throws LOGIN_THROTTLED while the account or the address has too many recent failures. */
  async assertAllowed(kind: AccountKind, email: string, clientAddress: string): Promise<void> {
    const { account, address } = this.keys(kind, email, clientAddress);
    const max = this.config.loginMaxFailures;
    // A success does not reset the address: one valid account must not unlock guessing at others.
    if ((await this.repository.recentFailures(account, this.since(), true)) >= max) throw tooManyAttempts();
    if ((await this.repository.recentFailures(address, this.since(), false)) >= max * ADDRESS_FACTOR) throw tooManyAttempts();
  }

  /** Records an attempt; for a failure, answers whether this one locked the account. */
  async record(kind: AccountKind, email: string, clientAddress: string, succeeded: boolean): Promise<{ lockedNow: boolean }> {
    const { account, address } = this.keys(kind, email, clientAddress);
    await this.repository.recordAttempt([account, address], succeeded, this.clock.now());
    if (succeeded) return { lockedNow: false };
    const failures = await this.repository.recentFailures(account, this.since(), true);
    return { lockedNow: failures === this.config.loginMaxFailures };
  }
}
