import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';

/** Any fixed 64-bit number: serialises appends so the chain has one head. */
const AUDIT_APPEND_LOCK_KEY = 4_801_230_772;

/** What auditors filter the log by; every field narrows the result. */
export interface AuditFilter {
  /** Events after this sequence number (a cursor). */
  afterSeq?: number;
  action?: string;
  actorId?: string;
  networkId?: string;
  subjectId?: string;
  /** Events about this member: its subject, or `detail.memberId` (bundles, access requests). */
  memberId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes the append lock for the rest of the transaction and returns the current head. */
  async lockHead(tx: EntityManager): Promise<{ seq: number; hash: string } | undefined> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK_KEY]);
    const rows: { seq: string; hash: string }[] = await tx.query(
      'SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1',
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  /** Array parameters, one statement per 10,000 events: TypeORM's multi-row VALUES dominated bulk imports. */
  async insert(tx: EntityManager, events: AuditEventEntity[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10_000) {
      const chunk = events.slice(i, i + 10_000);
      await tx.query(
        `INSERT INTO audit_event (seq, at, actor_type, actor_id, action, subject_type, subject_id, network_id, detail, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::uuid[],
                              $9::jsonb[], $10::text[], $11::text[])`,
        [
          chunk.map((e) => String(e.seq)),
          chunk.map((e) => e.at.toISOString()),
          chunk.map((e) => e.actorType),
          chunk.map((e) => e.actorId),
          chunk.map((e) => e.action),
          chunk.map((e) => e.subjectType),
          chunk.map((e) => e.subjectId),
          chunk.map((e) => e.networkId),
          chunk.map((e) => JSON.stringify(e.detail)),
          chunk.map((e) => e.prevHash),
          chunk.map((e) => e.hash),
        ],
      );
    }
  }

  /** Events in seq order after `afterSeq`, for verification and export in bounded batches. */
  async batchAfter(afterSeq: number, limit: number): Promise<AuditEventEntity[]> {
    return this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.seq > :afterSeq', { afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** One page in sequence order, with the number of events the filter matches. */
  async search(filter: AuditFilter, offset: number, limit: number): Promise<{ rows: AuditEventEntity[]; total: number }> {
    const qb = this.filtered(filter);
    const total = await qb.getCount();
    const rows = await qb.orderBy('e.seq', 'ASC').offset(offset).limit(limit).getMany();
    return { rows, total };
  }

  /** Matching events in (afterSeq, uptoSeq], in seq order: an export reads the log in such batches. */
  async batch(filter: AuditFilter, afterSeq: number, uptoSeq: number, limit: number): Promise<AuditEventEntity[]> {
    return this.filtered({ ...filter, afterSeq: Math.max(afterSeq, filter.afterSeq ?? 0) })
      .andWhere('e.seq <= :uptoSeq', { uptoSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  async headSeq(): Promise<number> {
    const rows: { seq: string }[] = await this.dataSource.query('SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1');
    return rows[0] ? Number(rows[0].seq) : 0;
  }

  /** Every event about one subject (a bundle, say), oldest first. */
  async ofSubject(subjectType: string, subjectId: string): Promise<AuditEventEntity[]> {
    return this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.subject_type = :subjectType AND e.subject_id = :subjectId', { subjectType, subjectId })
      .orderBy('e.seq', 'ASC')
      .getMany();
  }

  private filtered(filter: AuditFilter) {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.seq > :afterSeq', { afterSeq: filter.afterSeq ?? 0 });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.networkId) qb.andWhere('e.network_id = :networkId', { networkId: filter.networkId });
    if (filter.subjectId) qb.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter.memberId) {
      qb.andWhere(`(e.subject_id = :memberId OR e.detail ->> 'memberId' = :memberId)`, { memberId: filter.memberId });
    }
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    return qb;
  }
}
