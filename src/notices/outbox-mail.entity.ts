import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoticeKind, NoticeLocale } from './notice-templates.js';

export type OutboxMailState = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One e-mail of the outbox, written in the transaction of what caused it. Subject and bodies are
 * cleared once the mail is sent or has failed for good, so an activation link does not outlive it.
 */
@Entity('outbox_mail')
export class OutboxMailEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'message_id', type: 'text' }) messageId!: string;
  @Column('text') kind!: NoticeKind;
  @Column({ name: 'to_address', type: 'text' }) toAddress!: string;
  @Column({ name: 'member_id', type: 'uuid', nullable: true }) memberId!: string | null;
  @Column({ name: 'bundle_id', type: 'uuid', nullable: true }) bundleId!: string | null;
  @Column('text') locale!: NoticeLocale;
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  @Column({ name: 'text_body', type: 'text', nullable: true }) textBody!: string | null;
  @Column({ name: 'html_body', type: 'text', nullable: true }) htmlBody!: string | null;
  @Column('text') state!: OutboxMailState;
  @Column('integer') attempts!: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt!: Date;
  @Column({ name: 'claimed_by', type: 'text', nullable: true }) claimedBy!: string | null;
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true }) claimedUntil!: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true }) failedAt!: Date | null;
}
