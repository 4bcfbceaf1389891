import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { ListsService } from '../lists/lists.service.js';
import type { EditionDto } from './dto/edition.dto.js';
import { toEditionDto } from './edition.mapper.js';
import { EditionQueries } from './edition-queries.js';
import { editionNotAwaitingApproval, fourEyes, onlyStaffApprove } from './editions.errors.js';
import { EditionsRepository } from './editions.repository.js';
import { queueBundles } from './publish-edition.js';

/** Four eyes on a list that requires approval: someone other than the requester approves; then the bundles are queued. */
@Injectable()
export class ApproveEdition {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly editions: EditionQueries,
    private readonly lists: ListsService,
    private readonly queue: BundleQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async approve(actor: Actor, editionId: string): Promise<EditionDto> {
    if (actor.type !== 'staff' || actor.role === 'auditor') throw onlyStaffApprove();
    const edition = await this.editions.reachable(actor, editionId);
    const list = await this.lists.reachable(actor, edition.listId);
    return this.dataSource.transaction(async (tx) => {
      const locked = await this.repository.lockAwaitingApproval(tx, editionId);
      if (!locked) throw editionNotAwaitingApproval();
      if (locked.requestedById === actor.id) throw fourEyes();
      const now = this.clock.now();
      await this.repository.setState(tx, editionId, 'building', { approvedById: actor.id, approvedAt: now });
      await queueBundles(this.queue, tx, locked, list, now);
      await this.audit.record(tx, actor, {
        action: 'edition.approved',
        subjectType: 'edition',
        subjectId: editionId,
        networkId: locked.networkId,
        detail: { listId: locked.listId, requestedById: locked.requestedById },
      });
      return toEditionDto(Object.assign(locked, { state: 'building', approvedById: actor.id, approvedAt: now }));
    });
  }
}
