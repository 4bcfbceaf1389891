import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actorId, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditCheckpointRepository } from './audit-checkpoint.repository.js';
import type { LogCheck } from './audit-export-verify.js';
import { AuditSigningKey } from './audit-signing-key.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';
import { checkpointSignatureValid, publicKeyInfo } from './checkpoint-signature.js';
import { GENESIS_HASH, hashEvent, verifyChain, type ChainedEvent, type Json } from './hash-chain.js';

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

export interface AuditEventPage {
  items: AuditEventView[];
  total: number;
  page: number;
  pageSize: number;
}

const VERIFY_BATCH = 2000;

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly checkpoints: AuditCheckpointRepository,
    private readonly signingKey: AuditSigningKey,
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

  /**
   * Re-reads the whole log in batches and checks every link of the chain, then every checkpoint:
   * its signature with this service's key and its hash against the event it names (a log rewritten
   * with fresh hashes still fails there).
   */
  async verify(): Promise<LogCheck> {
    let start = { seq: 0, hash: GENESIS_HASH };
    let events = 0;
    for (;;) {
      const batch = (await this.repository.batchAfter(start.seq, VERIFY_BATCH)).map(toView);
      if (batch.length === 0) break;
      const check = verifyChain(batch, start);
      if (!check.ok) {
        const problem = `event ${check.firstBadSeq}: its hash, its link to the event before or its number is wrong`;
        return { ok: false, events: events + check.events, checkpoints: 0, firstBadSeq: check.firstBadSeq, problem };
      }
      events += batch.length;
      const last = batch[batch.length - 1];
      start = { seq: last.seq, hash: last.hash };
    }
    return this.verifyCheckpoints(events);
  }

  private async verifyCheckpoints(events: number): Promise<LogCheck> {
    const total = await this.checkpoints.count();
    if (total === 0) return { ok: true, events, checkpoints: 0 };
    const key = this.signingKey.existingPublicKey();
    const keyId = key ? publicKeyInfo(key).keyId : undefined;
    let checked = 0;
    let afterId = 0;
    for (;;) {
      const batch = await this.checkpoints.batchWithEventHash(afterId, VERIFY_BATCH);
      if (batch.length === 0) return { ok: true, events, checkpoints: checked };
      for (const c of batch) {
        const bad = (problem: string): LogCheck => ({ ok: false, events, checkpoints: checked, firstBadSeq: c.seq, problem });
        if (!key) return bad('there is no signing key here to check the checkpoints with (AUDIT_SIGNING_KEY or DATA_DIR)');
        if (c.keyId !== keyId) return bad(`the checkpoint at seq ${c.seq} names key ${c.keyId}, not this service's key ${keyId}`);
        if (!checkpointSignatureValid(key, { seq: c.seq, hash: c.hash, at: c.at.toISOString() }, c.signature)) {
          return bad(`the checkpoint at seq ${c.seq}: its signature does not verify`);
        }
        if (c.eventHash !== c.hash) return bad(`the checkpoint at seq ${c.seq} does not match event ${c.seq}`);
        checked++;
      }
      afterId = batch[batch.length - 1].id;
    }
  }

  async search(filter: AuditFilter, page = 1, pageSize = 100): Promise<AuditEventPage> {
    const { rows, total } = await this.repository.search(filter, (page - 1) * pageSize, pageSize);
    return { items: rows.map(toView), total, page, pageSize };
  }

  /** Every event about one subject, oldest first. */
  async ofSubject(subjectType: string, subjectId: string): Promise<AuditEventView[]> {
    return (await this.repository.ofSubject(subjectType, subjectId)).map(toView);
  }
}

export function toView(e: AuditEventEntity): AuditEventView {
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
