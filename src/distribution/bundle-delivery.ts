import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { Clock } from '../common/clock.js';
import { LOGGER } from '../common/logger.module.js';
import { AuditService } from '../audit/audit.service.js';
import type { BundleEntity } from '../bundles/bundle.entity.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { RetireBundles, revokedEvent, storageKeysOf } from '../bundles/retire-bundles.js';
import { BundleStorage } from '../bundles/storage/bundle-storage.js';
import { MembersService } from '../members/members.service.js';
import { NoticesService } from '../notices/notices.service.js';
import type { BuiltBundle } from './bundle-builder.js';

/**
 * Where one build of a bundle is stored: ids and the claim's attempt number only. Every claim has its
 * own attempt number, so a build that lost its claim (its lease lapsed while the database was away,
 * and another build was recorded meanwhile) writes beside the recorded file instead of over it.
 */
function bundleStorageKey(bundle: BundleEntity): string {
  return `${bundle.editionId}/${bundle.id}-${bundle.attempts}.age`;
}

/** Files of this bundle that the recorded build replaces: earlier attempts (a crash may have left one) and the file it had. */
function replacedKeys(bundle: BundleEntity): string[] {
  const earlier = Array.from({ length: Math.max(0, bundle.attempts - 1) }, (_, i) => `${bundle.editionId}/${bundle.id}-${i + 1}.age`);
  const previous = bundle.storageKey && bundle.storageKey !== bundleStorageKey(bundle) ? [bundle.storageKey] : [];
  return [...earlier, ...previous];
}

/**
 * Delivers built bundles: stores their files, marks them ready, retires the copies of older editions
 * they supersede, and queues each recipient's notice, in one transaction with the audit events.
 */
@Injectable()
export class BundleDelivery {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: BundleQueue,
    private readonly retire: RetireBundles,
    private readonly storage: BundleStorage,
    private readonly members: MembersService,
    private readonly notices: NoticesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Stores the ciphertexts (side by side, each durable before it is renamed into place), then marks
   * the bundles ready with their audit events in one transaction. A crash in between leaves them
   * claimed; the lease lapses and another worker rebuilds them (to the next attempt's key). Returns the
   * bundles whose file could not be stored, with the error, for the caller to record as failed.
   */
  async completeMany(workerId: string, items: { bundle: BundleEntity; built: BuiltBundle; networkId: string }[]): Promise<{ bundle: BundleEntity; error: unknown }[]> {
    const stored = await Promise.allSettled(items.map(({ bundle, built }) => this.storage.put(bundleStorageKey(bundle), built.ciphertext)));
    const failed = items.flatMap((item, i) => (stored[i].status === 'rejected' ? [{ bundle: item.bundle, error: (stored[i] as PromiseRejectedResult).reason }] : []));
    const ok = items.filter((_, i) => stored[i].status === 'fulfilled');
    if (ok.length === 0) return failed;
    const now = this.clock.now();
    const { lost, supersededKeys, replaced } = await this.dataSource.transaction(async (tx) => {
      await this.retire.lockLists(tx, ok.map(({ bundle }) => bundle.id));
      const marked = await this.queue.markReady(
        tx,
        workerId,
        now,
        ok.map(({ bundle, built }) => ({
          id: bundle.id,
          storageKey: bundleStorageKey(bundle),
          sizeBytes: built.bytes,
          sha256: built.sha256,
          recipients: built.recipients,
          files: built.files,
        })),
      );
      const ready = ok.filter(({ bundle }) => marked.has(bundle.id));
      // One live edition per recipient and list: the older copies go in the transaction that makes this
      // one ready (a bundle that lost the race to a newer edition's is itself retired here, unannounced).
      const superseded = await this.retire.supersede(tx, [...marked], now);
      const retiredNow = new Set(superseded.map((b) => b.id));
      const announced = ready.filter(({ bundle }) => !retiredNow.has(bundle.id));
      // The notice is written with the bundle it announces: both commit, or neither.
      const addresses = await this.members.noticeAddresses(tx, announced.map(({ bundle }) => bundle.memberId));
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
      return { lost, supersededKeys: storageKeysOf(superseded), replaced: ready.flatMap(({ bundle }) => replacedKeys(bundle)) };
    });
    await this.retire.deleteFiles(supersededKeys);
    await this.retire.deleteFiles(replaced);
    for (const bundle of lost) {
      // Revoked, expired or taken over while we built it: this build's own file is nobody's record.
      await this.retire.deleteFileUnlessRecorded(bundle, bundleStorageKey(bundle));
      this.logger.warn({ bundleId: bundle.id }, 'bundle claim lost before it was marked ready');
    }
    return failed;
  }
}
