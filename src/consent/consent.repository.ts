import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentTextEntity } from './consent-text.entity.js';
import { ConsentEntity } from './consent.entity.js';

@Injectable()
export class ConsentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  history(networkId: string, memberId: string, tx?: EntityManager) {
    return this.manager(tx).find(ConsentEntity, { where: { networkId, memberId }, order: { recordedAt: 'DESC', seq: 'DESC' } });
  }

  ofNetwork(networkId: string, tx: EntityManager) {
    return tx.find(ConsentEntity, { where: { networkId }, order: { recordedAt: 'ASC', seq: 'ASC' } });
  }

  async insert(tx: EntityManager, record: ConsentEntity): Promise<void> {
    await tx.insert(ConsentEntity, record);
  }

  texts(networkId: string) {
    return this.manager().find(ConsentTextEntity, { where: { networkId }, order: { version: 'DESC' } });
  }

  textByVersion(networkId: string, version: number, tx?: EntityManager) {
    return this.manager(tx).findOneBy(ConsentTextEntity, { networkId, version });
  }

  textsById(ids: string[]) {
    return ids.length ? this.manager().createQueryBuilder(ConsentTextEntity, 't').where('t.id IN (:...ids)', { ids }).getMany() : [];
  }

  /** Locks the network's texts so two new versions cannot get the same number. */
  async nextTextVersion(tx: EntityManager, networkId: string): Promise<number> {
    await tx.query('SELECT id FROM network WHERE id = $1 FOR UPDATE', [networkId]);
    const rows: { max: number | null }[] = await tx.query('SELECT max(version) AS max FROM consent_text WHERE network_id = $1', [networkId]);
    return (rows[0]?.max ?? 0) + 1;
  }

  async insertText(tx: EntityManager, text: ConsentTextEntity): Promise<void> {
    await tx.insert(ConsentTextEntity, text);
  }
}
