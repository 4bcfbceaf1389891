import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorId, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError } from '../common/domain-error.js';
import { MEMBER_FIELDS } from '../members/member-fields.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { ConsentTextEntity } from './consent-text.entity.js';
import { ConsentEntity, type ConsentChannel } from './consent.entity.js';
import { consentTextVersionUnknown } from './consent.errors.js';
import { ConsentRepository } from './consent.repository.js';
import type {
  ConsentRecordDto,
  ConsentTextDto,
  CreateConsentTextDto,
  EffectiveConsentDto,
  RecordConsentDto,
  WithdrawConsentDto,
} from './dto/consent.dto.js';
import { effectiveConsent, type ConsentRecordLike } from './effective-consent.js';

const textDto = (t: ConsentTextEntity): ConsentTextDto => ({ id: t.id, version: t.version, body: t.body, createdAt: t.createdAt.toISOString() });

@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ConsentRepository,
    private readonly networks: NetworksService,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private assertCanWrite(actor: Actor): void {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
  }

  async createText(actor: Actor, networkId: string, input: CreateConsentTextDto): Promise<ConsentTextDto> {
    this.assertCanWrite(actor);
    await this.networks.reachable(actor, networkId);
    return this.dataSource.transaction(async (tx) => {
      const text = Object.assign(new ConsentTextEntity(), {
        id: newId(),
        networkId,
        version: await this.repository.nextTextVersion(tx, networkId),
        body: input.body,
        createdAt: this.clock.now(),
        createdBy: actorId(actor),
      });
      await this.repository.insertText(tx, text);
      await this.audit.record(tx, actor, {
        action: 'consent_text.created',
        subjectType: 'consent_text',
        subjectId: text.id,
        networkId,
        detail: { version: text.version },
      });
      return textDto(text);
    });
  }

  async listTexts(actor: Actor, networkId: string): Promise<ConsentTextDto[]> {
    await this.networks.reachable(actor, networkId);
    return (await this.repository.texts(networkId)).map(textDto);
  }

  async record(actor: Actor, networkId: string, memberId: string, input: RecordConsentDto): Promise<ConsentRecordDto> {
    return this.append(actor, networkId, memberId, {
      kind: 'grant',
      fields: input.fields,
      version: input.consentTextVersion,
      channel: input.channel,
      note: input.note,
    });
  }

  /** A withdrawal is a record too: the history keeps what was agreed before. */
  async withdraw(actor: Actor, networkId: string, memberId: string, input: WithdrawConsentDto): Promise<ConsentRecordDto> {
    return this.append(actor, networkId, memberId, { kind: 'withdrawal', fields: [], channel: input.channel, note: input.note });
  }

  async history(actor: Actor, networkId: string, memberId: string): Promise<ConsentRecordDto[]> {
    await this.readableMember(actor, networkId, memberId);
    const records = await this.repository.history(networkId, memberId);
    const texts = new Map((await this.repository.textsById([...new Set(records.flatMap((r) => r.consentTextId ?? []))])).map((t) => [t.id, t.version]));
    return records.map((r) => ({
      id: r.id,
      kind: r.kind,
      fields: r.fields,
      consentTextVersion: r.consentTextId ? (texts.get(r.consentTextId) ?? null) : null,
      channel: r.channel,
      recordedByType: r.recordedByType,
      recordedById: r.recordedById,
      note: r.note,
      recordedAt: r.recordedAt.toISOString(),
    }));
  }

  async current(actor: Actor, networkId: string, memberId: string): Promise<EffectiveConsentDto> {
    await this.readableMember(actor, networkId, memberId);
    const effective = effectiveConsent(await this.repository.history(networkId, memberId));
    return { memberId, networkId, fields: effective.fields, since: effective.since?.toISOString() ?? null };
  }

  /**
   * What the member sees on "Mit samtykke": per network they belong to, the newest consent text and
   * the fields they currently share.
   */
  async ownConsent(memberId: string, networkIds: string[]): Promise<{ networkId: string; text: ConsentTextDto | null; fields: string[]; since: string | null }[]> {
    return Promise.all(
      networkIds.map(async (networkId) => {
        const texts = await this.repository.texts(networkId);
        const latest = texts.reduce<ConsentTextEntity | null>((a, t) => (!a || t.version > a.version ? t : a), null);
        const effective = effectiveConsent(await this.repository.history(networkId, memberId));
        return { networkId, text: latest ? textDto(latest) : null, fields: effective.fields, since: effective.since?.toISOString() ?? null };
      }),
    );
  }

  /**
   * The member sets their own consent in the portal: the fields ticked, under the newest consent
   * text. Nothing ticked is a withdrawal. Channel portal, recorded by the member.
   */
  async recordByMember(memberId: string, networkId: string, fields: string[]): Promise<ConsentRecordDto> {
    const actor: Actor = { type: 'member', id: memberId };
    if (fields.length === 0) return this.append(actor, networkId, memberId, { kind: 'withdrawal', fields: [], channel: 'portal' });
    const texts = await this.repository.texts(networkId);
    const version = texts.reduce((v, t) => Math.max(v, t.version), 0);
    if (version === 0) throw consentTextVersionUnknown();
    return this.append(actor, networkId, memberId, { kind: 'grant', fields, version, channel: 'portal' });
  }

  /** Every consent record of the member in every network, for their data export. */
  async ownHistory(memberId: string, networkIds: string[]): Promise<(ConsentRecordDto & { networkId: string })[]> {
    const all = await Promise.all(networkIds.map(async (networkId) => (await this.history({ type: 'system' }, networkId, memberId)).map((r) => ({ ...r, networkId }))));
    return all.flat();
  }

  /** Every consent record of a network by member, read inside the caller's snapshot transaction. */
  async recordsOfNetwork(networkId: string, tx: EntityManager): Promise<Map<string, ConsentRecordLike[]>> {
    const byMember = new Map<string, ConsentRecordLike[]>();
    for (const r of await this.repository.ofNetwork(networkId, tx)) {
      const list = byMember.get(r.memberId) ?? [];
      list.push({ kind: r.kind, fields: r.fields, recordedAt: r.recordedAt, seq: r.seq });
      byMember.set(r.memberId, list);
    }
    return byMember;
  }

  /**
   * Objection (art. 21) and erasure: a withdrawal in each of these networks, in the caller's
   * transaction, except where the newest record already is one (so asking twice adds nothing).
   * The member's whole person is concerned, so the networks are not limited to the actor's.
   * Answers the networks where a withdrawal was recorded.
   */
  async withdrawEverywhere(tx: EntityManager, actor: Actor, memberId: string, networkIds: string[], channel: ConsentChannel, reason: 'objection' | 'erasure'): Promise<string[]> {
    this.assertCanWrite(actor);
    const withdrawn: string[] = [];
    for (const networkId of networkIds) {
      const [newest] = await this.repository.history(networkId, memberId, tx);
      if (newest?.kind === 'withdrawal') continue;
      const record = Object.assign(new ConsentEntity(), {
        id: newId(),
        memberId,
        networkId,
        kind: 'withdrawal',
        fields: [],
        consentTextId: null,
        channel,
        recordedByType: actor.type === 'member' ? 'member' : actor.type === 'staff' ? 'staff' : 'system',
        recordedById: actorId(actor),
        note: null,
        recordedAt: this.clock.now(),
      });
      await this.repository.insert(tx, record);
      await this.audit.record(tx, actor, {
        action: 'consent.withdrawn',
        subjectType: 'member',
        subjectId: memberId,
        networkId,
        detail: { consentId: record.id, fields: [], channel, consentTextVersion: null, reason },
      });
      withdrawn.push(networkId);
    }
    return withdrawn;
  }

  private async readableMember(actor: Actor, networkId: string, memberId: string): Promise<void> {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
    await this.networks.reachable(actor, networkId);
    await this.members.assertMembership(networkId, memberId);
  }

  private async append(
    actor: Actor,
    networkId: string,
    memberId: string,
    input: { kind: 'grant' | 'withdrawal'; fields: string[]; version?: number; channel: ConsentChannel; note?: string },
  ): Promise<ConsentRecordDto> {
    this.assertCanWrite(actor);
    // A member may only ever write their own consent, in a network they belong to (checked below).
    if (actor.type === 'member') {
      if (actor.id !== memberId) throw forbidden();
    } else {
      await this.networks.reachable(actor, networkId);
    }
    const fields = [...new Set(input.fields)];
    if (fields.some((f) => !(MEMBER_FIELDS as readonly string[]).includes(f))) {
      throw new ValidationFailedError([{ field: 'fields', code: 'INVALID_FIELD', message: `fields may only hold ${MEMBER_FIELDS.join(', ')}` }]);
    }
    input = { ...input, fields };
    return this.dataSource.transaction(async (tx) => {
      await this.members.assertMembership(networkId, memberId, tx);
      let text: ConsentTextEntity | null = null;
      if (input.kind === 'grant') {
        text = await this.repository.textByVersion(networkId, input.version!, tx);
        if (!text) throw consentTextVersionUnknown();
      }
      const record = Object.assign(new ConsentEntity(), {
        id: newId(),
        memberId,
        networkId,
        kind: input.kind,
        fields: input.fields,
        consentTextId: text?.id ?? null,
        channel: input.channel,
        recordedByType: actor.type === 'member' ? 'member' : actor.type === 'staff' ? 'staff' : 'system',
        recordedById: actorId(actor),
        note: input.note?.trim() || null,
        recordedAt: this.clock.now(),
      });
      await this.repository.insert(tx, record);
      await this.audit.record(tx, actor, {
        action: input.kind === 'grant' ? 'consent.granted' : 'consent.withdrawn',
        subjectType: 'member',
        subjectId: memberId,
        networkId,
        detail: { consentId: record.id, fields: record.fields, channel: record.channel, consentTextVersion: text?.version ?? null },
      });
      return {
        id: record.id,
        kind: record.kind,
        fields: record.fields,
        consentTextVersion: text?.version ?? null,
        channel: record.channel,
        recordedByType: record.recordedByType,
        recordedById: record.recordedById,
        note: record.note,
        recordedAt: record.recordedAt.toISOString(),
      };
    });
  }
}
