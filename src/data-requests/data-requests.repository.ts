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

  ofMember(memberId: string) {
    return this.dataSource.manager.find(DataRequestEntity, { where: { memberId }, order: { createdAt: 'ASC' } });
  }
}
