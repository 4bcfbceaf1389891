import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, hkdfSync } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { openSecret, sealSecret } from '../common/secret-box.js';
import { ActivationService } from './activation.service.js';
import type { Locale } from './member-account.entity.js';

export const tooManyResetRequests = () => new DomainError('too_many', 'PASSWORD_RESET_THROTTLED', 'Too many requests from here. Wait a while and try again');

/** One person typing the same address again and again queues it this often per window, no more. */
const PER_EMAIL = 3;
const WINDOW_MS = 15 * 60_000;
/** Handled requests are kept (keys only) this long, for the limits; then deleted. */
const KEEP_MS = 24 * 3600_000;

/**
 * "Forgotten password", step one. The form only queues the request: the same keyed hashes, the
 * same count and one insert for a known and an unknown address, so neither the answer nor its time
 * says whether the address has an account. The worker (`processDue`) looks the address up and
 * sends at most one mail per account per 15 minutes (ActivationService.requestReset).
 */
@Injectable()
export class PasswordResetRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activation: ActivationService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private keyed(kind: string, value: string): string {
    return createHmac('sha256', this.config.sessionSecret ?? '').update(`${kind}:${value}`).digest('hex');
  }

  private sealKey(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.config.sessionSecret ?? '', 'listebud', 'password reset queue', 32));
  }

  /** Queues a request for an already validated address; throws PASSWORD_RESET_THROTTLED past the limit per client address. */
  async queue(email: string, locale: Locale, clientAddress: string): Promise<void> {
    const normalised = email.trim().toLowerCase();
    const now = this.clock.now();
    const addressKey = this.keyed('reset-address', clientAddress);
    const emailKey = this.keyed('reset-email', normalised);
    const [{ address, same }]: { address: number; same: number }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE address_key = $1 AND created_at > $3)::int AS address,
              count(*) FILTER (WHERE email_key = $2 AND created_at > $4)::int AS same
         FROM password_reset_request WHERE (address_key = $1 OR email_key = $2) AND created_at > $3`,
      [addressKey, emailKey, new Date(now.getTime() - 3600_000), new Date(now.getTime() - WINDOW_MS)],
    );
    if (address >= this.config.passwordResetsPerHour) throw tooManyResetRequests();
    const id = newId();
    // Past the limit per e-mail address the row still counts against the client address, but carries no address to act on.
    const sealed = same >= PER_EMAIL ? null : sealSecret(this.sealKey(), id, normalised);
    await this.dataSource.query(
      `INSERT INTO password_reset_request (id, email_key, address_key, sealed_email, locale, created_at, processed_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
      [id, emailKey, addressKey, sealed, locale, now],
    );
  }

  /**
   * Claims due requests (SKIP LOCKED: several instances may run this), wipes their sealed address in
   * the same transaction and then issues the links. A crash after the commit loses a request (the
   * person asks again), never sends one twice. Answers how many requests were handled.
   */
  async processDue(limit = 50): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.dataSource.transaction(async (tx) => {
      const rows: { id: string; sealed_email: Buffer | null; locale: Locale }[] = await tx.query(
        `SELECT id, sealed_email, locale FROM password_reset_request WHERE processed_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        await tx.query(`UPDATE password_reset_request SET processed_at = $2, sealed_email = NULL WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id), now]);
      }
      await tx.query(`DELETE FROM password_reset_request WHERE created_at < $1 AND processed_at IS NOT NULL`, [new Date(now.getTime() - KEEP_MS)]);
      return rows;
    });
    for (const row of claimed) {
      const email = row.sealed_email ? openSecret(this.sealKey(), row.id, row.sealed_email) : undefined;
      if (email) await this.activation.requestReset(email, row.locale);
    }
    return claimed.length;
  }
}
