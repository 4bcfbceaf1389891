import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { actorId, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError, type FieldProblem } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { ActivationService } from '../member-accounts/activation.service.js';
import { MembersService } from '../members/members.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { AccessRequestEntity, type AccessRequestSource } from './access-request.entity.js';
import { accessRequestNotFound, approvalTargetRequired, tooManyAccessRequests } from './access-requests.errors.js';
import { AccessRequestsRepository } from './access-requests.repository.js';
import { isValidEmail } from '../common/email.js';
import type { AccessRequestDto, AccessRequestPageDto, AccessRequestQuery } from './dto/access-request.dto.js';

export interface AccessRequestInput {
  channel: unknown;
  name: unknown;
  email: unknown;
  /** A field people never see; bots fill it in. */
  website?: unknown;
  locale: 'da' | 'en';
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const SYSTEM = { type: 'system' } as const;

export interface StoredRequest {
  id: string;
  /** An earlier pending request of the same address and channel was refreshed. */
  refreshed: boolean;
}

export interface MailChannel {
  channel: string;
  /** Where people write; null when not configured (then the form shows no mailto: link). */
  address: string | null;
  subjects: string[];
}

function nameAndEmailProblems(name: string, email: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const problem = (field: string, code: string, message: string) => problems.push({ field, code, message });
  if (name.length < 1 || name.length > 200) problem('name', 'INVALID_NAME', 'name must be 1 to 200 characters');
  else if (CONTROL.test(name)) problem('name', 'INVALID_NAME', 'name must not hold control characters');
  if (!isValidEmail(email)) problem('email', 'INVALID_EMAIL', 'email must be a valid e-mail address');
  return problems;
}

function channelProblem(): FieldProblem {
  return { field: 'channel', code: 'INVALID_CHANNEL', message: 'channel must be one of the listed choices' };
}

const toDto = (r: AccessRequestEntity): AccessRequestDto => ({
  id: r.id,
  channel: r.channel,
  name: r.name,
  email: r.email,
  state: r.state,
  source: r.source,
  memberId: r.memberId,
  createdAt: r.createdAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
});

/** Seed flow A: "Anmod om sikker adgang", then staff approve (activation mail) or reject. */
@Injectable()
export class AccessRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AccessRequestsRepository,
    private readonly members: MembersService,
    private readonly activation: ActivationService,
    private readonly notices: NoticesService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  channels(): Promise<string[]> {
    return this.repository.channels();
  }

  /**
   * The channels people can write to by e-mail: the address (for the form's mailto: link and to
   * recognise the organisation's own mails) and the subject phrases that make a mail a request.
   * Entries for channels that are not (or no longer) in the channel list are left out.
   */
  async mailChannels(): Promise<MailChannel[]> {
    const [channels, mail] = await Promise.all([this.repository.channels(), this.repository.channelMail()]);
    return channels.flatMap((channel) => {
      const entry = mail[channel];
      if (!entry) return [];
      const address = typeof entry.address === 'string' && isValidEmail(entry.address.trim()) ? entry.address.trim().toLowerCase() : null;
      const listed: unknown[] = Array.isArray(entry.subjects) ? entry.subjects : [];
      const subjects = listed.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
      return [{ channel, address, subjects }];
    });
  }

  /**
   * Stores the request. The answer is the same whether the e-mail is known or not; a filled-in
   * honeypot is accepted and dropped, so a bot learns nothing.
   */
  async submit(input: AccessRequestInput, clientAddress: string): Promise<void> {
    const channels = await this.repository.channels();
    const problems: FieldProblem[] = [];
    const channel = typeof input.channel === 'string' ? input.channel.trim() : '';
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
    if (!channels.includes(channel)) problems.push(channelProblem());
    problems.push(...nameAndEmailProblems(name, email));
    if (problems.length) throw new ValidationFailedError(problems);
    const sourceKey = this.sourceKey(`access-request:${clientAddress}`);
    await this.dataSource.transaction(async (tx) => {
      await this.assertUnderLimit(tx, sourceKey);
      if (typeof input.website === 'string' && input.website.trim() !== '') return;
      await this.store(tx, { channel, name, email, locale: input.locale, source: 'web', sourceKey });
    });
  }

  /**
   * A request read from the mailbox, in the caller's transaction (which also records the mail as
   * handled). The per-address limit counts the sender's e-mail address, as the form's counts the
   * client's network address.
   */
  async receiveByMail(tx: EntityManager, input: { channel: string; name: string; email: string }): Promise<StoredRequest> {
    const email = input.email.trim().toLowerCase();
    const name = input.name.trim();
    const problems = nameAndEmailProblems(name, email);
    if (!(await this.repository.channels()).includes(input.channel)) problems.push(channelProblem());
    if (problems.length) throw new ValidationFailedError(problems);
    const sourceKey = this.sourceKey(`access-request-mail:${email}`);
    await this.assertUnderLimit(tx, sourceKey);
    return this.store(tx, { channel: input.channel, name, email, locale: 'da', source: 'email', sourceKey });
  }

  /** One pending request per address and channel: asking again refreshes it (the newest name wins). */
  private async store(
    tx: EntityManager,
    r: { channel: string; name: string; email: string; locale: 'da' | 'en'; source: AccessRequestSource; sourceKey: string },
  ): Promise<StoredRequest> {
    const now = this.clock.now();
    await this.repository.recordAttempt(tx, r.sourceKey, now);
    const pending = await this.repository.lockPendingOf(tx, r.email, r.channel);
    if (pending) {
      const { name, locale, source, sourceKey } = r;
      await this.repository.refresh(tx, pending.id, { name, locale, source, sourceKey, refreshedAt: now });
      const detail = { channel: r.channel, source };
      await this.audit.record(tx, SYSTEM, { action: 'access_request.refreshed', ...this.subject(pending.id), detail });
      return { id: pending.id, refreshed: true };
    }
    const request = Object.assign(new AccessRequestEntity(), {
      id: newId(),
      ...r,
      state: 'pending',
      memberId: null,
      createdAt: now,
      refreshedAt: null,
      decidedAt: null,
      decidedBy: null,
    });
    await this.repository.insert(tx, request);
    const detail = { channel: r.channel, source: r.source };
    await this.audit.record(tx, SYSTEM, { action: 'access_request.received', ...this.subject(request.id), detail });
    return { id: request.id, refreshed: false };
  }

  private subject(id: string) {
    return { subjectType: 'access_request', subjectId: id };
  }

  private sourceKey(value: string): string {
    return createHmac('sha256', this.config.sessionSecret ?? '').update(value).digest('hex');
  }

  private async assertUnderLimit(tx: EntityManager, sourceKey: string): Promise<void> {
    const since = new Date(this.clock.now().getTime() - 3600_000);
    if ((await this.repository.countAttempts(tx, sourceKey, since)) >= this.config.accessRequestsPerHour) throw tooManyAccessRequests();
  }

  async list(actor: Actor, query: AccessRequestQuery): Promise<AccessRequestPageDto> {
    this.assertStaffWriter(actor);
    const pageSize = query.pageSize ?? 50;
    const [rows, total] = await this.repository.list(query.state, pageSize, ((query.page ?? 1) - 1) * pageSize);
    return { items: rows.map(toDto), total };
  }

  /**
   * Links the request to an existing member, or creates the member in a network, then sends the
   * activation mail. Creating the member is its own audited step: if the second step fails, approve
   * again with the new memberId.
   */
  async approve(actor: Actor, id: string, target: { memberId?: string; networkId?: string }): Promise<AccessRequestDto> {
    this.assertStaffWriter(actor);
    if (!!target.memberId === !!target.networkId) throw approvalTargetRequired();
    const pending = await this.findPending(id);
    let memberId = target.memberId;
    if (target.networkId) memberId = (await this.members.create(actor, target.networkId, { name: pending.name, email: pending.email })).id;
    else await this.members.get(actor, memberId!);
    const email = await this.members.emailOf(memberId!);
    return this.dataSource.transaction(async (tx) => {
      const request = await this.repository.lockPending(tx, id);
      if (!request) throw accessRequestNotFound();
      const decided = { state: 'approved' as const, memberId: memberId!, decidedAt: this.clock.now(), decidedBy: actorId(actor) };
      await this.repository.decide(tx, id, decided);
      await this.activation.invite(tx, actor, memberId!, email, request.locale);
      await this.audit.record(tx, actor, { action: 'access_request.approved', subjectType: 'access_request', subjectId: id, detail: { memberId: memberId!, created: !!target.networkId } });
      return toDto(Object.assign(request, decided));
    });
  }

  /** One pending request, for the page that asks before a decision. */
  async pending(actor: Actor, id: string): Promise<AccessRequestDto> {
    this.assertStaffWriter(actor);
    return toDto(await this.findPending(id));
  }

  async reject(actor: Actor, id: string): Promise<AccessRequestDto> {
    this.assertStaffWriter(actor);
    return this.dataSource.transaction(async (tx) => {
      const request = await this.repository.lockPending(tx, id);
      if (!request) throw accessRequestNotFound();
      const decided = { state: 'rejected' as const, memberId: null, decidedAt: this.clock.now(), decidedBy: actorId(actor) };
      await this.repository.decide(tx, id, decided);
      // Told in the same transaction: a rejection is never left unanswered, and never answered twice.
      await this.notices.enqueue(tx, { kind: 'access_request_rejected', to: request.email, locale: request.locale });
      const detail = { notice: 'queued' };
      await this.audit.record(tx, actor, { action: 'access_request.rejected', subjectType: 'access_request', subjectId: id, detail });
      return toDto(Object.assign(request, decided));
    });
  }

  /** A member's own requests (by their e-mail), for their data export. */
  async ofEmail(email: string): Promise<AccessRequestDto[]> {
    return (await this.repository.ofEmail(email)).map(toDto);
  }

  /** Erasure, in the caller's transaction: name and e-mail leave the member's requests. */
  async scrubForMember(tx: EntityManager, actor: Actor, memberId: string, email: string | null, placeholderName: string): Promise<number> {
    const ids = await this.repository.scrub(tx, memberId, email, placeholderName);
    await this.audit.recordMany(tx, actor, ids.map((id) => ({ action: 'access_request.erased', subjectType: 'access_request', subjectId: id, detail: { memberId } })));
    return ids.length;
  }

  /** Retention: requests received before `cutoff` are deleted, in batches, with one audit event each. */
  async deleteOlderThan(cutoff: Date, batch = 500): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await this.dataSource.transaction(async (tx) => {
        const gone = await this.repository.deleteOlderThan(tx, cutoff, batch);
        await this.audit.recordMany(
          tx,
          { type: 'system' },
          gone.map((id) => ({ action: 'access_request.deleted', subjectType: 'access_request', subjectId: id, detail: { reason: 'retention', cutoff: cutoff.toISOString() } })),
        );
        return gone;
      });
      deleted += ids.length;
      if (ids.length < batch) return deleted;
    }
  }

  private async findPending(id: string): Promise<AccessRequestEntity> {
    const request = await this.repository.findPending(id);
    if (!request) throw accessRequestNotFound();
    return request;
  }

  private assertStaffWriter(actor: Actor): void {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'auditor')) throw forbidden();
  }
}
