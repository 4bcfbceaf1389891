import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { MemberRecipientEntity } from './member-recipient.entity.js';

@Injectable()
export class RecipientsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  liveOf(memberIds: string[]) {
    if (memberIds.length === 0) return Promise.resolve([]);
    return this.dataSource.manager.find(MemberRecipientEntity, {
      where: { memberId: In(memberIds), revokedAt: IsNull() },
      order: { createdAt: 'ASC' },
    });
  }

  findLive(memberId: string, recipient: string, tx: EntityManager) {
    return tx.findOneBy(MemberRecipientEntity, { memberId, recipient, revokedAt: IsNull() });
  }

  async insert(tx: EntityManager, entity: MemberRecipientEntity): Promise<void> {
    await tx.insert(MemberRecipientEntity, entity);
  }

  /** Erasure: every key of the member, live or retired. */
  async deleteAllOf(tx: EntityManager, memberId: string): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query('DELETE FROM member_recipient WHERE member_id = $1 RETURNING id', [memberId]);
    return rows.map((r) => r.id);
  }

  async revoke(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.update(MemberRecipientEntity, { id, revokedAt: IsNull() }, { revokedAt: at });
  }
}
