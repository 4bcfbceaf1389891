import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HAS_LIVE_BUNDLE } from '../bundles/bundles.repository.js';
import { EditionEntity, type EditionState } from './edition.entity.js';

/** Every column but the snapshot, which can be megabytes and most reads do not need. */
const SUMMARY = ['e.id', 'e.listId', 'e.networkId', 'e.slot', 'e.state', 'e.contentHash', 'e.diff', 'e.rowCount', 'e.recipientCount', 'e.requestedByType', 'e.requestedById', 'e.approvedById', 'e.approvedAt', 'e.createdAt', 'e.publishedAt', 'e.correctionNeededSince', 'e.contactValuesPurgedAt'];

/** The snapshot's rows without the member's row, in their order (SQL over `e`, member id in $1). */
const ROWS_WITHOUT_MEMBER = `coalesce((SELECT jsonb_agg(r ORDER BY n) FROM jsonb_array_elements(e.snapshot -> 'rows') WITH ORDINALITY AS x(r, n)
  WHERE r ->> 'memberId' <> $1), '[]'::jsonb)`;

/** The field names the snapshot's rows hold values for (SQL over `e`). */
const FIELDS_WITH_VALUES = `coalesce((SELECT jsonb_agg(DISTINCT k) FROM jsonb_array_elements(e.snapshot -> 'rows') AS r, jsonb_object_keys(r -> 'values') AS k), '[]'::jsonb)`;

export interface ErasedRows {
  id: string;
  listId: string;
  networkId: string;
  /** The state before the erasure. */
  state: EditionState;
  flagged: boolean;
}

export interface FlaggedEditionRow {
  id: string;
  listId: string;
  listTitle: string;
  networkId: string;
  state: EditionState;
  createdAt: Date;
  recipientCount: number;
  correctionNeededSince: Date;
}

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

  /** The newest edition of the list that is not revoked (waiting for approval, building or published). */
  async latestLive(listId: string, tx?: EntityManager): Promise<EditionEntity | null> {
    return this.manager(tx)
      .createQueryBuilder(EditionEntity, 'e')
      .where('e.list_id = :listId', { listId })
      .andWhere("e.state IN ('awaiting_approval', 'building', 'published')")
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
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

  /** Ids of the editions still in state building (of these ids, when given). */
  async buildingIds(editionIds?: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM edition WHERE state = 'building' AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) ORDER BY created_at`,
      [editionIds ?? null],
    );
    return rows.map((r) => r.id);
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

  /**
   * Erasure: removes the member's row from every snapshot that holds it. Distributed editions keep
   * their recipients, counts and content hash as recorded (the hash then no longer matches the rows:
   * it attests what was sent) and are flagged for a correction, since their recipients hold the old
   * copy (not one whose values retention already removed). An edition still awaiting approval also
   * loses the member as a recipient.
   */
  async eraseMemberRows(tx: EntityManager, memberId: string, at: Date): Promise<ErasedRows[]> {
    const listed = JSON.stringify([{ memberId }]);
    const [pending]: [{ id: string; list_id: string; network_id: string; state: EditionState }[], number] = await tx.query(
      `UPDATE edition e
          SET snapshot = jsonb_set(jsonb_set(e.snapshot, '{rows}', ${ROWS_WITHOUT_MEMBER}), '{recipients}', (e.snapshot -> 'recipients') - $1::text),
              row_count = jsonb_array_length(${ROWS_WITHOUT_MEMBER}),
              recipient_count = jsonb_array_length((e.snapshot -> 'recipients') - $1::text)
        WHERE e.state = 'awaiting_approval' AND (e.snapshot -> 'rows' @> $2::jsonb OR e.snapshot -> 'recipients' ? $1::text)
        RETURNING e.id, e.list_id, e.network_id, e.state`,
      [memberId, listed],
    );
    // Retention already emptied an old edition's values: nothing of the member's is left to correct.
    const FLAGGABLE = `(e.state IN ('building', 'published') AND e.contact_values_purged_at IS NULL)`;
    type DistributedRow = { id: string; list_id: string; network_id: string; state: EditionState; flagged: boolean };
    const [distributed]: [DistributedRow[], number] = await tx.query(
      `UPDATE edition e
          SET snapshot = jsonb_set(e.snapshot, '{rows}', ${ROWS_WITHOUT_MEMBER}),
              correction_needed_since = CASE WHEN ${FLAGGABLE} THEN coalesce(e.correction_needed_since, $3) ELSE e.correction_needed_since END
        WHERE e.state <> 'awaiting_approval' AND e.snapshot -> 'rows' @> $2::jsonb
        RETURNING e.id, e.list_id, e.network_id, e.state, ${FLAGGABLE} AS flagged`,
      [memberId, listed, at],
    );
    return [
      ...pending.map((r) => ({ id: r.id, listId: r.list_id, networkId: r.network_id, state: r.state, flagged: false })),
      ...distributed.map((r) => ({ id: r.id, listId: r.list_id, networkId: r.network_id, state: r.state, flagged: r.flagged })),
    ];
  }

  /** Editions flagged for a correction, in these networks (all when undefined), oldest flag first. */
  flagged(networkIds: readonly string[] | undefined): Promise<FlaggedEditionRow[]> {
    return this.dataSource.query(
      `SELECT e.id, e.list_id AS "listId", l.title AS "listTitle", e.network_id AS "networkId", e.state, e.created_at AS "createdAt",
              e.recipient_count AS "recipientCount", e.correction_needed_since AS "correctionNeededSince"
         FROM edition e JOIN contact_list l ON l.id = e.list_id
        WHERE e.correction_needed_since IS NOT NULL AND ($1::uuid[] IS NULL OR e.network_id = ANY($1::uuid[]))
        ORDER BY e.correction_needed_since, e.created_at`,
      [networkIds ?? null],
    );
  }

  /** These flagged editions' copies were retired for `correctionId`: its publication settles them. */
  async linkCorrection(tx: EntityManager, editionIds: string[], correctionId: string): Promise<void> {
    if (editionIds.length === 0) return;
    await tx.query(`UPDATE edition SET correction_edition_id = $2 WHERE id = ANY($1::uuid[]) AND correction_needed_since IS NOT NULL`, [
      editionIds,
      correctionId,
    ]);
  }

  /** The correction went out: the editions linked to it are settled (no other flagged edition of the list). */
  async settleCorrectedBy(tx: EntityManager, correctionId: string): Promise<{ id: string; networkId: string }[]> {
    const [rows]: [{ id: string; network_id: string }[], number] = await tx.query(
      `UPDATE edition SET correction_needed_since = NULL
        WHERE correction_edition_id = $1 AND correction_needed_since IS NOT NULL
        RETURNING id, network_id`,
      [correctionId],
    );
    return rows.map((r) => ({ id: r.id, networkId: r.network_id }));
  }

  /**
   * Retention: editions created before `cutoff` whose bundles are all revoked or expired lose the
   * contact values of their rows (member ids stay, so the art. 15 ledger still finds them; the field
   * names shown are kept in `fieldsShared`). One never approved is revoked with it.
   */
  async purgeContactValues(tx: EntityManager, cutoff: Date, at: Date, limit: number): Promise<{ id: string; networkId: string; rowCount: number; revoked: boolean }[]> {
    const [rows]: [{ id: string; network_id: string; row_count: number; was_awaiting: boolean }[], number] = await tx.query(
      `WITH due AS (
         SELECT e.id, e.state = 'awaiting_approval' AS was_awaiting FROM edition e
          WHERE e.created_at < $1 AND e.contact_values_purged_at IS NULL
            AND NOT ${HAS_LIVE_BUNDLE}
          ORDER BY e.created_at
          LIMIT $3
          FOR UPDATE OF e SKIP LOCKED)
       UPDATE edition e
          SET snapshot = jsonb_set(jsonb_set(e.snapshot, '{fieldsShared}', coalesce(e.snapshot -> 'fieldsShared', ${FIELDS_WITH_VALUES})), '{rows}',
                coalesce((SELECT jsonb_agg(jsonb_build_object('memberId', r -> 'memberId', 'values', '{}'::jsonb) ORDER BY n)
                            FROM jsonb_array_elements(e.snapshot -> 'rows') WITH ORDINALITY AS x(r, n)), '[]'::jsonb)),
              contact_values_purged_at = $2,
              state = CASE WHEN e.state = 'awaiting_approval' THEN 'revoked' ELSE e.state END
         FROM due
        WHERE e.id = due.id
        RETURNING e.id, e.network_id, e.row_count, due.was_awaiting`,
      [cutoff, at, limit],
    );
    return rows.map((r) => ({ id: r.id, networkId: r.network_id, rowCount: r.row_count, revoked: r.was_awaiting }));
  }

  /** Per edition, the fields its rows showed (kept by retention in `fieldsShared` once the values are gone). */
  async fieldsShared(editionIds: string[]): Promise<Map<string, { networkId: string; fields: string[] }>> {
    if (editionIds.length === 0) return new Map();
    const rows: { id: string; network_id: string; fields: string[] }[] = await this.dataSource.query(
      `SELECT e.id, e.network_id, coalesce(e.snapshot -> 'fieldsShared', ${FIELDS_WITH_VALUES}) AS fields FROM edition e WHERE e.id = ANY($1::uuid[])`,
      [editionIds],
    );
    return new Map(rows.map((r) => [r.id, { networkId: r.network_id, fields: r.fields }]));
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
