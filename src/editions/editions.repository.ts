import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EditionEntity, type EditionState } from './edition.entity.js';

/** Every column but the snapshot, which can be megabytes and most reads do not need. */
const SUMMARY = ['e.id', 'e.listId', 'e.networkId', 'e.slot', 'e.state', 'e.contentHash', 'e.diff', 'e.rowCount', 'e.recipientCount', 'e.requestedByType', 'e.requestedById', 'e.approvedById', 'e.approvedAt', 'e.createdAt', 'e.publishedAt'];

@Injectable()
export class EditionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findById(id: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(EditionEntity, { id });
  }

  /** The edition without its snapshot. */
  findSummary(id: string) {
    return this.manager().createQueryBuilder(EditionEntity, 'e').select(SUMMARY).where('e.id = :id', { id }).getOne();
  }

  /** The whole edition, locked for the caller's transaction, if it still waits for approval. */
  lockAwaitingApproval(tx: EntityManager, id: string) {
    return tx.createQueryBuilder(EditionEntity, 'e').setLock('pessimistic_write').where('e.id = :id AND e.state = :state', { id, state: 'awaiting_approval' }).getOne();
  }

  findBySlot(listId: string, slot: Date) {
    return this.manager().findOneBy(EditionEntity, { listId, slot });
  }

  /** The newest edition that was or is being published (the base for the next diff). */
  async latestPublished(listId: string, tx?: EntityManager): Promise<EditionEntity | null> {
    return this.manager(tx)
      .createQueryBuilder(EditionEntity, 'e')
      .where('e.list_id = :listId', { listId })
      .andWhere("e.state IN ('building', 'published')")
      .orderBy('e.created_at', 'DESC')
      .getOne();
  }

  ofList(listId: string, limit: number) {
    return this.manager()
      .createQueryBuilder(EditionEntity, 'e')
      .select(SUMMARY)
      .where('e.list_id = :listId', { listId })
      .orderBy('e.created_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Inserts unless the (list, slot) already has an edition; true when this call inserted it. */
  async insertUnlessSlotTaken(tx: EntityManager, edition: EditionEntity): Promise<boolean> {
    const result = await tx.createQueryBuilder().insert().into(EditionEntity).values(edition).orIgnore().returning('id').execute();
    return Array.isArray(result.raw) && result.raw.length === 1;
  }

  async setState(tx: EntityManager, id: string, state: EditionState, patch: Partial<EditionEntity> = {}): Promise<void> {
    await tx.update(EditionEntity, { id }, { ...patch, state });
  }

  /** Building editions whose bundles are all settled; locked so one worker publishes each. */
  async lockIfBuilding(tx: EntityManager, id: string): Promise<EditionEntity | null> {
    // Only the columns the caller needs: the snapshot can be megabytes.
    return tx
      .createQueryBuilder(EditionEntity, 'e')
      .select(['e.id', 'e.networkId', 'e.state'])
      .setLock('pessimistic_write')
      .where('e.id = :id AND e.state = :state', { id, state: 'building' })
      .getOne();
  }

  /** Live editions (building or published, not revoked) of a network that list the member. */
  async liveListing(networkId: string, memberId: string): Promise<EditionEntity[]> {
    return this.manager()
      .createQueryBuilder(EditionEntity, 'e')
      .select(SUMMARY)
      .where('e.network_id = :networkId', { networkId })
      .andWhere("e.state IN ('building', 'published')")
      .andWhere(`e.snapshot -> 'rows' @> :row::jsonb`, { row: JSON.stringify([{ memberId }]) })
      .orderBy('e.created_at', 'DESC')
      .getMany();
  }

  /** Every edition that listed the member (not those still awaiting approval), newest first. */
  async listingMember(memberId: string): Promise<{ editionId: string; networkId: string; networkName: string; listTitle: string; at: Date; recipientCount: number; state: string }[]> {
    return this.dataSource.query(
      `SELECT e.id AS "editionId", e.network_id AS "networkId", n.name AS "networkName", l.title AS "listTitle",
              coalesce(e.published_at, e.approved_at, e.created_at) AS "at", e.recipient_count AS "recipientCount", e.state
         FROM edition e JOIN network n ON n.id = e.network_id JOIN contact_list l ON l.id = e.list_id
        WHERE e.state <> 'awaiting_approval' AND e.snapshot -> 'rows' @> $1::jsonb
        ORDER BY coalesce(e.published_at, e.approved_at, e.created_at) DESC`,
      [JSON.stringify([{ memberId }])],
    );
  }
}
