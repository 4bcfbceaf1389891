import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { NetworkEntity } from './network.entity.js';

@Injectable()
export class NetworksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: EntityManager) {
    return (tx ?? this.dataSource.manager).getRepository(NetworkEntity);
  }

  findById(id: string, tx?: EntityManager) {
    return this.repo(tx).findOneBy({ id });
  }

  findBySlug(slug: string, tx?: EntityManager) {
    return this.repo(tx).findOneBy({ slug });
  }

  list(ids?: readonly string[]) {
    return this.repo().find({ where: ids ? { id: In([...ids]) } : {}, order: { name: 'ASC' } });
  }

  async insert(tx: EntityManager, network: NetworkEntity): Promise<void> {
    await this.repo(tx).insert(network);
  }
}
