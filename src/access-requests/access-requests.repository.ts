import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, MoreThanOrEqual } from 'typeorm';
import { AccessRequestEntity, type AccessRequestState } from './access-request.entity.js';

@Injectable()
export class AccessRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, request: AccessRequestEntity): Promise<void> {
    await tx.insert(AccessRequestEntity, request);
  }

  countFromSource(sourceKey: string, since: Date): Promise<number> {
    return this.dataSource.manager.countBy(AccessRequestEntity, { sourceKey, createdAt: MoreThanOrEqual(since) });
  }

  list(state: AccessRequestState | undefined, limit: number, offset: number) {
    return this.dataSource.manager.findAndCount(AccessRequestEntity, {
      where: state ? { state } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  findPending(id: string) {
    return this.dataSource.manager.findOneBy(AccessRequestEntity, { id, state: 'pending' });
  }

  lockPending(tx: EntityManager, id: string) {
    return tx.createQueryBuilder(AccessRequestEntity, 'r').setLock('pessimistic_write').where("r.id = :id AND r.state = 'pending'", { id }).getOne();
  }

  async decide(tx: EntityManager, id: string, patch: Pick<AccessRequestEntity, 'state' | 'memberId' | 'decidedAt' | 'decidedBy'>): Promise<void> {
    await tx.update(AccessRequestEntity, { id }, patch);
  }

  /** Access requests with the same e-mail, for a member's own data export. */
  ofEmail(email: string) {
    return this.dataSource.manager.find(AccessRequestEntity, { where: { email }, order: { createdAt: 'ASC' } });
  }

  async channels(): Promise<string[]> {
    const rows: { access_request_channels: string[] }[] = await this.dataSource.query('SELECT access_request_channels FROM organisation_setting WHERE id = 1');
    return rows[0]?.access_request_channels ?? [];
  }
}
