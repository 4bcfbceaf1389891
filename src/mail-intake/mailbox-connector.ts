import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ImapMailbox } from './imap-mailbox.js';

/** Opens the configured mailbox. The one impure seam of the intake: a test can point it elsewhere. */
@Injectable()
export class MailboxConnector {
  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.imap !== undefined;
  }

  open(): Promise<ImapMailbox> {
    if (!this.config.imap) throw new Error('IMAP_URL is not set');
    return ImapMailbox.open(this.config.imap, this.config.imapDoneFolder);
  }
}
