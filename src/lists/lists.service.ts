import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError, type FieldProblem } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { MEMBER_FIELDS } from '../members/member-fields.js';
import { NetworksService } from '../networks/networks.service.js';
import { ContactListEntity, LIST_FORMATS } from './contact-list.entity.js';
import { cronProblem } from './cron-schedule.js';
import type { CreateListDto, ListDto, UpdateListDto } from './dto/list.dto.js';
import { approvalOffNeedsAdmin, listNotFound, listSlugTaken, networkHasNoList } from './lists.errors.js';
import { ListsRepository } from './lists.repository.js';
import { isTimeZone } from '../common/time-zone.js';

export const toListDto = (l: ContactListEntity): ListDto => ({
  id: l.id,
  networkId: l.networkId,
  slug: l.slug,
  title: l.title,
  columns: l.columns,
  formats: l.formats,
  schedule: l.scheduleCron,
  timeZone: l.timeZone,
  bundleLifetimeDays: l.bundleLifetimeDays,
  recipientsRule: l.recipientsRule,
  skipUnchanged: l.skipUnchanged,
  requiresApproval: l.requiresApproval,
});


@Injectable()
export class ListsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ListsRepository,
    private readonly networks: NetworksService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private assertCanWrite(actor: Actor): void {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
  }

  private check(schedule: string | null, timeZone: string): void {
    const problems: FieldProblem[] = [];
    if (!isTimeZone(timeZone)) problems.push({ field: 'timeZone', code: 'INVALID_TIME_ZONE', message: 'timeZone is not a known IANA time zone' });
    else if (schedule !== null) {
      const problem = cronProblem(schedule, timeZone);
      if (problem) problems.push({ field: 'schedule', code: 'INVALID_SCHEDULE', message: problem });
    }
    if (problems.length) throw new ValidationFailedError(problems);
  }

  async create(actor: Actor, networkId: string, input: CreateListDto): Promise<ListDto> {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    const timeZone = input.timeZone ?? this.config.timeZone;
    const schedule = input.schedule?.trim() || null;
    this.check(schedule, timeZone);
    const now = this.clock.now();
    const list = Object.assign(new ContactListEntity(), {
      id: newId(),
      networkId,
      slug: input.slug,
      title: input.title,
      columns: input.columns ?? [...MEMBER_FIELDS],
      formats: input.formats ?? [...LIST_FORMATS],
      scheduleCron: schedule,
      timeZone,
      bundleLifetimeDays: input.bundleLifetimeDays ?? 30,
      recipientsRule: input.recipientsRule ?? 'listed_members',
      skipUnchanged: input.skipUnchanged ?? false,
      requiresApproval: input.requiresApproval ?? false,
      lastSkippedSlot: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.dataSource.transaction(async (tx) => {
        await this.repository.insert(tx, list);
        await this.audit.record(tx, actor, { action: 'list.created', subjectType: 'list', subjectId: list.id, networkId, detail: { ...toListDto(list), title: null } });
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') throw listSlugTaken();
      throw error;
    }
    return toListDto(list);
  }

  async update(actor: Actor, listId: string, patch: UpdateListDto): Promise<ListDto> {
    this.assertCanWrite(actor);
    const list = await this.reachable(actor, listId);
    const turnsApprovalOff = list.requiresApproval && patch.requiresApproval === false;
    if (turnsApprovalOff && !(actor.type === 'cli' || (actor.type === 'staff' && actor.role === 'admin'))) throw approvalOffNeedsAdmin();
    const next = Object.assign(new ContactListEntity(), list, {
      title: patch.title ?? list.title,
      columns: patch.columns ?? list.columns,
      formats: patch.formats ?? list.formats,
      scheduleCron: patch.schedule === undefined ? list.scheduleCron : patch.schedule?.trim() || null,
      timeZone: patch.timeZone ?? list.timeZone,
      bundleLifetimeDays: patch.bundleLifetimeDays ?? list.bundleLifetimeDays,
      recipientsRule: patch.recipientsRule ?? list.recipientsRule,
      skipUnchanged: patch.skipUnchanged ?? list.skipUnchanged,
      requiresApproval: patch.requiresApproval ?? list.requiresApproval,
      updatedAt: this.clock.now(),
    });
    this.check(next.scheduleCron, next.timeZone);
    await this.dataSource.transaction(async (tx) => {
      const { id: _id, networkId: _n, slug: _s, createdAt: _c, ...changes } = next;
      await this.repository.update(tx, listId, changes);
      await this.audit.record(tx, actor, {
        action: 'list.updated',
        subjectType: 'list',
        subjectId: listId,
        networkId: list.networkId,
        detail: {
          fields: Object.keys(patch).sort(),
          ...(patch.requiresApproval === undefined ? {} : { requiresApproval: next.requiresApproval }),
        },
      });
    });
    return toListDto(next);
  }

  async listOfNetwork(actor: Actor, networkId: string): Promise<ListDto[]> {
    await this.networks.reachable(actor, networkId);
    return (await this.repository.ofNetwork(networkId)).map(toListDto);
  }

  async get(actor: Actor, listId: string): Promise<ListDto> {
    return toListDto(await this.reachable(actor, listId));
  }

  /** The list entity if the actor may work with it; "not found" otherwise. */
  async reachable(actor: Actor, listId: string): Promise<ContactListEntity> {
    if (actor.type === 'staff' && actor.role === 'auditor') throw listNotFound();
    const list = await this.repository.findById(listId);
    if (!list) throw listNotFound();
    await this.networks.reachable(actor, list.networkId).catch(() => {
      throw listNotFound();
    });
    return list;
  }

  /** For the command line: a network's list by slug, or its only list when no slug is given. */
  async bySlug(actor: Actor, networkId: string, slug?: string): Promise<ContactListEntity> {
    await this.networks.reachable(actor, networkId);
    if (slug) {
      const list = await this.repository.findBySlug(networkId, slug);
      if (!list) throw listNotFound();
      return list;
    }
    const lists = await this.repository.ofNetwork(networkId);
    if (lists.length !== 1) throw networkHasNoList();
    return lists[0];
  }

  scheduled(): Promise<ContactListEntity[]> {
    return this.repository.scheduled();
  }

  /** Part of the edition service's transaction: the caller records the audit event. */
  markSlotSkipped(tx: EntityManager, listId: string, slot: Date): Promise<void> {
    return this.repository.update(tx, listId, { lastSkippedSlot: slot });
  }
}
