import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { EditionsRepository } from './editions.repository.js';

/**
 * A building edition becomes published once no bundle is left to build (keyless ones wait on), and
 * publishing a correction settles the editions it replaced. The distribution worker calls it after
 * each batch and sweeps stalled editions when it finds nothing to claim.
 */
@Injectable()
export class FinishEdition {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly bundles: BundleQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Publishes the building editions that have nothing left to build but were never marked published:
   * the process that committed their last bundles died, or lost the database, before
   * `finishIfComplete`. No later commit would look at them again, so the worker sweeps them when it
   * finds nothing to claim. Answers the ids it published.
   */
  async finishStalled(editionIds?: string[]): Promise<string[]> {
    const finished: string[] = [];
    for (const editionId of await this.repository.buildingIds(editionIds)) {
      if (await this.finishIfComplete(editionId)) finished.push(editionId);
    }
    return finished;
  }

  /** Marks a building edition published once no bundle is left to build (keyless ones wait on). */
  async finishIfComplete(editionId: string): Promise<boolean> {
    // Cheap test first: while bundles are still being built there is nothing to lock.
    if (await this.bundles.hasWorkLeft(editionId)) return false;
    return this.dataSource.transaction(async (tx) => {
      const edition = await this.repository.lockIfBuilding(tx, editionId);
      if (!edition) return false;
      const p = await this.bundles.progress(editionId, tx);
      const retrying = await this.bundles.retrying(tx, editionId);
      if (p.pending + p.building + retrying > 0) return false;
      const now = this.clock.now();
      await this.repository.setState(tx, editionId, 'published', { publishedAt: now });
      await this.audit.record(tx, { type: 'system' }, {
        action: 'edition.published',
        subjectType: 'edition',
        subjectId: editionId,
        networkId: edition.networkId,
        detail: { ready: p.ready, waitingForKey: p.waiting_for_key, failed: p.failed },
      });
      // A correction is out: the editions whose copies it replaced are settled (art. 19), and only those.
      const settled = await this.repository.settleCorrectedBy(tx, editionId);
      await this.audit.recordMany(
        tx,
        { type: 'system' },
        settled.map((e) => ({
          action: 'edition.correction_sent',
          subjectType: 'edition',
          subjectId: e.id,
          networkId: e.networkId,
          detail: { correctedBy: editionId },
        })),
      );
      return true;
    });
  }
}
