import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { LOGGER } from '../common/logger.module.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { BundleEntity, type BundleFileInfo } from './bundle.entity.js';
import { NoticesService } from '../notices/notices.service.js';
import { BundlesRepository, type BundleProgress, type MemberBundleRow, type RetiredBundle } from './bundles.repository.js';
import { AgeEncryptor } from './crypto/age-encryptor.js';
import { BundleStorage } from './storage/bundle-storage.js';

export const MAX_BUILD_ATTEMPTS = 5;

export interface BuiltBundle {
  /** The age file as chunks, in order. */
  ciphertext: Buffer[];
  bytes: number;
  sha256: string;
  recipients: string[];
  files: BundleFileInfo[];
}

export const bundleNotReady = () => new DomainError('conflict', 'BUNDLE_NOT_READY', 'The bundle is not ready (still building, waiting for a key, revoked or expired)');

const revokedEvent = (b: RetiredBundle, reason: string) => ({
  action: 'bundle.revoked',
  subjectType: 'bundle',
  subjectId: b.id,
  networkId: b.networkId,
  detail: { editionId: b.editionId, memberId: b.memberId, reason, ...(b.supersededBy ? { supersededBy: b.supersededBy } : {}) },
});
const storageKeysOf = (bundles: RetiredBundle[]) => bundles.flatMap((b) => (b.storageKey ? [b.storageKey] : []));

/** Retry delay after the n-th failed attempt: 10 s, 20 s, 40 s ... capped at 10 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

@Injectable()
export class BundlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: BundlesRepository,
    private readonly storage: BundleStorage,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notices: NoticesService,
    private readonly age: AgeEncryptor,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static storageKey(editionId: string, bundleId: string): string {
    return `${editionId}/${bundleId}.age`;
  }

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

  /**
   * Stores the ciphertexts (side by side, each durable before it is renamed into place), then marks
   * the bundles ready with their audit events in one transaction. A crash in between leaves them
   * claimed; the lease lapses and another worker rebuilds them to the same keys. Returns the
   * bundles whose file could not be stored, with the error, for the caller to record as failed.
   */
  async completeMany(workerId: string, items: { bundle: BundleEntity; built: BuiltBundle; networkId: string }[]): Promise<{ bundle: BundleEntity; error: unknown }[]> {
    const stored = await Promise.allSettled(items.map(({ bundle, built }) => this.storage.put(BundlesService.storageKey(bundle.editionId, bundle.id), built.ciphertext)));
    const failed = items.flatMap((item, i) => (stored[i].status === 'rejected' ? [{ bundle: item.bundle, error: (stored[i] as PromiseRejectedResult).reason }] : []));
    const ok = items.filter((_, i) => stored[i].status === 'fulfilled');
    if (ok.length === 0) return failed;
    const now = this.clock.now();
    const { lost, supersededKeys } = await this.dataSource.transaction(async (tx) => {
      await this.repository.lockLists(tx, ok.map(({ bundle }) => bundle.id));
      const marked = await this.repository.markManyReady(
        tx,
        workerId,
        now,
        ok.map(({ bundle, built }) => ({
          id: bundle.id,
          storageKey: BundlesService.storageKey(bundle.editionId, bundle.id),
          sizeBytes: built.bytes,
          sha256: built.sha256,
          recipients: built.recipients,
          files: built.files,
        })),
      );
      const ready = ok.filter(({ bundle }) => marked.has(bundle.id));
      // One live edition per recipient and list: the older copies go in the transaction that makes this
      // one ready (a bundle that lost the race to a newer edition's is itself retired here, unannounced).
      const superseded = await this.repository.supersedeOlder(tx, [...marked], now);
      const retiredNow = new Set(superseded.map((b) => b.id));
      const announced = ready.filter(({ bundle }) => !retiredNow.has(bundle.id));
      // The notice is written with the bundle it announces: both commit, or neither.
      const addresses = await this.repository.noticeAddresses(tx, announced.map(({ bundle }) => bundle.memberId));
      for (const { bundle } of announced) {
        const address = addresses.get(bundle.memberId);
        if (address) await this.notices.enqueue(tx, { kind: 'bundle_notice', to: address.email, locale: address.locale, memberId: bundle.memberId, bundleId: bundle.id });
      }
      await this.audit.recordMany(tx, { type: 'system' }, [
        ...ready.map(({ bundle, built, networkId }) => ({
          action: 'bundle.built',
          subjectType: 'bundle',
          subjectId: bundle.id,
          networkId,
          detail: {
            editionId: bundle.editionId,
            memberId: bundle.memberId,
            sha256: built.sha256,
            bytes: built.bytes,
            recipients: built.recipients.length,
          },
        })),
        ...superseded.map((b) => revokedEvent(b, 'superseded')),
      ]);
      const lost = ok.filter(({ bundle }) => !marked.has(bundle.id)).map(({ bundle }) => bundle);
      return { lost, supersededKeys: storageKeysOf(superseded) };
    });
    await this.deleteFiles(supersededKeys);
    for (const bundle of lost) {
      // Revoked, expired or taken over while we built it: a revoked or expired one must not keep a file.
      const current = await this.repository.findById(bundle.id);
      if (current && (current.state === 'revoked' || current.state === 'expired')) await this.storage.delete(BundlesService.storageKey(bundle.editionId, bundle.id));
      this.logger.warn({ bundleId: bundle.id }, 'bundle claim lost before it was marked ready');
    }
    return failed;
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

  hasWorkLeft(editionId: string): Promise<boolean> {
    return this.repository.hasWorkLeft(editionId);
  }

  progress(editionId: string, tx?: EntityManager): Promise<BundleProgress> {
    return this.repository.progress(editionId, tx);
  }

  ofEdition(editionId: string): Promise<BundleEntity[]> {
    return this.repository.ofEdition(editionId);
  }

  /** The stored `.age` file of a member's bundle of an edition. */
  async encryptedFile(editionId: string, memberId: string): Promise<{ bundle: BundleEntity; data: Buffer }> {
    const bundle = await this.repository.findOf(editionId, memberId);
    if (!bundle) throw notFound('BUNDLE_NOT_FOUND', 'The bundle');
    if (bundle.state !== 'ready' || !bundle.storageKey) throw bundleNotReady();
    return { bundle, data: await this.storage.get(bundle.storageKey) };
  }

  /** The member's own bundles, newest edition first (revoked ones are not shown). */
  ofMember(memberId: string): Promise<MemberBundleRow[]> {
    return this.repository.ofMember(memberId);
  }

  /**
   * A member's download: the bundle must be addressed to them (anything else is "not found") and
   * ready. Each download is an audit event; the first sets downloaded_at.
   */
  async download(memberId: string, bundleId: string, what: 'zip' | 'age' | 'xlsx' | 'pdf', identity?: string): Promise<{ data: Buffer; bundle: BundleEntity }> {
    const bundle = await this.repository.findOfMember(bundleId, memberId);
    if (!bundle || bundle.state === 'revoked') throw notFound('BUNDLE_NOT_FOUND', 'The bundle');
    if (bundle.state !== 'ready' || !bundle.storageKey) throw bundleNotReady();
    const encrypted = await this.storage.get(bundle.storageKey);
    let data = encrypted;
    if (what !== 'age') {
      if (!identity) throw bundleNotReady();
      data = await this.age.decryptWithIdentity(encrypted, identity);
    }
    await this.dataSource.transaction(async (tx) => {
      await this.repository.markDownloaded(tx, bundle.id, this.clock.now());
      await this.audit.record(tx, { type: 'member', id: memberId }, {
        action: 'bundle.downloaded',
        subjectType: 'bundle',
        subjectId: bundle.id,
        detail: { editionId: bundle.editionId, memberId, file: what },
      });
    });
    return { data, bundle };
  }

  /** Re-issues the member's live bundles to their current keys (in the caller's transaction). */
  async reissueForMember(tx: EntityManager, actor: Actor, memberId: string): Promise<number> {
    const ids = await this.repository.reissueOf(tx, memberId, this.clock.now());
    if (ids.length) {
      await this.audit.recordMany(tx, actor, ids.map((id) => ({ action: 'bundle.reissued', subjectType: 'bundle', subjectId: id, detail: { memberId } })));
    }
    return ids.length;
  }

  /**
   * Revokes every live bundle of these editions, downloaded or not, in the caller's transaction, with
   * one audit event each. Answers them and their storage keys: delete those files after the commit.
   */
  async retireEditions(
    tx: EntityManager,
    actor: Actor,
    editionIds: string[],
    reason: 'revoked' | 'erasure' | 'corrected',
  ): Promise<{ storageKeys: string[]; retired: RetiredBundle[] }> {
    const retired = await this.repository.revokeLiveOfEditions(tx, editionIds, this.clock.now());
    if (retired.length) await this.audit.recordMany(tx, actor, retired.map((b) => revokedEvent(b, reason)));
    return { storageKeys: storageKeysOf(retired), retired };
  }

  /** Erasure, first thing in its transaction: see `BundlesRepository.lockListsOfMember`. */
  lockListsOfMember(tx: EntityManager, memberId: string): Promise<void> {
    return this.repository.lockListsOfMember(tx, memberId);
  }

  /**
   * Erasure (crypto-shredding), in the caller's transaction: every bundle addressed to the member is
   * revoked. Answers the storage keys; delete those files after the commit with `deleteFiles`.
   */
  async revokeAllOfMember(tx: EntityManager, actor: Actor, memberId: string): Promise<{ revoked: number; storageKeys: string[] }> {
    const { revoked, storageKeys } = await this.repository.revokeAllOf(tx, memberId, this.clock.now());
    await this.audit.recordMany(
      tx,
      actor,
      revoked.map((b) => ({ action: 'bundle.revoked', subjectType: 'bundle', subjectId: b.id, networkId: b.networkId, detail: { editionId: b.editionId, memberId, reason: 'erasure' } })),
    );
    return { revoked: revoked.length, storageKeys };
  }

  async deleteFiles(keys: string[]): Promise<void> {
    for (const key of keys) await this.storage.delete(key);
  }

  removeStaleTemporaries(): Promise<number> {
    return this.storage.removeStaleTemporaries();
  }

  /** Deletes the files of expired bundles; the rows stay, in state expired. */
  async expireDue(limit = 500): Promise<number> {
    const now = this.clock.now();
    const keys = await this.dataSource.transaction(async (tx) => {
      const due = await this.repository.dueForExpiry(tx, now, limit);
      if (due.length === 0) return [];
      await this.repository.setState(tx, due.map((b) => b.id), 'expired', now);
      await this.audit.recordMany(
        tx,
        { type: 'system' },
        due.map((b) => ({ action: 'bundle.expired', subjectType: 'bundle', subjectId: b.id, detail: { editionId: b.editionId, memberId: b.memberId } })),
      );
      return due.flatMap((b) => (b.storageKey ? [b.storageKey] : []));
    });
    // Files go after the commit: a crash in between leaves an unreachable file, never a live row without one.
    await this.deleteFiles(keys);
    return keys.length;
  }
}
