import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { canReachNetwork, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError, type FieldProblem } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { NetworksService } from '../networks/networks.service.js';
import type {
  CreateMemberDto,
  ImportResultDto,
  MemberDto,
  MemberPageDto,
  MemberSearchQuery,
  UpdateMemberDto,
} from './dto/member.dto.js';
import { normaliseMember, parseMemberFile, type MemberDraft } from './import/member-file.parser.js';
import { MemberEntity } from './member.entity.js';
import { ERASED_MEMBER_NAME, erasedMemberEmail } from './erased-member.js';
import { memberEmailTaken, memberErased, memberNotFound, membershipNotFound } from './members.errors.js';
import { MembersRepository, type EmailHolder } from './members.repository.js';
import { MembershipEntity, type MembershipStatus } from './membership.entity.js';

type NormalisedMember = Omit<MemberDraft, 'row'>;

const isUniqueViolation = (e: unknown) =>
  e instanceof QueryFailedError && (e as QueryFailedError & { code?: string }).code === '23505';

/** Which contact fields changed, by name only: audit details never hold the values. */
function changedFields(before: MemberEntity, after: NormalisedMember): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['name', before.name, after.name],
    ['email', before.email, after.email],
    ['phone', before.phone, after.phone],
    ['address', before.address, after.address],
    ['postal_code', before.postalCode, after.postalCode],
    ['city', before.city, after.city],
    ['about_me', before.aboutMe, after.aboutMe],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([f]) => f);
}

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MembersRepository,
    private readonly networks: NetworksService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private assertCanWrite(actor: Actor): void {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
  }

  private normalise(input: Parameters<typeof normaliseMember>[0]): NormalisedMember {
    const { value, problems } = normaliseMember(input);
    if (!value || problems.length) throw new ValidationFailedError(problems.map(({ row: _row, ...p }) => p));
    return value;
  }

  async create(actor: Actor, networkId: string, input: CreateMemberDto): Promise<MemberDto> {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    const value = this.normalise(input);
    try {
      return await this.dataSource.transaction(async (tx) => {
        await this.repository.lockEmail(tx, value.email);
        const sameAddressAs = this.addressOwner(actor, value.email, await this.repository.emailHolders([value.email], tx));
        const now = this.clock.now();
        const member = Object.assign(new MemberEntity(), value, { id: newId(), createdAt: now, updatedAt: now, sameAddressAs });
        await this.repository.insertMembers(tx, [member]);
        const membership = Object.assign(new MembershipEntity(), { networkId, memberId: member.id, status: 'active', joinedAt: now, updatedAt: now });
        await this.repository.insertMemberships(tx, [membership]);
        await this.audit.record(tx, actor, {
          action: 'member.created',
          subjectType: 'member',
          subjectId: member.id,
          networkId,
          detail: { fields: changedFields(new MemberEntity(), value) },
        });
        await this.recordPendingLinks(tx, actor, [member]);
        return this.toDto(actor, member, [membership]);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw memberEmailTaken();
      throw error;
    }
  }

  async get(actor: Actor, memberId: string): Promise<MemberDto> {
    const { member, memberships } = await this.reachableMember(actor, memberId);
    return this.toDto(actor, member, memberships);
  }

  async update(actor: Actor, memberId: string, patch: UpdateMemberDto): Promise<MemberDto> {
    this.assertCanWrite(actor);
    try {
      return await this.dataSource.transaction(async (tx) => {
        const { member, memberships } = await this.reachableMember(actor, memberId, tx);
        if (member.erasedAt) throw memberErased();
        const value = this.normalise({ ...member, ...patch });
        const fields = changedFields(member, value);
        if (fields.length === 0) return this.toDto(actor, member, memberships);
        const before = member.sameAddressAs;
        let sameAddressAs = member.sameAddressAs;
        if (value.email !== member.email) {
          await this.repository.lockEmail(tx, value.email);
          sameAddressAs = this.addressOwner(actor, value.email, await this.repository.emailHolders([value.email], tx));
        }
        const updated = Object.assign(member, value, { updatedAt: this.clock.now(), sameAddressAs });
        await this.repository.updateMember(tx, memberId, { ...value, updatedAt: updated.updatedAt, sameAddressAs });
        if (sameAddressAs && sameAddressAs !== before) await this.recordPendingLinks(tx, actor, [updated]);
        await this.audit.record(tx, actor, { action: 'member.updated', subjectType: 'member', subjectId: memberId, detail: { fields } });
        return this.toDto(actor, updated, memberships);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw memberEmailTaken();
      throw error;
    }
  }

  /**
   * A member corrects their own contact details in the portal: the same validation and the same audit
   * event as a staff edit, with the member as actor. The e-mail is the login name and stays out.
   */
  async correctOwn(memberId: string, patch: Omit<UpdateMemberDto, 'email'>): Promise<{ fields: string[] }> {
    const actor: Actor = { type: 'member', id: memberId };
    return this.dataSource.transaction(async (tx) => {
      const member = await this.repository.findById(memberId, tx);
      if (!member) throw memberNotFound();
      if (member.erasedAt) throw memberErased();
      const value = this.normalise({ ...member, ...patch, email: member.email });
      const fields = changedFields(member, value);
      if (fields.length === 0) return { fields };
      await this.repository.updateMember(tx, memberId, { ...value, updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, { action: 'member.updated', subjectType: 'member', subjectId: memberId, detail: { fields } });
      return { fields };
    });
  }

  async search(actor: Actor, networkId: string, query: MemberSearchQuery): Promise<MemberPageDto> {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
    await this.networks.reachable(actor, networkId);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { rows, total } = await this.repository.search(networkId, query.q?.trim() || undefined, (page - 1) * pageSize, pageSize);
    return { items: rows.map((m) => ({ id: m.id, name: m.name, email: m.email, status: m.status })), total, page, pageSize };
  }

  async setMembershipStatus(actor: Actor, networkId: string, memberId: string, status: MembershipStatus) {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    return this.dataSource.transaction(async (tx) => {
      const membership = await this.repository.findMembership(networkId, memberId, tx);
      if (!membership) throw membershipNotFound();
      // An erased member never comes back onto a list.
      if (status !== 'left' && (await this.repository.findById(memberId, tx))?.erasedAt) throw memberErased();
      if (membership.status !== status) {
        const at = this.clock.now();
        await this.repository.updateMembershipStatus(tx, membership, status, at);
        await this.audit.record(tx, actor, {
          action: 'membership.status_changed',
          subjectType: 'member',
          subjectId: memberId,
          networkId,
          detail: { from: membership.status, to: status },
        });
        membership.status = status;
        membership.updatedAt = at;
      }
      return { networkId, memberId, status: membership.status, joinedAt: membership.joinedAt.toISOString() };
    });
  }

  /** Members of a network for an edition snapshot, read inside the caller's (repeatable-read) transaction. */
  async snapshotMembers(networkId: string, tx: EntityManager) {
    return (await this.repository.ofNetworkWithStatus(networkId, tx)).map((m) => ({
      id: m.id,
      status: m.status,
      values: { name: m.name, email: m.email, phone: m.phone, address: m.address, postal_code: m.postalCode, city: m.city, about_me: m.aboutMe },
    }));
  }

  /** Recipients' own names, for the watermark on their copy. */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    return new Map((await this.repository.namesOf(ids)).map((r) => [r.id, r.name]));
  }

  /** Where each member's bundle notice goes, in the transaction that queues it. Never logged. */
  noticeAddresses(tx: EntityManager, memberIds: string[]): Promise<Map<string, { email: string; locale: 'da' | 'en' }>> {
    return this.repository.noticeAddresses(tx, memberIds);
  }

  /** Where notices and links for a member go. Never logged. */
  async emailOf(memberId: string): Promise<string> {
    const member = await this.repository.findById(memberId);
    if (!member) throw memberNotFound();
    if (member.erasedAt) throw memberErased();
    return member.email;
  }

  /**
   * Erasure (art. 17), in the caller's transaction: every membership ends ('left') and the contact
   * fields are replaced by placeholders; the id stays as the pseudonym. Answers the e-mail the member
   * had, so the caller can scrub it elsewhere (held in memory only, never logged), and every network
   * the member was in. For a member erased before, `alreadyErased` and no e-mail.
   */
  async eraseInTx(tx: EntityManager, actor: Actor, memberId: string): Promise<{ alreadyErased: boolean; erasedAt: Date; formerEmail: string | null; networkIds: string[] }> {
    this.assertCanWrite(actor);
    const member = await this.repository.lockById(tx, memberId);
    const memberships = member ? await this.repository.membershipsOf(memberId, tx) : [];
    if (!member || !memberships.some((m) => canReachNetwork(actor, m.networkId))) throw memberNotFound();
    const networkIds = memberships.map((m) => m.networkId);
    if (member.erasedAt) return { alreadyErased: true, erasedAt: member.erasedAt, formerEmail: null, networkIds };
    const at = this.clock.now();
    for (const membership of memberships.filter((m) => m.status !== 'left')) {
      await this.repository.updateMembershipStatus(tx, membership, 'left', at);
      await this.audit.record(tx, actor, {
        action: 'membership.status_changed',
        subjectType: 'member',
        subjectId: memberId,
        networkId: membership.networkId,
        detail: { from: membership.status, to: 'left', reason: 'erasure' },
      });
    }
    const fields = changedFields(member, { name: '', email: '', phone: null, address: null, postalCode: null, city: null, aboutMe: null });
    await this.repository.eraseContact(tx, memberId, { name: ERASED_MEMBER_NAME, email: erasedMemberEmail(memberId) }, at);
    await this.audit.record(tx, actor, { action: 'member.contact_erased', subjectType: 'member', subjectId: memberId, detail: { fields } });
    return { alreadyErased: false, erasedAt: at, formerEmail: member.email, networkIds };
  }

  /** Every network the member is or was in, whoever asks (GDPR requests concern the person, not one network). */
  async networkIdsOf(memberId: string, tx?: EntityManager): Promise<string[]> {
    return (await this.repository.membershipsOf(memberId, tx)).map((m) => m.networkId);
  }

  /** A member's own record and memberships, for their portal (art. 15 access). */
  async ownRecord(memberId: string): Promise<{ member: MemberDto; memberships: MembershipEntity[] }> {
    const member = await this.repository.findById(memberId);
    if (!member) throw memberNotFound();
    const memberships = await this.repository.membershipsOf(memberId);
    return { member: this.toDto({ type: 'system' }, member, memberships), memberships };
  }

  /** The member id behind an e-mail, if the actor may reach that member. */
  async idByEmail(actor: Actor, email: string): Promise<string> {
    const member = await this.repository.findByEmail(email.trim().toLowerCase());
    if (!member) throw memberNotFound();
    await this.reachableMember(actor, member.id);
    return member.id;
  }

  /** Whether the member belongs to the network (used by consent, which must not see other networks). */
  async assertMembership(networkId: string, memberId: string, tx?: EntityManager): Promise<MembershipEntity> {
    const membership = await this.repository.findMembership(networkId, memberId, tx);
    if (!membership) throw memberNotFound();
    return membership;
  }

  /**
   * All or nothing: a file with any bad row (or an e-mail that already belongs to a member the caller
   * can see) imports nothing and reports every problem with its row and field.
   */
  async importFile(actor: Actor, networkId: string, bytes: Buffer, options: { dryRun: boolean }): Promise<ImportResultDto> {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    const parsed = await parseMemberFile(bytes);
    const problems: FieldProblem[] = [...parsed.problems];
    const holders = await this.repository.emailHolders(parsed.drafts.map((d) => d.email));
    const owners = new Map<string, string | null>();
    for (const draft of parsed.drafts) {
      try {
        owners.set(draft.email, this.addressOwner(actor, draft.email, holders));
      } catch {
        problems.push({ row: draft.row, field: 'email', code: 'DUPLICATE_EMAIL', message: 'a member with this e-mail address already exists' });
      }
    }
    if (problems.length) {
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      const rows = new Set(problems.map((p) => p.row)).size;
      throw new ValidationFailedError(problems, `The file has problems in ${rows} row(s); nothing was imported`);
    }
    const result = { dryRun: options.dryRun, valid: parsed.drafts.length, created: 0, format: parsed.format };
    if (options.dryRun) return result;
    try {
      await this.dataSource.transaction(async (tx) => {
        const now = this.clock.now();
        const members = parsed.drafts.map(({ row: _row, ...d }) =>
          Object.assign(new MemberEntity(), d, { id: newId(), createdAt: now, updatedAt: now, sameAddressAs: owners.get(d.email) ?? null }),
        );
        await this.repository.insertMembers(tx, members);
        await this.repository.insertMemberships(
          tx,
          members.map((m) => Object.assign(new MembershipEntity(), { networkId, memberId: m.id, status: 'active', joinedAt: now, updatedAt: now })),
        );
        await this.audit.recordMany(
          tx,
          actor,
          members.map((m) => ({ action: 'member.imported', subjectType: 'member', subjectId: m.id, networkId, detail: {} })),
        );
        await this.recordPendingLinks(tx, actor, members);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw memberEmailTaken();
      throw error;
    }
    return { ...result, created: parsed.drafts.length };
  }

  /**
   * An address is unique among the members the actor can see: one of those holding it is
   * MEMBER_EMAIL_TAKEN. Held only by members of networks the actor cannot see, the answer is the one
   * for a fresh address (anything else would reveal that person's membership, which is health data):
   * the new record is kept apart, pointing at the member who has the address (answered here) for an
   * administrator to link. An administrator sees every network, so never creates such a record.
   */
  private addressOwner(actor: Actor, email: string, holders: Map<string, EmailHolder[]>): string | null {
    const holding = holders.get(email) ?? [];
    if (holding.some((h) => h.networkIds.some((n) => canReachNetwork(actor, n)))) throw memberEmailTaken();
    return holding.find((h) => h.sameAddressAs === null)?.id ?? null;
  }

  /** Audit events for administrators (no network: coordinators never read them), ids only. */
  private async recordPendingLinks(tx: EntityManager, actor: Actor, members: MemberEntity[]): Promise<void> {
    const pending = members.filter((m) => m.sameAddressAs);
    if (pending.length === 0) return;
    await this.audit.recordMany(
      tx,
      actor,
      pending.map((m) => ({
        action: 'member.same_address_pending_link',
        subjectType: 'member',
        subjectId: m.id,
        networkId: null,
        detail: { existingMemberId: m.sameAddressAs },
      })),
    );
  }

  private async reachableMember(actor: Actor, memberId: string, tx?: EntityManager) {
    if (actor.type === 'staff' && actor.role === 'auditor') throw memberNotFound();
    const member = await this.repository.findById(memberId, tx);
    const memberships = member ? await this.repository.membershipsOf(memberId, tx) : [];
    if (!member || !memberships.some((m) => canReachNetwork(actor, m.networkId))) throw memberNotFound();
    return { member, memberships };
  }

  /** A coordinator sees only the memberships of networks they coordinate. */
  private toDto(actor: Actor, m: MemberEntity, memberships: MembershipEntity[]): MemberDto {
    return {
      id: m.id,
      name: m.name,
      email: m.email,
      phone: m.phone,
      address: m.address,
      postalCode: m.postalCode,
      city: m.city,
      aboutMe: m.aboutMe,
      memberships: memberships
        .filter((ms) => canReachNetwork(actor, ms.networkId))
        .map((ms) => ({ networkId: ms.networkId, status: ms.status, joinedAt: ms.joinedAt.toISOString() })),
      erasedAt: m.erasedAt?.toISOString() ?? null,
    };
  }
}
