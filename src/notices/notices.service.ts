import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { LOGGER } from '../common/logger.module.js';
import { AppConfig } from '../config/app-config.js';
import { MailTransport, SMTP_SEND_TIMEOUT_MS, type OutgoingMail } from './mail-transport.js';
import { LOGO_CID, renderNotice, type NoticeKind, type NoticeLocale } from './notice-templates.js';
import { NoticesRepository } from './notices.repository.js';
import { OutboxMailEntity } from './outbox-mail.entity.js';

export interface NoticeRequest {
  kind: NoticeKind;
  to: string;
  locale: NoticeLocale;
  memberId?: string | null;
  /** Required for a bundle notice (one per bundle, ever); refused on other kinds. */
  bundleId?: string | null;
  /** The one-time link of an activation or password reset mail; refused on other kinds. */
  link?: string;
}

export interface NoticeDelivery {
  state: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface SendDueResult {
  sent: number;
  retried: number;
  failed: number;
}

/** How long a worker holds the mails it claimed; a crashed worker's mails are due again after it. */
export const MAIL_LEASE_MS = 5 * 60_000;

/** Retry delay after the n-th failed attempt: 30 s, 1 min, 2 min ... capped at 1 hour. */
export function noticeRetryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

const ERROR_NAME = /^[A-Za-z][A-Za-z0-9]{0,59}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * What is kept of a failed delivery: the error's class, codes and SMTP reply code. Never its message:
 * servers quote the recipient's address in their replies ("550 <someone@example.org> unknown").
 */
export function describeMailError(error: unknown): string {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; originalCode?: unknown; responseCode?: unknown };
  const parts = [typeof e.name === 'string' && ERROR_NAME.test(e.name) ? e.name : 'Error'];
  for (const code of [e.code, e.originalCode]) if (typeof code === 'string' && ERROR_CODE.test(code) && !parts.includes(code)) parts.push(code);
  if (typeof e.responseCode === 'number' && Number.isInteger(e.responseCode)) parts.push(String(e.responseCode));
  return parts.join(' ');
}

// One mailbox, no display name, nothing that could add a second recipient or a header.
const PLAIN_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

@Injectable()
export class NoticesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NoticesRepository,
    private readonly transport: MailTransport,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private get portalUrl(): string {
    return `${this.config.baseUrl}/portal`;
  }

  /**
   * Renders the mail now and writes it in the caller's transaction, so it exists exactly when what
   * caused it committed. A second notice for the same bundle is silently dropped.
   */
  async enqueue(tx: EntityManager, request: NoticeRequest): Promise<void> {
    const to = request.to.trim();
    if (!PLAIN_ADDRESS.test(to) || to.length > 320) {
      throw new DomainError('invalid', 'NOTICE_ADDRESS_INVALID', 'The e-mail address is not valid', 'to');
    }
    const bundleId = request.bundleId ?? null;
    if (request.kind === 'bundle_notice' && !bundleId) throw new Error('A bundle notice needs the bundle id');
    if (request.kind !== 'bundle_notice' && bundleId) throw new Error(`A ${request.kind} notice must not name a bundle`);
    const rendered = renderNotice(request.kind, request.locale, {
      orgName: this.config.orgName,
      portalUrl: this.portalUrl,
      ...(request.link !== undefined ? { link: request.link } : {}),
      // Mail programs show PNG reliably and SVG seldom: an SVG logo stays on the pages only.
      withLogo: this.config.orgLogo?.contentType === 'image/png',
    });
    const id = newId();
    const mail = Object.assign(new OutboxMailEntity(), {
      id,
      messageId: `<${id}@${new URL(this.config.baseUrl).hostname}>`,
      kind: request.kind,
      toAddress: to,
      memberId: request.memberId ?? null,
      bundleId,
      locale: request.locale === 'en' ? 'en' : 'da',
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      createdAt: this.clock.now(),
    });
    if (!(await this.repository.insert(tx, mail))) this.logger.debug({ bundleId }, 'bundle already has a notice; not queued again');
  }

  /**
   * Sends the mails that are due, one by one, and records each outcome (with its audit event) in its
   * own transaction. A crash between the send and that record sends the mail again after the lease,
   * with the same Message-ID.
   */
  async sendDue(limit = 50): Promise<SendDueResult> {
    const workerId = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const claimed = await this.repository.claim(workerId, limit, this.clock.now(), MAIL_LEASE_MS);
    const result: SendDueResult = { sent: 0, retried: 0, failed: 0 };
    for (const [i, mail] of claimed.entries()) {
      // Never start a send that could outlast the lease: another worker would send it too.
      if (this.clock.now().getTime() + SMTP_SEND_TIMEOUT_MS + 30_000 > mail.claimedUntil!.getTime()) {
        await this.repository.release(workerId, claimed.slice(i).map((m) => m.id), this.clock.now());
        break;
      }
      let error: string | null = null;
      try {
        await this.transport.send(this.outgoing(mail));
      } catch (e) {
        error = describeMailError(e);
      }
      const outcome = await this.record(mail, workerId, error);
      if (outcome) result[outcome] += 1;
    }
    if (claimed.length) this.logger.info({ claimed: claimed.length, ...result }, 'outbox run finished');
    return result;
  }

  /**
   * Erasure, in the caller's transaction: the member's mails lose the address and bodies; queued ones
   * are cancelled. Answers what to hand to `forgetCopies` after the commit.
   */
  async scrubMember(tx: EntityManager, actor: Actor, memberId: string, email: string | null, placeholder: string): Promise<{ messageId: string; date: Date }[]> {
    const mails = await this.repository.scrubMember(tx, memberId, email, placeholder, this.clock.now());
    if (mails.length) {
      await this.audit.record(tx, actor, { action: 'notice.addresses_erased', subjectType: 'member', subjectId: memberId, detail: { outboxIds: mails.map((m) => m.id) } });
    }
    return mails.map((m) => ({ messageId: m.messageId, date: m.createdAt }));
  }

  /** Deletes copies the transport kept (the `.eml` files without SMTP). */
  forgetCopies(mails: { messageId: string; date: Date }[]): Promise<void> {
    return this.transport.forget(mails);
  }

  /** Delivery status of the notices of these bundles, for coordinators. Bundles without one are absent. */
  async deliveryOf(bundleIds: string[]): Promise<Map<string, NoticeDelivery>> {
    const rows = await this.repository.deliveryOf(bundleIds);
    return new Map(rows.map((r) => [r.bundleId, { state: r.state, sentAt: r.sentAt ? r.sentAt.toISOString() : null, attempts: r.attempts, lastError: r.lastError }]));
  }

  /** The HTML and the inline logo it shows (a logo removed from the configuration since leaves no broken image). */
  private logoOf(html: string): Pick<OutgoingMail, 'html' | 'inlineImages'> {
    if (!html.includes(`cid:${LOGO_CID}`)) return { html };
    const logo = this.config.orgLogo;
    if (logo?.contentType !== 'image/png') return { html: html.replace(/<p[^>]*><img src="cid:[^"]*"[^>]*><\/p>\n/, '') };
    return { html, inlineImages: [{ cid: LOGO_CID, filename: 'logo.png', contentType: logo.contentType, content: logo.bytes }] };
  }

  private outgoing(mail: OutboxMailEntity): OutgoingMail {
    if (mail.subject === null || mail.textBody === null || mail.htmlBody === null) throw new Error('A claimed mail has no content');
    return {
      messageId: mail.messageId,
      from: this.config.mailFrom,
      to: mail.toAddress,
      subject: mail.subject,
      text: mail.textBody,
      ...this.logoOf(mail.htmlBody),
      // The time it was written, not of this attempt: every attempt produces the same message.
      date: mail.createdAt,
    };
  }

  private async record(mail: OutboxMailEntity, workerId: string, error: string | null): Promise<keyof SendDueResult | null> {
    const now = this.clock.now();
    const ids = { outboxId: mail.id, kind: mail.kind, attempts: mail.attempts };
    const final = error !== null && mail.attempts >= this.config.mailMaxAttempts;
    return this.dataSource.transaction(async (tx) => {
      if (error === null || final) {
        const marked = error === null ? await this.repository.markSent(tx, mail.id, workerId, now) : await this.repository.markFailed(tx, mail.id, workerId, now, error);
        if (!marked) {
          this.logger.warn(ids, 'outbox claim lost before the outcome was recorded');
          return null;
        }
        await this.audit.record(tx, { type: 'system' }, {
          action: error === null ? 'notice.sent' : 'notice.failed',
          subjectType: 'notice',
          subjectId: mail.id,
          detail: { kind: mail.kind, memberId: mail.memberId, bundleId: mail.bundleId, attempts: mail.attempts },
        });
        if (error !== null) this.logger.error({ ...ids, error }, 'notice failed for good');
        return error === null ? 'sent' : 'failed';
      }
      const retryAt = new Date(now.getTime() + noticeRetryDelayMs(mail.attempts));
      if (!(await this.repository.markRetry(tx, mail.id, workerId, retryAt, error))) return null;
      this.logger.warn({ ...ids, error, retryAt: retryAt.toISOString() }, 'notice not delivered; will retry');
      return 'retried';
    });
  }
}
