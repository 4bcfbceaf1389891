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

  /**
   * Erasure: the requests linked to the member or made with their e-mail keep their state and
   * dates, but name and e-mail become placeholders (the e-mail built from the request's own id).
   */
  async scrub(tx: EntityManager, memberId: string, email: string | null, name: string): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE access_request SET name = $3, email = 'erased+' || id || '@invalid'
        WHERE (member_id = $1 OR email = $2) AND email <> 'erased+' || id || '@invalid'
        RETURNING id`,
      [memberId, email, name],
    );
    return rows.map((r) => r.id);
  }

  /** Retention: requests received before `cutoff` are deleted, whatever their state. */
  async deleteOlderThan(tx: EntityManager, cutoff: Date, limit: number): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `DELETE FROM access_request WHERE id IN (
         SELECT id FROM access_request WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit],
    );
    return rows.map((r) => r.id);
  }

  async channels(): Promise<string[]> {
    const rows: { access_request_channels: string[] }[] = await this.dataSource.query('SELECT access_request_channels FROM organisation_setting WHERE id = 1');
    return rows[0]?.access_request_channels ?? [];
  }
}
