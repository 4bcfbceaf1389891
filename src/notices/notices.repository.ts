import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxMailEntity } from './outbox-mail.entity.js';

export interface DeliveryRow {
  bundleId: string;
  state: string;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** The only place with SQL for the outbox. */
@Injectable()
export class NoticesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts a mail in the caller's transaction. A bundle gets at most one notice ever: a second one
   * for the same bundle is dropped (returns false), whichever process or retry sent it.
   */
  async insert(tx: EntityManager, mail: OutboxMailEntity): Promise<boolean> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO outbox_mail (id, message_id, kind, to_address, member_id, bundle_id, locale, subject, text_body, html_body,
                                state, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $11, $11)
       ON CONFLICT (bundle_id) DO NOTHING
       RETURNING id`,
      [mail.id, mail.messageId, mail.kind, mail.toAddress, mail.memberId, mail.bundleId, mail.locale, mail.subject, mail.textBody, mail.htmlBody, mail.createdAt],
    );
    return rows.length === 1;
  }

  /**
   * Claims up to `limit` due mails for this worker: pending ones whose time has come, and ones still
   * 'sending' whose lease lapsed (a crashed worker). While claimed, next_attempt_at is the lease's
   * end, so one partial index serves both cases. SKIP LOCKED lets instances claim side by side.
   */
  async claim(workerId: string, limit: number, now: Date, leaseMs: number): Promise<OutboxMailEntity[]> {
    const leaseEnd = new Date(now.getTime() + leaseMs);
    // For UPDATE, TypeORM's query() answers [rows, affected count].
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE outbox_mail SET state = 'sending', claimed_by = $1, claimed_until = $2, next_attempt_at = $2, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox_mail
           WHERE state IN ('pending', 'sending') AND next_attempt_at <= $3
             AND (state = 'pending' OR claimed_until < $3)
           ORDER BY next_attempt_at, id
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [workerId, leaseEnd, now, limit],
    );
    if (rows.length === 0) return [];
    return this.dataSource.manager
      .createQueryBuilder(OutboxMailEntity, 'm')
      .where('m.id IN (:...ids)', { ids: rows.map((r) => r.id) })
      .orderBy('m.created_at')
      .addOrderBy('m.id')
      .getMany();
  }

  /** Sent: the subject and bodies go, so a link in them does not outlive its delivery here. */
  async markSent(tx: EntityManager, id: string, workerId: string, at: Date): Promise<boolean> {
    return this.updateClaimed(tx, id, workerId, {
      state: 'sent',
      sentAt: at,
      subject: null,
      textBody: null,
      htmlBody: null,
      lastError: null,
    });
  }

  async markRetry(tx: EntityManager, id: string, workerId: string, nextAttemptAt: Date, lastError: string): Promise<boolean> {
    return this.updateClaimed(tx, id, workerId, { state: 'pending', nextAttemptAt, lastError });
  }

  /** Given up: nothing will send it again, so the bodies go here too. */
  async markFailed(tx: EntityManager, id: string, workerId: string, at: Date, lastError: string): Promise<boolean> {
    return this.updateClaimed(tx, id, workerId, {
      state: 'failed',
      failedAt: at,
      lastError,
      subject: null,
      textBody: null,
      htmlBody: null,
    });
  }

  /** Hands claimed mails this worker did not get to back, without counting the attempt. */
  async release(workerId: string, ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox_mail SET state = 'pending', attempts = attempts - 1, next_attempt_at = $3, claimed_by = NULL, claimed_until = NULL
        WHERE id = ANY($1::uuid[]) AND claimed_by = $2 AND state = 'sending'`,
      [ids, workerId, now],
    );
  }

  /**
   * Erasure: the member's mails (by member id, or sent to their address) keep their kind, state and
   * dates, but the address becomes a placeholder and the bodies go. Mails not yet sent never will be.
   */
  async scrubMember(tx: EntityManager, memberId: string, email: string | null, placeholder: string, at: Date): Promise<{ id: string; messageId: string; createdAt: Date }[]> {
    const [rows]: [{ id: string; message_id: string; created_at: Date }[], number] = await tx.query(
      `UPDATE outbox_mail
          SET to_address = $3, subject = NULL, text_body = NULL, html_body = NULL, claimed_by = NULL, claimed_until = NULL,
              state = CASE WHEN state IN ('pending', 'sending') THEN 'failed' ELSE state END,
              failed_at = CASE WHEN state IN ('pending', 'sending') THEN $4 ELSE failed_at END,
              last_error = CASE WHEN state IN ('pending', 'sending') THEN 'ERASED' ELSE last_error END
        WHERE (member_id = $1 OR to_address = $2) AND to_address <> $3
        RETURNING id, message_id, created_at`,
      [memberId, email, placeholder, at],
    );
    return rows.map((r) => ({ id: r.id, messageId: r.message_id, createdAt: r.created_at }));
  }

  async deliveryOf(bundleIds: string[]): Promise<DeliveryRow[]> {
    if (bundleIds.length === 0) return [];
    const rows: { bundle_id: string; state: string; sent_at: Date | null; attempts: number; last_error: string | null }[] = await this.dataSource.query(
      `SELECT bundle_id, state, sent_at, attempts, last_error FROM outbox_mail WHERE bundle_id = ANY($1::uuid[])`,
      [bundleIds],
    );
    return rows.map((r) => ({ bundleId: r.bundle_id, state: r.state, sentAt: r.sent_at, attempts: r.attempts, lastError: r.last_error }));
  }

  /** Changes a mail only while this worker's claim on it still holds. */
  private async updateClaimed(tx: EntityManager, id: string, workerId: string, patch: Partial<OutboxMailEntity>): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(OutboxMailEntity)
      .set({ ...patch, claimedBy: null, claimedUntil: null })
      .where('id = :mailId AND claimed_by = :claimant AND state = :claimedState', { mailId: id, claimant: workerId, claimedState: 'sending' })
      .execute();
    return result.affected === 1;
  }
}
