import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DataRequestEntity } from './data-request.entity.js';

@Injectable()
export class DataRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts unless an open request of the same kind exists; answers whether it inserted. */
  async insertUnlessOpen(tx: EntityManager, request: DataRequestEntity): Promise<boolean> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO data_request (id, member_id, kind, state, created_at) VALUES ($1, $2, $3, 'open', $4)
       ON CONFLICT (member_id, kind) WHERE state = 'open' DO NOTHING RETURNING id`,
      [request.id, request.memberId, request.kind, request.createdAt],
    );
    return rows.length === 1;
  }

  /** Closes the member's open requests; answers their ids. */
  async closeOpen(tx: EntityManager, memberId: string, state: 'done' | 'rejected', at: Date, by: string | null): Promise<{ id: string; kind: string }[]> {
    const [rows]: [{ id: string; kind: string }[], number] = await tx.query(
      `UPDATE data_request SET state = $2, closed_at = $3, closed_by = $4 WHERE member_id = $1 AND state = 'open' RETURNING id, kind`,
      [memberId, state, at, by],
    );
    return rows;
  }

  byState(state: DataRequestEntity['state'], limit: number) {
    return this.dataSource.manager.find(DataRequestEntity, { where: { state }, order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
  }

  ofMember(memberId: string) {
    return this.dataSource.manager.find(DataRequestEntity, { where: { memberId }, order: { createdAt: 'ASC' } });
  }
}
