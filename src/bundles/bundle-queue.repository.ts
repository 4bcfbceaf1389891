import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BundleEntity, type BundleState } from './bundle.entity.js';

export type BundleProgress = Record<BundleState, number>;

/**
 * The bundle table as a work queue: rows created with their edition, claimed under a lease (SKIP
 * LOCKED), marked ready, failed or waiting for a key, and put back to pending for a re-issue.
 */
@Injectable()
export class BundleQueueRepository {
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


  /** Failed bundles of the edition that will still be retried (fewer than `maxAttempts` attempts). */
  async retrying(tx: EntityManager, editionId: string, maxAttempts: number): Promise<number> {
    const [{ retrying }]: { retrying: number }[] = await tx.query(
      `SELECT count(*)::int AS retrying FROM bundle WHERE edition_id = $1 AND state = 'failed' AND attempts < $2`,
      [editionId, maxAttempts],
    );
    return retrying;
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

}
