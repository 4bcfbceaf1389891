import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import type { BundleEntity } from './bundle.entity.js';
import { BundlesRepository, type RetiredBundle } from './bundles.repository.js';
import { BundleStorage } from './storage/bundle-storage.js';

/** The audit event of a bundle revoked for `reason` (a superseded one names its successor). */
export const revokedEvent = (b: RetiredBundle, reason: string) => ({
  action: 'bundle.revoked',
  subjectType: 'bundle',
  subjectId: b.id,
  networkId: b.networkId,
  detail: { editionId: b.editionId, memberId: b.memberId, reason, ...(b.supersededBy ? { supersededBy: b.supersededBy } : {}) },
});
export const storageKeysOf = (bundles: RetiredBundle[]) => bundles.flatMap((b) => (b.storageKey ? [b.storageKey] : []));

/**
 * Every way a bundle stops being fetchable: its edition revoked or corrected, a newer edition of the
 * list ready for the same recipient (supersession), the recipient erased, or its lifetime over. Rows
 * change in the caller's transaction (or one of its own); files are deleted only after the commit.
 */
@Injectable()
export class RetireBundles {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: BundlesRepository,
    private readonly storage: BundleStorage,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

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

  /**
   * One live edition per recipient and list, in the transaction that marks `readyIds` ready (which
   * first takes `lockLists`): the older copies are revoked. The caller records their audit events
   * (`revokedEvent(b, 'superseded')`) with its own, and deletes their files after the commit.
   */
  supersede(tx: EntityManager, readyIds: string[], at: Date): Promise<RetiredBundle[]> {
    return this.repository.supersedeOlder(tx, readyIds, at);
  }

  /** Serialises supersession per list: see `BundlesRepository.lockLists`. */
  lockLists(tx: EntityManager, bundleIds: string[]): Promise<void> {
    return this.repository.lockLists(tx, bundleIds);
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

  /** A bundle revoked or expired while a worker built it must not keep the file the worker stored. */
  /** Deletes a build's file that lost its claim, unless (by a reused attempt number) it is the recorded one. */
  async deleteFileUnlessRecorded(bundle: BundleEntity, storageKey: string): Promise<void> {
    const current = await this.repository.findById(bundle.id);
    if (current?.storageKey !== storageKey) await this.storage.delete(storageKey);
  }

  async deleteFiles(keys: string[]): Promise<void> {
    for (const key of keys) await this.storage.delete(key);
  }

  removeStaleTemporaries(): Promise<number> {
    return this.storage.removeStaleTemporaries();
  }
}
