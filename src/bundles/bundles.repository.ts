import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BundleEntity, type BundleState } from './bundle.entity.js';

/**
 * SQL: edition `e` still has a bundle someone may fetch (not revoked, not expired). The bundle table's
 * rules stay here; edition retention embeds this in its own statement so the check and the purge are atomic.
 */
export const HAS_LIVE_BUNDLE = `EXISTS (SELECT 1 FROM bundle b WHERE b.edition_id = e.id AND b.state NOT IN ('revoked', 'expired'))`;

/**
 * The bundle table outside the build queue (BundleQueueRepository): reads for the portal and the
 * console, downloads, and retirement (revocation, supersession, erasure, expiry) with its per-list locks.
 */
@Injectable()
export class BundlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  findById(id: string, tx?: EntityManager) {
    return this.manager(tx).findOneBy(BundleEntity, { id });
  }

  findOf(editionId: string, memberId: string) {
    return this.manager().findOneBy(BundleEntity, { editionId, memberId });
  }

  ofEdition(editionId: string) {
    return this.manager().find(BundleEntity, { where: { editionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Revokes every live bundle of these editions, downloaded or not (a revoked edition, or one that
   * listed an erased member, must not be fetched by anyone again). Answers what it revoked.
   */
  async revokeLiveOfEditions(tx: EntityManager, editionIds: string[], at: Date): Promise<RetiredBundle[]> {
    if (editionIds.length === 0) return [];
    const [rows]: [RetiredRow[], number] = await tx.query(
      `WITH live AS (
         SELECT b.id, e.network_id FROM bundle b JOIN edition e ON e.id = b.edition_id
          WHERE b.edition_id = ANY($1::uuid[]) AND b.state NOT IN ('revoked', 'expired')
          ORDER BY b.id
          FOR UPDATE OF b)
       UPDATE bundle b SET state = 'revoked', revoked_at = $2, claimed_by = NULL, claimed_until = NULL
         FROM live WHERE b.id = live.id
       RETURNING b.id, b.edition_id, b.member_id, b.storage_key, live.network_id, NULL::uuid AS superseded_by`,
      [editionIds, at],
    );
    return rows.map(retired);
  }

  /**
   * One live edition per recipient and list: for each (member, list) of these just-ready bundles,
   * every live bundle of an older edition of the list is revoked. The caller holds `lockLists`, so
   * two workers finishing two editions of one list cannot both keep theirs.
   */
  async supersedeOlder(tx: EntityManager, readyIds: string[], at: Date): Promise<RetiredBundle[]> {
    if (readyIds.length === 0) return [];
    const [rows]: [RetiredRow[], number] = await tx.query(
      `WITH pairs AS (
         SELECT DISTINCT b.member_id, e.list_id FROM bundle b JOIN edition e ON e.id = b.edition_id WHERE b.id = ANY($1::uuid[])),
       newest AS (
         SELECT DISTINCT ON (p.member_id, p.list_id) p.member_id, p.list_id, e.id AS edition_id, e.created_at
           FROM pairs p JOIN edition e ON e.list_id = p.list_id JOIN bundle b ON b.edition_id = e.id AND b.member_id = p.member_id
          WHERE b.state = 'ready'
          ORDER BY p.member_id, p.list_id, e.created_at DESC, e.id DESC),
       older AS (
         SELECT b.id, e.network_id, n.edition_id AS superseded_by
           FROM newest n JOIN edition e ON e.list_id = n.list_id AND (e.created_at, e.id) < (n.created_at, n.edition_id)
           JOIN bundle b ON b.edition_id = e.id AND b.member_id = n.member_id
          WHERE b.state NOT IN ('revoked', 'expired')
          ORDER BY b.id
          FOR UPDATE OF b)
       UPDATE bundle b SET state = 'revoked', revoked_at = $2, claimed_by = NULL, claimed_until = NULL
         FROM older WHERE b.id = older.id
       RETURNING b.id, b.edition_id, b.member_id, b.storage_key, older.network_id, older.superseded_by`,
      [readyIds, at],
    );
    return rows.map(retired);
  }

  /**
   * The same per-list locks for an erasure, before it touches any bundle: every list with an edition
   * that lists the member or a bundle addressed to them. A worker finishing a newer edition of such a
   * list then waits instead of deadlocking with the erasure over the two editions' bundles.
   */
  async lockListsOfMember(tx: EntityManager, memberId: string): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('bundle.supersede'), hashtext(l.list_id::text))
         FROM (SELECT DISTINCT e.list_id FROM edition e
                WHERE e.snapshot -> 'rows' @> $1::jsonb OR EXISTS (SELECT 1 FROM bundle b WHERE b.edition_id = e.id AND b.member_id = $2)
                ORDER BY e.list_id) l`,
      [JSON.stringify([{ memberId }]), memberId],
    );
  }

  /** Serialises supersession per list (transaction-scoped advisory locks, taken in a fixed order). */
  async lockLists(tx: EntityManager, bundleIds: string[]): Promise<void> {
    if (bundleIds.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('bundle.supersede'), hashtext(l.list_id::text))
         FROM (SELECT DISTINCT e.list_id FROM bundle b JOIN edition e ON e.id = b.edition_id
                WHERE b.id = ANY($1::uuid[]) ORDER BY e.list_id) l`,
      [bundleIds],
    );
  }

  /** Expired bundles that still hold a file or are still live, locked for the caller. */
  async dueForExpiry(tx: EntityManager, now: Date, limit: number): Promise<BundleEntity[]> {
    return tx
      .createQueryBuilder(BundleEntity, 'b')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('b.expires_at <= :now', { now })
      .andWhere("b.state NOT IN ('revoked', 'expired')")
      .orderBy('b.expires_at')
      .limit(limit)
      .getMany();
  }

  async setState(tx: EntityManager, ids: string[], state: 'revoked' | 'expired', at: Date): Promise<void> {
    if (ids.length === 0) return;
    const patch = state === 'revoked' ? { state, revokedAt: at, claimedBy: null, claimedUntil: null } : { state, expiredAt: at, claimedBy: null, claimedUntil: null };
    await tx.createQueryBuilder().update(BundleEntity).set(patch).where('id IN (:...ids)', { ids }).execute();
  }

  /** A member's bundles with what the portal shows about each (network, list, edition date). */
  async ofMember(memberId: string): Promise<MemberBundleRow[]> {
    const rows: MemberBundleRow[] = await this.dataSource.query(
      `SELECT b.id AS "bundleId", b.edition_id AS "editionId", b.state, b.files, b.expires_at AS "expiresAt",
              b.downloaded_at AS "downloadedAt", coalesce(e.approved_at, e.created_at) AS "editionAt",
              e.network_id AS "networkId", n.name AS "networkName", l.title AS "listTitle",
              l.id AS "listId", l.time_zone AS "timeZone"
         FROM bundle b
         JOIN edition e ON e.id = b.edition_id
         JOIN contact_list l ON l.id = e.list_id
         JOIN network n ON n.id = e.network_id
        WHERE b.member_id = $1 AND b.state <> 'revoked'
        ORDER BY coalesce(e.approved_at, e.created_at) DESC, b.id`,
      [memberId],
    );
    return rows;
  }

  /** The bundle only if it is addressed to this member: another member's id is "not found". */
  findOfMember(bundleId: string, memberId: string) {
    return this.manager().findOneBy(BundleEntity, { id: bundleId, memberId });
  }

  async markDownloaded(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.query(`UPDATE bundle SET downloaded_at = coalesce(downloaded_at, $2) WHERE id = $1`, [id, at]);
  }

  /**
   * Erasure: every bundle addressed to the member is revoked (downloaded or not) and forgets the
   * keys it was encrypted to. Answers the ones revoked now (with their network) and the storage keys
   * of all of them, whose files the caller deletes after the commit (deleting twice is harmless).
   */
  async revokeAllOf(tx: EntityManager, memberId: string, at: Date): Promise<{ revoked: { id: string; editionId: string; networkId: string }[]; storageKeys: string[] }> {
    const all: { id: string; edition_id: string; network_id: string; state: BundleState; storage_key: string | null }[] = await tx.query(
      `SELECT b.id, b.edition_id, e.network_id, b.state, b.storage_key FROM bundle b JOIN edition e ON e.id = b.edition_id
        WHERE b.member_id = $1 ORDER BY b.created_at, b.id FOR UPDATE OF b`,
      [memberId],
    );
    await tx.query(
      `UPDATE bundle SET state = CASE WHEN state IN ('revoked', 'expired') THEN state ELSE 'revoked' END,
              revoked_at = CASE WHEN state IN ('revoked', 'expired') THEN revoked_at ELSE $2 END,
              recipients = '{}', claimed_by = NULL, claimed_until = NULL
        WHERE member_id = $1`,
      [memberId, at],
    );
    return {
      revoked: all.filter((b) => b.state !== 'revoked' && b.state !== 'expired').map((b) => ({ id: b.id, editionId: b.edition_id, networkId: b.network_id })),
      storageKeys: all.flatMap((b) => (b.storage_key ? [b.storage_key] : [])),
    };
  }

}

export interface MemberBundleRow {
  bundleId: string;
  editionId: string;
  state: BundleState;
  files: { name: string; sha256: string; bytes: number }[] | null;
  expiresAt: Date;
  downloadedAt: Date | null;
  editionAt: Date;
  networkId: string;
  networkName: string;
  listTitle: string;
  listId: string;
  /** The list's own time zone, in which its times are shown. */
  timeZone: string;
}

interface RetiredRow {
  id: string;
  edition_id: string;
  member_id: string;
  storage_key: string | null;
  network_id: string;
  superseded_by: string | null;
}

/** A bundle revoked by an erasure, a revocation or a newer edition (its file is deleted after the commit). */
export interface RetiredBundle {
  id: string;
  editionId: string;
  memberId: string;
  networkId: string;
  storageKey: string | null;
  supersededBy: string | null;
}

const retired = (r: RetiredRow): RetiredBundle => ({
  id: r.id,
  editionId: r.edition_id,
  memberId: r.member_id,
  networkId: r.network_id,
  storageKey: r.storage_key,
  supersededBy: r.superseded_by,
});
