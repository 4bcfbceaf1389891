import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MailIntakeRepository } from './mail-intake.repository.js';

export type MailboxHealth = 'off' | 'ok' | 'unreachable' | 'unknown';

/**
 * The mailbox as /health reports it, the same on every instance: the reader records each connect and
 * read in the database. 'unknown': no reader has reported for a while (none started yet, or it stopped).
 */
@Injectable()
export class MailboxHealthService {
  constructor(
    private readonly repository: MailIntakeRepository,
    private readonly config: AppConfig,
  ) {}

  async state(now: Date = new Date()): Promise<MailboxHealth> {
    if (!this.config.imap) return 'off';
    const status = await this.repository.status();
    // A healthy reader reports at least every poll interval; a failing one on every retry (at most 5 min apart).
    const staleAfterMs = Math.max(3 * this.config.imapPollSeconds * 1000, 10 * 60_000);
    if (!status || now.getTime() - status.checkedAt.getTime() > staleAfterMs) return 'unknown';
    return status.state;
  }
}
