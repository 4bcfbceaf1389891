import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BundleEntity, type BundleState } from './bundle.entity.js';

export type BundleProgress = Record<BundleState, number>;

@Injectable()
export class BundlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.dataSource.manager;
  }

  async insertMany(tx: EntityManager, bundles: BundleEntity[]): Promise<void> {
    for (let i = 0; i < bundles.length; i += 1000) await tx.insert(BundleEntity, bundles.slice(i, i + 1000));
  }

  /** Which of these members have at least one live key, read in the caller's transaction. */
  async membersWithKeys(tx: EntityManager, memberIds: string[]): Promise<Set<string>> {
    const rows: { member_id: string }[] = await tx.query(
      `SELECT DISTINCT member_id FROM member_recipient WHERE member_id = ANY($1::uuid[]) AND revoked_at IS NULL`,
      [memberIds],
    );
    return new Set(rows.map((r) => r.member_id));
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
   * Claims up to `limit` bundles for this worker: pending ones, ones waiting for a key whose member
   * now has one, failed ones due for a retry, and ones whose previous claim lapsed (a crashed
   * worker). SKIP LOCKED lets several instances claim side by side without waiting.
   */
  async claim(workerId: string, limit: number, now: Date, leaseMs: number, maxAttempts: number, editionIds?: string[]): Promise<BundleEntity[]> {
    // For UPDATE, TypeORM's query() answers [rows, affected count].
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE bundle SET state = 'building', claimed_by = $1, claimed_until = $2, attempts = attempts + 1
        WHERE id IN (
          SELECT b.id FROM bundle b JOIN edition e ON e.id = b.edition_id
           WHERE e.state IN ('building', 'published')
             AND ($6::uuid[] IS NULL OR b.edition_id = ANY($6::uuid[]))
             AND b.expires_at > $3
             AND (b.state = 'pending'
                  OR (b.state = 'building' AND b.claimed_until < $3)
                  OR (b.state = 'failed' AND b.attempts < $5 AND b.claimed_until < $3)
                  OR (b.state = 'waiting_for_key' AND EXISTS (
                        SELECT 1 FROM member_recipient r WHERE r.member_id = b.member_id AND r.revoked_at IS NULL)))
           ORDER BY b.created_at, b.id
           LIMIT $4
           FOR UPDATE OF b SKIP LOCKED)
        RETURNING id`,
      [workerId, new Date(now.getTime() + leaseMs), now, limit, maxAttempts, editionIds ?? null],
    );
    if (rows.length === 0) return [];
    return this.dataSource.manager
      .createQueryBuilder(BundleEntity, 'b')
      .where('b.id IN (:...ids)', { ids: rows.map((r) => r.id) })
      .orderBy('b.created_at')
      .addOrderBy('b.id')
      .getMany();
  }

  /** Marks claimed bundles ready in one statement; returns the ids whose claim still held. */
  async markManyReady(
    tx: EntityManager,
    workerId: string,
    builtAt: Date,
    rows: { id: string; storageKey: string; sizeBytes: number; sha256: string; recipients: string[]; files: unknown }[],
  ): Promise<Set<string>> {
    const [updated]: [{ id: string }[], number] = await tx.query(
      `UPDATE bundle b
          SET state = 'ready', storage_key = v.storage_key, size_bytes = v.size_bytes, sha256 = v.sha256,
              recipients = ARRAY(SELECT jsonb_array_elements_text(v.recipients)), files = v.files,
              built_at = $2, claimed_by = NULL, claimed_until = NULL, last_error = NULL
         FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::text[], $7::jsonb[], $8::jsonb[])
              AS v(id, storage_key, size_bytes, sha256, recipients, files)
        WHERE b.id = v.id AND b.claimed_by = $1 AND b.state = 'building'
        RETURNING b.id`,
      [
        workerId,
        builtAt,
        rows.map((r) => r.id),
        rows.map((r) => r.storageKey),
        rows.map((r) => r.sizeBytes),
        rows.map((r) => r.sha256),
        rows.map((r) => JSON.stringify(r.recipients)),
        rows.map((r) => JSON.stringify(r.files)),
      ],
    );
    return new Set(updated.map((r) => r.id));
  }

  async markFailed(tx: EntityManager, id: string, workerId: string, reason: string, retryAt: Date): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(BundleEntity)
      .set({ state: 'failed', lastError: reason, claimedBy: null, claimedUntil: retryAt })
      .where('id = :bundleId AND claimed_by = :claimant AND state = :claimedState', { bundleId: id, claimant: workerId, claimedState: 'building' })
      .execute();
    return result.affected === 1;
  }

  /** Puts a bundle whose member has no key back to waiting (its claim released). */
  async markWaitingForKey(tx: EntityManager, id: string, workerId: string): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(BundleEntity)
      .set({ state: 'waiting_for_key', claimedBy: null, claimedUntil: null })
      .where('id = :bundleId AND claimed_by = :claimant', { bundleId: id, claimant: workerId })
      .execute();
  }

  /** Whether any bundle of the edition is still pending or being built. */
  async hasWorkLeft(editionId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager().query(`SELECT 1 FROM bundle WHERE edition_id = $1 AND state IN ('pending', 'building') LIMIT 1`, [editionId]);
    return rows.length > 0;
  }

  async progress(editionId: string, tx?: EntityManager): Promise<BundleProgress> {
    const rows: { state: BundleState; n: string }[] = await this.manager(tx).query(
      'SELECT state, count(*) AS n FROM bundle WHERE edition_id = $1 GROUP BY state',
      [editionId],
    );
    const progress = { waiting_for_key: 0, pending: 0, building: 0, ready: 0, failed: 0, revoked: 0, expired: 0 };
    for (const r of rows) progress[r.state] = Number(r.n);
    return progress;
  }

  /** Bundles not yet downloaded, to be revoked; locked for the caller's transaction. */
  async undeliveredForUpdate(tx: EntityManager, editionId: string): Promise<BundleEntity[]> {
    return tx
      .createQueryBuilder(BundleEntity, 'b')
      .setLock('pessimistic_write')
      .where('b.edition_id = :editionId', { editionId })
      .andWhere('b.downloaded_at IS NULL')
      .andWhere("b.state NOT IN ('revoked', 'expired')")
      .getMany();
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
   * Puts a member's live bundles back to pending so the worker encrypts them again to the member's
   * current keys (after a forgotten password made a new identity). Claims in progress are dropped:
   * a worker still building to the old key loses its claim and cannot mark the bundle ready.
   */
  async reissueOf(tx: EntityManager, memberId: string, now: Date): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE bundle SET state = 'pending', attempts = 0, claimed_by = NULL, claimed_until = NULL, last_error = NULL
        WHERE member_id = $1 AND state IN ('ready', 'building', 'failed') AND expires_at > $2
        RETURNING id`,
      [memberId, now],
    );
    return rows.map((r) => r.id);
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

  /** E-mail address and language for the notice of each member's bundle. */
  async noticeAddresses(tx: EntityManager, memberIds: string[]): Promise<Map<string, { email: string; locale: 'da' | 'en' }>> {
    const rows: { id: string; email: string; locale: 'da' | 'en' }[] = await tx.query(
      `SELECT m.id, m.email, coalesce(a.locale, 'da') AS locale FROM member m LEFT JOIN member_account a ON a.member_id = m.id WHERE m.id = ANY($1::uuid[])`,
      [memberIds],
    );
    return new Map(rows.map((r) => [r.id, { email: r.email, locale: r.locale }]));
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
