import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { parseRecipient, type ParsedRecipient } from '../bundles/crypto/age-recipient.js';
import { MembersService } from '../members/members.service.js';
import type { RecipientDto } from './dto/recipient.dto.js';
import { MemberRecipientEntity } from './member-recipient.entity.js';
import { RecipientsRepository } from './recipients.repository.js';

const toDto = (r: MemberRecipientEntity): RecipientDto => ({
  id: r.id,
  kind: r.kind,
  recipient: r.recipient,
  fingerprint: r.fingerprint,
  source: r.source,
  createdAt: r.createdAt.toISOString(),
});

@Injectable()
export class RecipientsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: RecipientsRepository,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Registers a public key for the member; bundles waiting for a key are built on the next worker run. */
  async add(actor: Actor, memberId: string, text: string): Promise<RecipientDto> {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
    const parsed = parseRecipient(text);
    await this.members.get(actor, memberId);
    return this.dataSource.transaction(async (tx) => {
      if (await this.repository.findLive(memberId, parsed.recipient, tx)) {
        throw new DomainError('conflict', 'RECIPIENT_EXISTS', 'This key is already registered for the member', 'recipient');
      }
      const entity = await this.insert(tx, actor, memberId, parsed, 'registered');
      return toDto(entity);
    });
  }

  /**
   * The public half of the identity made at portal activation, in the caller's transaction. Staff
   * never see the identity itself; it is stored only wrapped under the member's password.
   */
  async addPortalKey(tx: EntityManager, actor: Actor, memberId: string, recipient: string): Promise<string> {
    const entity = await this.insert(tx, actor, memberId, parseRecipient(recipient), 'portal');
    return entity.id;
  }

  private async insert(tx: EntityManager, actor: Actor, memberId: string, parsed: ParsedRecipient, source: MemberRecipientEntity['source']): Promise<MemberRecipientEntity> {
    const entity = Object.assign(new MemberRecipientEntity(), {
      id: newId(),
      memberId,
      kind: parsed.kind,
      recipient: parsed.recipient,
      fingerprint: parsed.fingerprint,
      source,
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    await this.repository.insert(tx, entity);
    await this.audit.record(tx, actor, {
      action: 'recipient.added',
      subjectType: 'member',
      subjectId: memberId,
      detail: { recipientId: entity.id, kind: entity.kind, fingerprint: entity.fingerprint, source },
    });
    return entity;
  }

  /** Retires a key (a forgotten password makes a new identity); bundles are no longer encrypted to it. */
  async revokeKey(tx: EntityManager, actor: Actor, memberId: string, recipientId: string): Promise<void> {
    await this.repository.revoke(tx, recipientId, this.clock.now());
    await this.audit.record(tx, actor, { action: 'recipient.revoked', subjectType: 'member', subjectId: memberId, detail: { recipientId } });
  }

  /**
   * Erasure, in the caller's transaction: the member's public keys go too (an SSH key can identify a
   * person elsewhere). The audit log keeps the ids and fingerprints it recorded when they were added.
   */
  async deleteAllOf(tx: EntityManager, actor: Actor, memberId: string): Promise<number> {
    const ids = await this.repository.deleteAllOf(tx, memberId);
    await this.audit.recordMany(tx, actor, ids.map((recipientId) => ({ action: 'recipient.deleted', subjectType: 'member', subjectId: memberId, detail: { recipientId, reason: 'erasure' } })));
    return ids.length;
  }

  async list(actor: Actor, memberId: string): Promise<RecipientDto[]> {
    await this.members.get(actor, memberId);
    return (await this.repository.liveOf([memberId])).map(toDto);
  }

  /** The member's own live keys (public halves only), for their data export. */
  async ownKeys(memberId: string): Promise<RecipientDto[]> {
    return (await this.repository.liveOf([memberId])).map(toDto);
  }

  /** Live recipient strings per member, for encryption. */
  async recipientsOf(memberIds: string[]): Promise<Map<string, string[]>> {
    const byMember = new Map<string, string[]>();
    for (const r of await this.repository.liveOf(memberIds)) {
      byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r.recipient]);
    }
    return byMember;
  }
}
