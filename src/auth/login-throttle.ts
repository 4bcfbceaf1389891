import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { AuthRepository, type FailureStats } from './auth.repository.js';

/** "30 seconds", "1 minute", "15 minutes": how long the caller must wait, rounded up. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export const tooManyAttempts = (waitMs: number) =>
  new DomainError('too_many', 'LOGIN_THROTTLED', `Too many failed attempts. Try again in ${waitText(waitMs)}`);

/** One address may serve several people (an office), and an account is reached from several places. */
const WIDE_FACTOR = 4;
/** The first delay; each further failure doubles it, up to LOGIN_MAX_DELAY_MINUTES. */
const FIRST_DELAY_MS = 30_000;

export type AccountKind = 'staff' | 'member';

/**
 * Failed-login delays, for staff and members alike, instead of a hard lock (a lock let anyone lock
 * out a coordinator). Three counters, each over LOGIN_WINDOW_MINUTES:
 * - the account from one address: LOGIN_MAX_FAILURES free failures, then growing delays;
 * - the address, whatever account it names (password spraying): 4 × as many;
 * - the account from every address (guessing spread over many addresses): 4 × as many, not applied
 *   to an address this account logged in from before, so one attacker does not keep the owner out.
 * During a delay even the right password is refused. Account counters restart at a success; the
 * address counter does not (one valid account must not unlock guessing at others). Keys are keyed
 * hashes, so the attempts table never holds an e-mail or an address in clear.
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
    const account = kind === 'staff' ? 'account' : 'member-account';
    return {
      account: this.key(account, email),
      pair: this.key(`${account}-from`, `${email.trim()}\n${clientAddress}`),
      address: this.key('address', clientAddress),
    };
  }

  private since(): Date {
    return new Date(this.clock.now().getTime() - this.config.loginWindowMinutes * 60_000);
  }

  /** When a counter's delay ends: after `threshold` failures, 30 s doubling per failure, capped. */
  private delayEnd(stats: FailureStats, threshold: number): number {
    if (stats.failures < threshold || !stats.lastFailureAt) return 0;
    const delay = Math.min(this.config.loginMaxDelayMinutes * 60_000, FIRST_DELAY_MS * 2 ** Math.min(stats.failures - threshold, 30));
    return stats.lastFailureAt.getTime() + delay;
  }

  /** Throws LOGIN_THROTTLED ("try again in …") while the account or the address must wait. */
  async assertAllowed(kind: AccountKind, email: string, clientAddress: string): Promise<void> {
    const keys = this.keys(kind, email, clientAddress);
    const since = this.since();
    const max = this.config.loginMaxFailures;
    const [pair, account, address] = await Promise.all([
      this.repository.failureStats(keys.pair, since, true),
      this.repository.failureStats(keys.account, since, true),
      this.repository.failureStats(keys.address, since, false),
    ]);
    const ends = [this.delayEnd(pair, max), this.delayEnd(address, max * WIDE_FACTOR)];
    if (!pair.succeededBefore) ends.push(this.delayEnd(account, max * WIDE_FACTOR));
    const wait = Math.max(...ends) - this.clock.now().getTime();
    if (wait > 0) throw tooManyAttempts(wait);
  }

  /**
   * Records an attempt. For a failure, answers whether it is the one that started the account's
   * delays (from anywhere, since its last success): its owner then gets one notice.
   */
  async record(kind: AccountKind, email: string, clientAddress: string, succeeded: boolean): Promise<{ delaysStarted: boolean }> {
    const keys = this.keys(kind, email, clientAddress);
    await this.repository.recordAttempt([keys.account, keys.pair, keys.address], succeeded, this.clock.now());
    if (succeeded) return { delaysStarted: false };
    const { failures } = await this.repository.failureStats(keys.account, this.since(), true);
    return { delaysStarted: failures === this.config.loginMaxFailures };
  }
}
