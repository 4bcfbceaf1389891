import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRequestEntity, type AccessRequestState } from './access-request.entity.js';

type RefreshPatch = Pick<AccessRequestEntity, 'name' | 'locale' | 'source' | 'sourceKey' | 'refreshedAt'>;

@Injectable()
export class AccessRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, request: AccessRequestEntity): Promise<void> {
    await tx.insert(AccessRequestEntity, request);
  }

  /** Accepted requests and refreshes from one source (a keyed hash of a client or e-mail address) since `since`. */
  async countAttempts(tx: EntityManager, sourceKey: string, since: Date): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.query(
      'SELECT count(*)::int AS n FROM access_request_attempt WHERE source_key = $1 AND at >= $2',
      [sourceKey, since],
    );
    return n;
  }

  /** Records an accepted request or refresh; attempts older than a day count for nothing and go. */
  async recordAttempt(tx: EntityManager, sourceKey: string, at: Date): Promise<void> {
    await tx.query('DELETE FROM access_request_attempt WHERE at < $1', [new Date(at.getTime() - 86_400_000)]);
    await tx.query('INSERT INTO access_request_attempt (source_key, at) VALUES ($1, $2)', [sourceKey, at]);
  }

  /**
   * The pending request of this address for this channel, locked. The advisory lock serialises two
   * first requests of the same pair (nothing to row-lock yet), so they become one request.
   */
  async lockPendingOf(tx: EntityManager, email: string, channel: string): Promise<AccessRequestEntity | null> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`access_request\n${email}\n${channel}`]);
    return tx
      .createQueryBuilder(AccessRequestEntity, 'r')
      .setLock('pessimistic_write')
      .where("r.email = :email AND r.channel = :channel AND r.state = 'pending'", { email, channel })
      .getOne();
  }

  async refresh(tx: EntityManager, id: string, patch: RefreshPatch) {
    await tx.update(AccessRequestEntity, { id }, patch);
  }

  list(state: AccessRequestState | undefined, limit: number, offset: number) {
    return this.dataSource.manager.findAndCount(AccessRequestEntity, {
      where: state ? { state } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  findPending(id: string) {
    return this.dataSource.manager.findOneBy(AccessRequestEntity, { id, state: 'pending' });
  }

  lockPending(tx: EntityManager, id: string) {
    return tx.createQueryBuilder(AccessRequestEntity, 'r').setLock('pessimistic_write').where("r.id = :id AND r.state = 'pending'", { id }).getOne();
  }

  async decide(tx: EntityManager, id: string, patch: Pick<AccessRequestEntity, 'state' | 'memberId' | 'decidedAt' | 'decidedBy'>): Promise<void> {
    await tx.update(AccessRequestEntity, { id }, patch);
  }

  /** Access requests with the same e-mail, for a member's own data export. */
  ofEmail(email: string) {
    return this.dataSource.manager.find(AccessRequestEntity, { where: { email }, order: { createdAt: 'ASC' } });
  }

  /**
   * Erasure: the requests linked to the member or made with their e-mail keep their state and
   * dates, but name and e-mail become placeholders (the e-mail built from the request's own id).
   */
  async scrub(tx: EntityManager, memberId: string, email: string | null, name: string): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE access_request SET name = $3, email = 'erased+' || id || '@invalid'
        WHERE (member_id = $1 OR email = $2) AND email <> 'erased+' || id || '@invalid'
        RETURNING id`,
      [memberId, email, name],
    );
    return rows.map((r) => r.id);
  }

  /** Retention: requests received before `cutoff` are deleted, whatever their state. */
  async deleteOlderThan(tx: EntityManager, cutoff: Date, limit: number): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `DELETE FROM access_request WHERE id IN (
         SELECT id FROM access_request WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Per channel: the address people write to and the subject phrases of a request mail. */
  async channelMail(): Promise<Record<string, { address?: unknown; subjects?: unknown }>> {
    const rows: { access_request_mail: Record<string, { address?: unknown; subjects?: unknown }> | null }[] = await this.dataSource.query(
      'SELECT access_request_mail FROM organisation_setting WHERE id = 1',
    );
    return rows[0]?.access_request_mail ?? {};
  }

  async channels(): Promise<string[]> {
    const rows: { access_request_channels: string[] }[] = await this.dataSource.query('SELECT access_request_channels FROM organisation_setting WHERE id = 1');
    return rows[0]?.access_request_channels ?? [];
  }
}
