import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canReachNetwork, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import type { CreateNetworkDto, NetworkDto } from './dto/network.dto.js';
import { NetworkEntity } from './network.entity.js';
import { networkNotFound, networkSlugTaken } from './networks.errors.js';
import { NetworksRepository } from './networks.repository.js';

const toDto = (n: NetworkEntity): NetworkDto => ({
  id: n.id,
  slug: n.slug,
  name: n.name,
  createdAt: n.createdAt.toISOString(),
});

@Injectable()
export class NetworksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NetworksRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateNetworkDto): Promise<NetworkDto> {
    if (actor.type === 'staff' && actor.role !== 'admin') throw forbidden();
    return this.dataSource.transaction(async (tx) => {
      if (await this.repository.findBySlug(input.slug, tx)) throw networkSlugTaken();
      const now = this.clock.now();
      const network = Object.assign(new NetworkEntity(), { id: newId(), slug: input.slug, name: input.name, createdAt: now, updatedAt: now });
      await this.repository.insert(tx, network);
      await this.audit.record(tx, actor, {
        action: 'network.created',
        subjectType: 'network',
        subjectId: network.id,
        networkId: network.id,
        detail: { slug: network.slug },
      });
      return toDto(network);
    });
  }

  /** Networks the actor may see: all for admins and auditors, their own for coordinators. */
  async list(actor: Actor): Promise<NetworkDto[]> {
    const scoped = actor.type === 'staff' && actor.role === 'coordinator';
    return (await this.repository.list(scoped ? actor.networkIds : undefined)).map(toDto);
  }

  /** Auditors may read a network's name and id (to filter the log); its members stay out of reach. */
  async get(actor: Actor, networkId: string): Promise<NetworkDto> {
    if (actor.type === 'staff' && actor.role === 'auditor') {
      const network = await this.repository.findById(networkId);
      if (!network) throw networkNotFound();
      return toDto(network);
    }
    return toDto(await this.reachable(actor, networkId));
  }

  /** The network if the actor may work in it; otherwise "not found", so other networks do not leak. */
  async reachable(actor: Actor, networkId: string): Promise<NetworkEntity> {
    const network = canReachNetwork(actor, networkId) ? await this.repository.findById(networkId) : null;
    if (!network) throw networkNotFound();
    return network;
  }

  async bySlug(actor: Actor, slug: string): Promise<NetworkDto> {
    const network = await this.repository.findBySlug(slug);
    if (!network || !canReachNetwork(actor, network.id)) throw networkNotFound();
    return toDto(network);
  }
}
