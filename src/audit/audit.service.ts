import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actorId, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditRepository, type AuditQuery } from './audit.repository.js';
import { GENESIS_HASH, hashEvent, verifyChain, type ChainCheck, type ChainedEvent, type Json } from './hash-chain.js';

export interface AuditRecord {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  networkId?: string | null;
  /** Ids, counts, field names, codes. Never a name, email, phone or other contact value. */
  detail?: Record<string, Json>;
}

export interface AuditEventView extends ChainedEvent {
  hash: string;
}

const VERIFY_BATCH = 2000;

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Appends one event inside the caller's transaction: it commits or rolls back with the change. */
  async record(tx: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    await this.recordMany(tx, actor, [record]);
  }

  /** Appends several events under one lock (bulk changes such as an import). */
  async recordMany(tx: EntityManager, actor: Actor, records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const head = await this.repository.lockHead(tx);
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const at = this.clock.now().toISOString();
    const entities = records.map((record) => {
      const event: ChainedEvent = {
        seq: ++seq,
        at,
        actorType: actor.type,
        actorId: actorId(actor),
        action: record.action,
        subjectType: record.subjectType,
        subjectId: record.subjectId ?? null,
        networkId: record.networkId ?? null,
        detail: record.detail ?? {},
        prevHash,
      };
      prevHash = hashEvent(event);
      return Object.assign(new AuditEventEntity(), event, { at: new Date(at), hash: prevHash });
    });
    await this.repository.insert(tx, entities);
  }

  /** Re-reads the whole log in batches and checks every link of the chain. */
  async verify(): Promise<ChainCheck> {
    let start = { seq: 0, hash: GENESIS_HASH };
    let total = 0;
    for (;;) {
      const batch = (await this.repository.batchAfter(start.seq, VERIFY_BATCH)).map(toView);
      if (batch.length === 0) return { ok: true, events: total };
      const check = verifyChain(batch, start);
      if (!check.ok) return { ok: false, firstBadSeq: check.firstBadSeq, events: total + check.events };
      total += batch.length;
      const last = batch[batch.length - 1];
      start = { seq: last.seq, hash: last.hash };
    }
  }

  async search(query: AuditQuery): Promise<AuditEventView[]> {
    return (await this.repository.search(query)).map(toView);
  }
}

function toView(e: AuditEventEntity): AuditEventView {
  return {
    seq: e.seq,
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    networkId: e.networkId,
    detail: e.detail as Json,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
