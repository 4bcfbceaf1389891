import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { BundleEntity } from './bundle.entity.js';
import { BundleQueueRepository, type BundleProgress } from './bundle-queue.repository.js';
import { BundlesRepository } from './bundles.repository.js';

const MAX_BUILD_ATTEMPTS = 5;

/** Retry delay after the n-th failed attempt: 10 s, 20 s, 40 s ... capped at 10 minutes. */
function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

/**
 * The bundles to build, as a queue in PostgreSQL: one row per recipient created with its edition,
 * claimed under a lease, retried with back-off, parked while the member has no key, re-queued
 * when the member's keys change. Building and storing them is the distribution worker's part.
 */
@Injectable()
export class BundleQueue {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: BundleQueueRepository,
    private readonly bundles: BundlesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** One bundle row per recipient, in the edition's own transaction. */
  async createForEdition(tx: EntityManager, editionId: string, memberIds: string[], expiresAt: Date): Promise<void> {
    const now = this.clock.now();
    const withKeys = await this.repository.membersWithKeys(tx, memberIds);
    await this.repository.insertMany(
      tx,
      memberIds.map((memberId) =>
        Object.assign(new BundleEntity(), {
          id: newId(),
          editionId,
          memberId,
          state: withKeys.has(memberId) ? 'pending' : 'waiting_for_key',
          recipients: [],
          storageKey: null,
          sizeBytes: null,
          sha256: null,
          files: null,
          attempts: 0,
          lastError: null,
          claimedBy: null,
          claimedUntil: null,
          createdAt: now,
          builtAt: null,
          expiresAt,
          downloadedAt: null,
          revokedAt: null,
          expiredAt: null,
        }),
      ),
    );
  }

  claim(workerId: string, limit: number, editionIds?: string[]): Promise<BundleEntity[]> {
    return this.repository.claim(workerId, limit, this.clock.now(), this.config.bundleLeaseSeconds * 1000, MAX_BUILD_ATTEMPTS, editionIds);
  }

  /** Marks claimed bundles ready in the caller's transaction; answers the ids whose claim still held. */
  markReady(
    tx: EntityManager,
    workerId: string,
    builtAt: Date,
    rows: Parameters<BundleQueueRepository['markManyReady']>[3],
  ): Promise<Set<string>> {
    return this.repository.markManyReady(tx, workerId, builtAt, rows);
  }

  async fail(bundle: BundleEntity, workerId: string, reason: string, networkId: string | null): Promise<void> {
    const retryAt = new Date(this.clock.now().getTime() + retryDelayMs(bundle.attempts));
    await this.dataSource.transaction(async (tx) => {
      if (!(await this.repository.markFailed(tx, bundle.id, workerId, reason, retryAt))) return;
      await this.audit.record(tx, { type: 'system' }, {
        action: 'bundle.failed',
        subjectType: 'bundle',
        subjectId: bundle.id,
        networkId,
        detail: { editionId: bundle.editionId, attempts: bundle.attempts, reason, final: bundle.attempts >= MAX_BUILD_ATTEMPTS },
      });
    });
  }

  async waitForKey(bundle: BundleEntity, workerId: string): Promise<void> {
    await this.dataSource.transaction((tx) => this.repository.markWaitingForKey(tx, bundle.id, workerId));
  }

  /** Re-issues the member's live bundles to their current keys (in the caller's transaction). */
  async reissueForMember(tx: EntityManager, actor: Actor, memberId: string): Promise<number> {
    const ids = await this.repository.reissueOf(tx, memberId, this.clock.now());
    if (ids.length) {
      await this.audit.recordMany(tx, actor, ids.map((id) => ({ action: 'bundle.reissued', subjectType: 'bundle', subjectId: id, detail: { memberId } })));
    }
    return ids.length;
  }

  hasWorkLeft(editionId: string): Promise<boolean> {
    return this.repository.hasWorkLeft(editionId);
  }

  progress(editionId: string, tx?: EntityManager): Promise<BundleProgress> {
    return this.repository.progress(editionId, tx);
  }

  /** Failed bundles of the edition that the queue will still retry. */
  retrying(tx: EntityManager, editionId: string): Promise<number> {
    return this.repository.retrying(tx, editionId, MAX_BUILD_ATTEMPTS);
  }

  /** Every bundle of the edition with its queue state (for the console's and the API's status table). */
  ofEdition(editionId: string): Promise<BundleEntity[]> {
    return this.bundles.ofEdition(editionId);
  }
}
