import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccessRequestsService, type MailChannel } from '../access-requests/access-requests.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.module.js';
import { AppConfig } from '../config/app-config.js';
import { NoticesService } from '../notices/notices.service.js';
import { MailboxConnector } from './mailbox-connector.js';
import type { ImapMailbox, MailSummary } from './imap-mailbox.js';
import { bareAddress, findTextPart, nameFromBody, skipReason } from './mail-content.js';
import { MailIntakeRepository, type ProcessedOutcome } from './mail-intake.repository.js';
import { subjectMatcher } from './subject-matcher.js';

export interface IntakeResult {
  /** Mails in the folder, all looked at by envelope only. */
  scanned: number;
  matched: number;
  requests: number;
  skipped: number;
  /** Handled by an earlier run that was cut off before the move; moved now, no second request. */
  movedLate: number;
}

/**
 * Seed flow A, step 1, by e-mail: a mail whose subject is a channel's request phrase becomes an
 * access request with source `email` (the address from From, the name from the first line of the
 * text), gets a receipt through the outbox, and is moved to the done folder. The mail is recorded
 * as handled in the request's transaction and moved after the commit, so a cut anywhere in between
 * leads the next run to the same mail, which then only moves it: one mail, one request.
 */
@Injectable()
export class MailIntakeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MailIntakeRepository,
    private readonly accessRequests: AccessRequestsService,
    private readonly notices: NoticesService,
    private readonly connector: MailboxConnector,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One complete run for the CLI and the tests: take the lease, read once, let go. Null while another instance reads. */
  async runOnce(): Promise<IntakeResult | null> {
    const lease = await this.repository.tryLease();
    if (!lease) return null;
    try {
      const mailbox = await this.open();
      try {
        return await this.scan(mailbox);
      } finally {
        await mailbox.close();
      }
    } finally {
      await lease.release();
    }
  }

  /** Connects; records the outcome for /health. Throws when the server is down or refuses the login. */
  async open(): Promise<ImapMailbox> {
    try {
      const mailbox = await this.connector.open();
      await this.repository.recordStatus('ok', this.clock.now());
      return mailbox;
    } catch (error) {
      await this.repository.recordStatus('unreachable', this.clock.now()).catch(() => undefined);
      throw error;
    }
  }

  async scan(mailbox: ImapMailbox): Promise<IntakeResult> {
    const channels = await this.accessRequests.mailChannels();
    const match = subjectMatcher(channels);
    const own = this.ownAddresses(channels);
    const summaries = await mailbox.summaries();
    const matching = summaries.flatMap((m) => {
      const channel = match(m.subject);
      return channel ? [{ mail: m, channel, key: this.mailKey(mailbox, m) }] : [];
    });
    const known = await this.repository.outcomes(matching.map((m) => m.key));
    const result: IntakeResult = { scanned: summaries.length, matched: matching.length, requests: 0, skipped: 0, movedLate: 0 };
    for (const { mail, channel, key } of matching) {
      const earlier = known.get(key);
      if (earlier === 'request') {
        await mailbox.moveToDone(mail.uid);
        result.movedLate += 1;
        continue;
      }
      // Mails that were not requests stay in the folder for staff, unread; they are not looked at again.
      if (earlier) continue;
      const outcome = await this.handle(mailbox, mail, channel, key, own);
      if (outcome === 'request') result.requests += 1;
      else result.skipped += 1;
    }
    await this.repository.recordStatus('ok', this.clock.now());
    if (result.matched > 0) this.logger.info({ ...result }, 'mailbox read');
    return result;
  }

  private async handle(mailbox: ImapMailbox, mail: MailSummary, channel: string, key: string, own: Set<string>): Promise<ProcessedOutcome> {
    const screening = await mailbox.screening(mail.uid);
    const reason = screening
      ? skipReason({ from: mail.from, headers: screening.headers, contentType: screening.structure.type, ownAddresses: own })
      : 'no_sender';
    if (reason) return this.record(key, 'skipped', { uid: mail.uid, reason });
    const textPart = findTextPart(screening!.structure);
    const name = textPart ? nameFromBody(await mailbox.text(mail.uid, textPart.part), textPart.html) : null;
    if (!name) return this.record(key, 'no_name', { uid: mail.uid });
    try {
      const stored = await this.dataSource.transaction(async (tx) => {
        if (!(await this.repository.markProcessed(tx, key, 'request', null, this.clock.now()))) return null;
        const request = await this.accessRequests.receiveByMail(tx, { channel, name, email: mail.from! });
        await this.repository.setRequest(tx, key, request.id);
        // The same receipt whether the address is known, new, or asked before.
        await this.notices.enqueue(tx, { kind: 'access_request_receipt', to: mail.from!.trim().toLowerCase(), locale: 'da' });
        return request;
      });
      if (stored) this.logger.info({ uid: mail.uid, accessRequestId: stored.id, refreshed: stored.refreshed }, 'access request by e-mail');
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'too_many') return this.record(key, 'throttled', { uid: mail.uid });
      if (error instanceof DomainError && error.kind === 'invalid') {
        return this.record(key, 'skipped', { uid: mail.uid, reason: error.code });
      }
      throw error;
    }
    await mailbox.moveToDone(mail.uid);
    return 'request';
  }

  private async record(key: string, outcome: Exclude<ProcessedOutcome, 'request'>, log: Record<string, unknown>) {
    await this.dataSource.transaction((tx) => this.repository.markProcessed(tx, key, outcome, null, this.clock.now()));
    this.logger.info({ ...log, outcome }, 'request mail left in the mailbox for staff');
    return outcome;
  }

  /**
   * The Message-ID identifies a mail wherever it is; a mail without one is named by its place.
   * Hashed: the table must not hold anything that points at a person.
   */
  private mailKey(mailbox: ImapMailbox, mail: MailSummary): string {
    const identity = mail.messageId ? `mid\n${mail.messageId}` : `uid\n${mailbox.folder}\n${mailbox.uidValidity}\n${mail.uid}`;
    return createHash('sha256').update(identity).digest('hex');
  }

  /** Mail from these is never answered: the channels' addresses, our sender address and the mailbox itself. */
  private ownAddresses(channels: MailChannel[]): Set<string> {
    const own = new Set<string>();
    for (const c of channels) if (c.address) own.add(c.address);
    const from = bareAddress(this.config.mailFrom);
    if (from) own.add(from);
    if (this.config.imap?.user.includes('@')) own.add(this.config.imap.user.toLowerCase());
    return own;
  }
}
