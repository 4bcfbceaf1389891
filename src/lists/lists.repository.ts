import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { ContactListEntity } from './contact-list.entity.js';

@Injectable()
export class ListsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findById(id: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(ContactListEntity, { id });
  }

  findBySlug(networkId: string, slug: string) {
    return this.manager().findOneBy(ContactListEntity, { networkId, slug });
  }

  ofNetwork(networkId: string) {
    // Titles in Danish order, like member names (the collation comes from a migration).
    return this.manager()
      .createQueryBuilder(ContactListEntity, 'l')
      .where('l.network_id = :networkId', { networkId })
      .orderBy('l.title COLLATE listebud_da', 'ASC')
      .addOrderBy('l.id')
      .getMany();
  }

  scheduled() {
    return this.manager().find(ContactListEntity, { where: { scheduleCron: Not(IsNull()) } });
  }

  async insert(tx: EntityManager, list: ContactListEntity): Promise<void> {
    await tx.insert(ContactListEntity, list);
  }

  async update(tx: EntityManager, id: string, patch: Partial<ContactListEntity>): Promise<void> {
    await tx.update(ContactListEntity, { id }, patch);
  }
}
