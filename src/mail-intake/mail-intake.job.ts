import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.module.js';
import { AppConfig } from '../config/app-config.js';
import { MailIntakeRepository } from './mail-intake.repository.js';
import { MailIntakeService } from './mail-intake.service.js';

/** Retry delay after the n-th failure in a row: 5 s, 10 s, 20 s ... capped at 5 minutes. */
export function mailboxRetryDelayMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures - 1), 5 * 60_000);
}

/**
 * The reader, in the server process only. One instance holds the database lease and keeps one IMAP
 * connection: it reads the folder, then waits for new mail (IDLE) or IMAP_POLL_SECONDS, and reads
 * again. The others try for the lease every IMAP_POLL_SECONDS, so one takes over when the reader
 * stops. Faults are logged as codes (never the address or the password) and retried with back-off.
 */
@Injectable()
export class MailIntakeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly intake: MailIntakeService,
    private readonly repository: MailIntakeRepository,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.imap) return;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const pollMs = this.config.imapPollSeconds * 1000;
    let failures = 0;
    while (!this.stopped) {
      let lease = null;
      try {
        lease = await this.repository.tryLease();
        if (!lease) {
          await this.sleep(pollMs);
          continue;
        }
        const mailbox = await this.intake.open();
        if (failures > 0) this.logger.info({ failures }, 'mailbox reachable again');
        failures = 0;
        try {
          while (!this.stopped && mailbox.usable && (await lease.stillHeld())) {
            await this.intake.scan(mailbox);
            await mailbox.waitForMail(pollMs, () => this.stopped);
          }
        } finally {
          await mailbox.close();
        }
      } catch (error) {
        failures += 1;
        const e = error as { name?: string; code?: string; authenticationFailed?: boolean };
        const delay = mailboxRetryDelayMs(failures);
        this.logger.warn(
          { err: { type: e?.name, code: e?.code, authenticationFailed: e?.authenticationFailed === true }, failures, retryInMs: delay },
          'mailbox unreachable; will retry',
        );
        await this.repository.recordStatus('unreachable', new Date()).catch(() => undefined);
        await lease?.release();
        lease = null;
        await this.sleep(delay);
      } finally {
        await lease?.release();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
