import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
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

  async ofMember(memberId: string): Promise<DataRequestView[]> {
    return (await this.repository.ofMember(memberId)).map((r) => ({ id: r.id, kind: r.kind, state: r.state, createdAt: r.createdAt.toISOString(), closedAt: r.closedAt?.toISOString() ?? null }));
  }
}
