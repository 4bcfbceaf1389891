import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessRequestsService } from '../access-requests/access-requests.service.js';
import { AuditService } from '../audit/audit.service.js';
import { RetireBundles } from '../bundles/retire-bundles.js';
import type { Actor } from '../common/actor.js';
import { forbidden } from '../common/domain-error.js';
import { ConsentService } from '../consent/consent.service.js';
import type { ConsentChannel } from '../consent/consent.entity.js';
import { DataRequestsService } from '../data-requests/data-requests.service.js';
import { CorrectEdition } from '../editions/correct-edition.js';
import { MemberAuthService } from '../member-accounts/member-auth.service.js';
import { ERASED_MEMBER_NAME, erasedMemberEmail } from '../members/erased-member.js';
import { MembersService } from '../members/members.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { RecipientsService } from '../recipients/recipients.service.js';
import type { ErasureResultDto, ObjectionResultDto } from './dto/gdpr.dto.js';
import { erasureChannelRequired } from './gdpr.errors.js';

const assertStaffWriter = (actor: Actor) => {
  if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'auditor')) throw forbidden();
};

/**
 * Art. 17 erasure and art. 21 objection, carried out by staff. Each feature does its own part (its
 * SQL, its audit events) inside one transaction opened here; files go after the commit.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly members: MembersService,
    private readonly consent: ConsentService,
    private readonly memberAuth: MemberAuthService,
    private readonly recipients: RecipientsService,
    private readonly bundles: RetireBundles,
    private readonly corrections: CorrectEdition,
    private readonly accessRequests: AccessRequestsService,
    private readonly notices: NoticesService,
    private readonly dataRequests: DataRequestsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * One action: memberships end, consent is withdrawn everywhere, the contact fields are erased (the
   * id stays as the pseudonym), the portal account with the wrapped key, the sessions, link tokens
   * and public keys are deleted, every bundle addressed to the member is revoked and its file deleted
   * (crypto-shredding), the member's row leaves every edition snapshot, every bundle of every edition
   * that listed them is revoked for every recipient and each affected list gets a corrected edition
   * (art. 19), access requests and mails lose the address, and open data requests are closed.
   * Erasing again changes nothing, except to clean up anything left over (a
   * bundle file a crash kept, an edition published in the same instant).
   */
  async erase(actor: Actor, memberId: string, input: { channel?: ConsentChannel } = {}): Promise<ErasureResultDto> {
    assertStaffWriter(actor);
    const member = await this.members.get(actor, memberId);
    const requested = (await this.dataRequests.ofMember(memberId)).some((r) => r.kind === 'erasure' && r.state === 'open');
    const channel = input.channel ?? (requested ? 'portal' : undefined);
    if (!member.erasedAt && !channel) throw erasureChannelRequired();

    const outcome = await this.dataSource.transaction(async (tx) => {
      await this.bundles.lockListsOfMember(tx, memberId);
      const erased = await this.members.eraseInTx(tx, actor, memberId);
      const withdrawn = await this.consent.withdrawEverywhere(tx, actor, memberId, erased.networkIds, channel ?? 'portal', 'erasure');
      // The account points at one of the member's keys: it goes first.
      const account = await this.memberAuth.shredAccount(tx, actor, memberId);
      const keysDeleted = await this.recipients.deleteAllOf(tx, actor, memberId);
      const bundles = await this.bundles.revokeAllOfMember(tx, actor, memberId);
      const editions = await this.corrections.eraseMember(tx, actor, memberId);
      const accessRequestsScrubbed = await this.accessRequests.scrubForMember(tx, actor, memberId, erased.formerEmail, ERASED_MEMBER_NAME);
      const mails = await this.notices.scrubMember(tx, actor, memberId, erased.formerEmail, erasedMemberEmail(memberId));
      const dataRequestsClosed = await this.dataRequests.closeOpen(tx, actor, memberId);
      const result: ErasureResultDto = {
        memberId,
        erasedAt: erased.erasedAt.toISOString(),
        alreadyErased: erased.alreadyErased,
        networks: erased.networkIds.length,
        consentWithdrawals: withdrawn.length,
        accountDeleted: account.account,
        sessionsDeleted: account.sessions,
        tokensDeleted: account.tokens,
        keysDeleted,
        bundlesRevoked: bundles.revoked,
        copiesRetired: editions.copiesRetired,
        bundleFilesDeleted: bundles.storageKeys.length + editions.storageKeys.length,
        editionsScrubbed: editions.scrubbed,
        editionsFlagged: editions.flagged.length,
        correctionsCreated: editions.corrections.length,
        accessRequestsScrubbed,
        mailsScrubbed: mails.length,
        dataRequestsClosed,
      };
      const leftovers =
        withdrawn.length + keysDeleted + account.sessions + account.tokens + bundles.revoked + editions.scrubbed + editions.copiesRetired +
        accessRequestsScrubbed + mails.length + dataRequestsClosed;
      if (!erased.alreadyErased || leftovers > 0 || account.account) {
        const { memberId: _id, erasedAt: _at, ...counts } = result;
        await this.audit.record(tx, actor, {
          action: erased.alreadyErased ? 'member.erasure_repeated' : 'member.erased',
          subjectType: 'member',
          subjectId: memberId,
          detail: { ...counts, channel: erased.alreadyErased ? null : (channel ?? null) },
        });
      }
      return { result, storageKeys: [...bundles.storageKeys, ...editions.storageKeys], mails };
    });
    // After the commit, as expiry does: a crash in between leaves a file nobody can open (its key is
    // gone) and the next erasure of the member deletes it.
    await this.bundles.deleteFiles(outcome.storageKeys);
    await this.notices.forgetCopies(outcome.mails);
    return outcome.result;
  }

  /**
   * Objection (art. 21): a withdrawal of consent in every network of the member, recorded by staff
   * with the channel it came through. The member stays a member; nothing of theirs is listed again.
   */
  async object(actor: Actor, memberId: string, input: { channel: ConsentChannel }): Promise<ObjectionResultDto> {
    assertStaffWriter(actor);
    await this.members.get(actor, memberId);
    return this.dataSource.transaction(async (tx) => {
      const networkIds = await this.members.networkIdsOf(memberId, tx);
      const withdrawn = await this.consent.withdrawEverywhere(tx, actor, memberId, networkIds, input.channel, 'objection');
      await this.audit.record(tx, actor, {
        action: 'member.objected',
        subjectType: 'member',
        subjectId: memberId,
        detail: { networks: networkIds.length, withdrawals: withdrawn.length, channel: input.channel },
      });
      return { memberId, networks: networkIds.length, withdrawals: withdrawn.length };
    });
  }
}
