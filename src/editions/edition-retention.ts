import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { EditionsRepository } from './editions.repository.js';

/** Retention of editions: old contact values go once no copy is out; the member ids stay for the ledger. */
@Injectable()
export class EditionRetention {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Editions created before `cutoff` whose bundles are all gone lose their contact values (one audit
   * event each). In batches, each its own transaction; safe on several instances.
   */
  async purgeContactValues(cutoff: Date, batch = 100): Promise<number> {
    let purged = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (tx) => {
        const editions = await this.repository.purgeContactValues(tx, cutoff, this.clock.now(), batch);
        await this.audit.recordMany(
          tx,
          SYSTEM_ACTOR,
          editions.map((e) => ({
            action: 'edition.contact_values_purged',
            subjectType: 'edition',
            subjectId: e.id,
            networkId: e.networkId,
            detail: { rows: e.rowCount, cutoff: cutoff.toISOString(), revokedUnapproved: e.revoked },
          })),
        );
        return editions.length;
      });
      purged += done;
      if (done < batch) return purged;
    }
  }
}
