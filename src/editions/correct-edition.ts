import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden } from '../common/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import { RetireBundles } from '../bundles/retire-bundles.js';
import { ListsService } from '../lists/lists.service.js';
import type { EditionDto } from './dto/edition.dto.js';
import { EditionQueries } from './edition-queries.js';
import { EditionsRepository } from './editions.repository.js';
import { PublishEdition } from './publish-edition.js';
import { RevokeEdition } from './revoke-edition.js';

export interface MemberErasureOutcome {
  scrubbed: number;
  flagged: string[];
  /** Bundles of other recipients revoked because their edition listed the member. */
  copiesRetired: number;
  /** The corrected editions created, one per affected list. */
  corrections: string[];
  /** Files to delete after the commit. */
  storageKeys: string[];
}

/**
 * Corrections (art. 19): an edition whose copies must not stay out there is retired and replaced by a
 * corrected edition of its list. The retired edition is settled when that correction is published.
 */
@Injectable()
export class CorrectEdition {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EditionsRepository,
    private readonly editions: EditionQueries,
    private readonly publishing: PublishEdition,
    private readonly revoking: RevokeEdition,
    private readonly lists: ListsService,
    private readonly bundles: RetireBundles,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * "Publish a corrected edition": a new edition of the list (even with unchanged content: the point
   * is to replace this one) and, in the same transaction, this edition and every live copy of it
   * revoked. Only this edition is settled by the correction, once the correction is published.
   */
  async correct(actor: Actor, editionId: string): Promise<{ corrected: EditionDto; revoked: EditionDto }> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'auditor')) throw forbidden();
    const old = await this.editions.show(actor, editionId);
    const list = await this.lists.reachable(actor, old.listId);
    const { correctionId, storageKeys } = await this.dataSource.transaction(async (tx) => {
      const { edition } = await this.publishing.createInTx(tx, actor, list, { slot: null, force: true, reason: 'correction' });
      const keys = await this.revoking.revokeInTx(tx, actor, old, 'corrected');
      await this.repository.linkCorrection(tx, [old.id], edition!.id);
      return { correctionId: edition!.id, storageKeys: keys };
    });
    await this.bundles.deleteFiles(storageKeys);
    return { corrected: await this.editions.show(actor, correctionId), revoked: await this.editions.show(actor, editionId) };
  }

  /**
   * Erasure, in the caller's transaction: the member's row leaves every snapshot; every live bundle
   * of every edition that listed them is revoked, whoever it is addressed to and whether or not it
   * was downloaded (each one audited), and those editions are revoked; each list whose copies were
   * out gets a corrected edition at once (waiting for approval where the list requires it), which
   * settles the flagged editions when it is published. Ids only in the audit events.
   */
  async eraseMember(tx: EntityManager, actor: Actor, memberId: string): Promise<MemberErasureOutcome> {
    const editions = await this.repository.eraseMemberRows(tx, memberId, this.clock.now());
    await this.audit.recordMany(
      tx,
      actor,
      editions.map((e) => ({
        action: 'edition.member_row_erased',
        subjectType: 'edition',
        subjectId: e.id,
        networkId: e.networkId,
        detail: { memberId, correctionNeeded: e.flagged },
      })),
    );
    const distributed = editions.filter((e) => e.state !== 'awaiting_approval');
    const { storageKeys, retired } = await this.bundles.retireEditions(tx, actor, distributed.map((e) => e.id), 'erasure');
    const withCopies = new Set(retired.map((b) => b.editionId));
    for (const e of distributed.filter((d) => d.state === 'building' || d.state === 'published')) {
      await this.repository.setState(tx, e.id, 'revoked');
      await this.audit.record(tx, actor, {
        action: 'edition.revoked',
        subjectType: 'edition',
        subjectId: e.id,
        networkId: e.networkId,
        detail: { bundles: retired.filter((b) => b.editionId === e.id).length, reason: 'erasure' },
      });
    }
    const affected = distributed.filter((e) => e.flagged || withCopies.has(e.id));
    const corrections: string[] = [];
    for (const listId of new Set(affected.map((e) => e.listId))) {
      const list = await this.lists.reachable(SYSTEM_ACTOR, listId);
      const { edition } = await this.publishing.createInTx(tx, actor, list, { slot: null, force: true, reason: 'erasure' });
      await this.repository.linkCorrection(tx, affected.filter((e) => e.listId === listId).map((e) => e.id), edition!.id);
      corrections.push(edition!.id);
    }
    const ownRetired = retired.filter((b) => b.memberId === memberId).length;
    return {
      scrubbed: editions.length,
      flagged: editions.filter((e) => e.flagged).map((e) => e.id),
      copiesRetired: retired.length - ownRetired,
      corrections,
      storageKeys,
    };
  }
}
