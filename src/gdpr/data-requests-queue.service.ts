import { Injectable } from '@nestjs/common';
import { canReachNetwork, type Actor } from '../common/actor.js';
import { forbidden } from '../common/domain-error.js';
import { DataRequestsService } from '../data-requests/data-requests.service.js';
import { MembersService } from '../members/members.service.js';
import type { DataRequestPageDto } from './dto/gdpr.dto.js';

/** The staff queue of members' data requests: coordinators see the members of their networks only. */
@Injectable()
export class DataRequestsQueueService {
  constructor(
    private readonly dataRequests: DataRequestsService,
    private readonly members: MembersService,
  ) {}

  async list(actor: Actor, state: 'open' | 'done' | 'rejected'): Promise<DataRequestPageDto> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'auditor')) throw forbidden();
    const requests = await this.dataRequests.byState(state);
    const reachable = [];
    for (const r of requests) {
      if ((await this.members.networkIdsOf(r.memberId)).some((id) => canReachNetwork(actor, id))) reachable.push(r);
    }
    const names = await this.members.namesOf(reachable.map((r) => r.memberId));
    const items = reachable.map((r) => ({ id: r.id, memberId: r.memberId, memberName: names.get(r.memberId) ?? '', kind: r.kind, state: r.state, createdAt: r.createdAt, closedAt: r.closedAt }));
    return { items, total: items.length };
  }
}
