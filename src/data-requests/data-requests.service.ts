import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorId, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { DataRequestEntity } from './data-request.entity.js';
import { DataRequestsRepository } from './data-requests.repository.js';

export interface DataRequestView {
  id: string;
  kind: string;
  state: string;
  createdAt: string;
  closedAt: string | null;
}

const view = (r: DataRequestEntity): DataRequestView => ({ id: r.id, kind: r.kind, state: r.state, createdAt: r.createdAt.toISOString(), closedAt: r.closedAt?.toISOString() ?? null });

/** Members' GDPR requests that need staff (erasure); staff carry them out from the console. */
@Injectable()
export class DataRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DataRequestsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Asking twice while a request is open changes nothing. */
  async requestErasure(memberId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const request = Object.assign(new DataRequestEntity(), { id: newId(), memberId, kind: 'erasure', state: 'open', createdAt: this.clock.now(), closedAt: null, closedBy: null });
      if (await this.repository.insertUnlessOpen(tx, request)) {
        await this.audit.record(tx, { type: 'member', id: memberId }, { action: 'data_request.created', subjectType: 'member', subjectId: memberId, detail: { requestId: request.id, kind: 'erasure' } });
      }
    });
  }

  /** Closes the member's open requests as carried out, in the caller's transaction. */
  async closeOpen(tx: EntityManager, actor: Actor, memberId: string): Promise<number> {
    const closed = await this.repository.closeOpen(tx, memberId, 'done', this.clock.now(), actorId(actor));
    await this.audit.recordMany(
      tx,
      actor,
      closed.map((r) => ({ action: 'data_request.closed', subjectType: 'member', subjectId: memberId, detail: { requestId: r.id, kind: r.kind, state: 'done' } })),
    );
    return closed.length;
  }

  /** The staff queue: requests in this state, oldest first, with the member they concern. */
  async byState(state: 'open' | 'done' | 'rejected', limit = 500): Promise<(DataRequestView & { memberId: string })[]> {
    return (await this.repository.byState(state, limit)).map((r) => ({ ...view(r), memberId: r.memberId }));
  }

  async ofMember(memberId: string): Promise<DataRequestView[]> {
    return (await this.repository.ofMember(memberId)).map(view);
  }
}
