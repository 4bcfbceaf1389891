import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, Interval } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { AuditCheckpointsService } from '../audit/audit-checkpoints.service.js';
import { RetireBundles } from '../bundles/retire-bundles.js';
import { Clock } from '../common/clock.js';
import { LOGGER } from '../common/logger.module.js';
import { BundleWorker } from '../distribution/bundle-worker.js';
import { PublishEdition } from '../editions/publish-edition.js';
import { RetentionService } from '../gdpr/retention.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import { PasswordResetRequestsService } from '../member-accounts/password-reset-requests.service.js';

/**
 * Thin timers: each calls one service method. Correctness across instances comes from the
 * database (unique list + slot, SKIP LOCKED claims); the `running` flags only stop one process
 * from overlapping itself.
 */
@Injectable()
export class SchedulerJobs implements OnApplicationBootstrap {
  private running = { slots: false, work: false, expiry: false, mail: false, checkpoint: false, retention: false, sessions: false };

  constructor(
    private readonly editions: PublishEdition,
    private readonly distribution: BundleWorker,
    private readonly bundles: RetireBundles,
    private readonly notices: NoticesService,
    private readonly checkpoints: AuditCheckpointsService,
    private readonly retention: RetentionService,
    private readonly resetRequests: PasswordResetRequestsService,
    private readonly memberAuth: MemberAuthService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A crash mid-write leaves a temporary file; clear those before building again. */
  async onApplicationBootstrap(): Promise<void> {
    const removed = await this.bundles.removeStaleTemporaries();
    if (removed > 0) this.logger.warn({ files: removed }, 'removed partial bundle files left by a crash');
    const { keyId, publicKeyBase64 } = this.checkpoints.publicKey();
    this.logger.info({ keyId, publicKeyBase64 }, 'audit checkpoints are signed with this Ed25519 public key');
  }

  /** Checked every 5 minutes; the service makes at most one checkpoint per hour across instances. */
  @Interval('audit-checkpoint', 5 * 60_000)
  auditCheckpoint(): Promise<void> {
    return this.guard('checkpoint', async () => {
      const checkpoint = await this.checkpoints.createDue(this.clock.now());
      if (checkpoint) this.logger.info({ seq: checkpoint.seq, keyId: checkpoint.keyId }, 'audit checkpoint signed');
    });
  }

  @Interval('publish-due-slots', 30_000)
  publishDueSlots(): Promise<void> {
    return this.guard('slots', async () => {
      for (const { listId, slot, result } of await this.editions.publishDueSlots(this.clock.now())) {
        this.logger.info({ listId, slot: slot.toISOString(), editionId: result.edition.id, created: result.created, skipped: result.skipped }, 'scheduled slot');
      }
    });
  }

  @Interval('build-bundles', 5_000)
  buildBundles(): Promise<void> {
    return this.guard('work', async () => {
      const n = await this.distribution.drain();
      if (n > 0) this.logger.info({ bundles: n }, 'bundles handled');
    });
  }

  /** "Forgotten password" forms only queue their request (the same work for every address); their mails are made here, then sent. */
  @Interval('send-mail', 5_000)
  sendMail(): Promise<void> {
    return this.guard('mail', async () => {
      const resets = await this.resetRequests.processDue();
      if (resets > 0) this.logger.info({ requests: resets }, 'password reset requests handled');
      const { sent, retried, failed } = await this.notices.sendDue();
      if (sent + retried + failed > 0) this.logger.info({ sent, retried, failed }, 'outbox run');
    });
  }

  /** Idle member sessions end and lose their sealed identity even if their cookie never comes back. */
  @Interval('end-idle-member-sessions', 5 * 60_000)
  endIdleSessions(): Promise<void> {
    return this.guard('sessions', async () => {
      const n = await this.memberAuth.endIdleSessions();
      if (n > 0) this.logger.info({ sessions: n }, 'idle member sessions ended');
    });
  }

  @Interval('expire-bundles', 10 * 60_000)
  expireBundles(): Promise<void> {
    return this.guard('expiry', async () => {
      const n = await this.bundles.expireDue();
      if (n > 0) this.logger.info({ bundles: n }, 'expired bundles deleted');
    });
  }

  /** Daily, at night; an advisory lock lets one instance run it, and every step is idempotent anyway. */
  @Cron('20 3 * * *', { name: 'retention' })
  applyRetention(): Promise<void> {
    return this.guard('retention', async () => {
      const result = await this.retention.applyExclusive();
      if (result) this.logger.info(result, 'retention run');
    });
  }

  private async guard(name: keyof SchedulerJobs['running'], job: () => Promise<void>): Promise<void> {
    if (this.running[name]) return;
    this.running[name] = true;
    const started = Date.now();
    try {
      await job();
    } catch (error) {
      this.logger.error({ job: name, err: { type: (error as Error)?.name, code: (error as { code?: string })?.code } }, 'job failed');
    } finally {
      this.running[name] = false;
      this.logger.debug({ job: name, ms: Date.now() - started }, 'job done');
    }
  }
}
