import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';

/** Any fixed 64-bit number: serialises appends so the chain has one head. */
const AUDIT_APPEND_LOCK_KEY = 4_801_230_772;

export interface AuditQuery {
  afterSeq?: number;
  limit: number;
  action?: string;
  actorId?: string;
  networkId?: string;
  subjectId?: string;
  from?: Date;
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

  async insert(tx: EntityManager, events: AuditEventEntity[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) await tx.insert(AuditEventEntity, events.slice(i, i + 1000));
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

  async search(query: AuditQuery): Promise<AuditEventEntity[]> {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.seq > :afterSeq', { afterSeq: query.afterSeq ?? 0 });
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (query.networkId) qb.andWhere('e.network_id = :networkId', { networkId: query.networkId });
    if (query.subjectId) qb.andWhere('e.subject_id = :subjectId', { subjectId: query.subjectId });
    if (query.from) qb.andWhere('e.at >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.at < :to', { to: query.to });
    return qb.orderBy('e.seq', 'ASC').limit(query.limit).getMany();
  }
}
