import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden } from '../common/domain-error.js';
import { AuditCheckpointRepository, type AuditCheckpoint, type CheckpointKind } from './audit-checkpoint.repository.js';
import { AuditSigningKey } from './audit-signing-key.js';
import { AuditService } from './audit.service.js';
import type { PublicKeyInfo } from './checkpoint-signature.js';

export interface CheckpointView {
  id: number;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
  kind: CheckpointKind;
  slot: string | null;
}

export interface CheckpointPage {
  items: CheckpointView[];
  total: number;
  page: number;
  pageSize: number;
}

const HOUR_MS = 3_600_000;

/** Signs the head of the audit log: hourly (one per hour however many instances run) and on demand. */
@Injectable()
export class AuditCheckpointsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AuditCheckpointRepository,
    private readonly key: AuditSigningKey,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  publicKey(): PublicKeyInfo {
    return this.key.publicKey();
  }

  /** A checkpoint now (admins, the command line); the request itself is an audit event after it. */
  async create(actor: Actor): Promise<CheckpointView> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role !== 'admin')) throw forbidden();
    return this.dataSource.transaction(async (tx) => {
      await this.repository.lock(tx);
      const head = await this.repository.head(tx);
      if (!head) throw new DomainError('conflict', 'AUDIT_LOG_EMPTY', 'The audit log has no events to sign yet');
      const checkpoint = (await this.sign(tx, head, 'on_demand', null))!;
      await this.audit.record(tx, actor, {
        action: 'audit.checkpoint_created',
        subjectType: 'audit_checkpoint',
        subjectId: String(checkpoint.id),
        detail: { seq: checkpoint.seq, keyId: checkpoint.keyId },
      });
      return toView(checkpoint);
    });
  }

  /**
   * The hourly checkpoint: none when this hour has one already (another instance made it) or when
   * nothing was logged since the last checkpoint.
   */
  async createDue(now = this.clock.now()): Promise<CheckpointView | null> {
    const slot = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    return this.dataSource.transaction(async (tx) => {
      await this.repository.lock(tx);
      if (await this.repository.slotTaken(tx, slot)) return null;
      const head = await this.repository.head(tx);
      if (!head) return null;
      const latest = await this.repository.latest(tx);
      if (latest && latest.seq === head.seq) return null;
      const checkpoint = await this.sign(tx, head, 'scheduled', slot);
      return checkpoint ? toView(checkpoint) : null;
    });
  }

  /**
   * For an unfiltered export: records `event` (the export itself) and signs the head it reaches when
   * the newest checkpoint is older, so the file verifies offline as it comes. The checkpoint lock is
   * taken before the append lock, in the order create() takes them.
   */
  async recordAndSignHead(tx: EntityManager, actor: Actor, event: Parameters<AuditService['record']>[2]): Promise<void> {
    await this.repository.lock(tx);
    await this.audit.record(tx, actor, event);
    const head = (await this.repository.head(tx))!;
    const latest = await this.repository.latest(tx);
    if (!latest || latest.seq < head.seq) await this.sign(tx, head, 'on_demand', null);
  }

  async list(page = 1, pageSize = 100): Promise<CheckpointPage> {
    const { rows, total } = await this.repository.page((page - 1) * pageSize, pageSize);
    return { items: rows.map(toView), total, page, pageSize };
  }

  /** Several instances must share one key: a checkpoint under another key would fail every verification. */
  private async sign(tx: EntityManager, head: { seq: number; hash: string }, kind: CheckpointKind, slot: Date | null): Promise<AuditCheckpoint | undefined> {
    const { keyId } = this.key.publicKey();
    const latest = await this.repository.latest(tx);
    if (latest && latest.keyId !== keyId) {
      throw new DomainError(
        'conflict',
        'AUDIT_SIGNING_KEY_MISMATCH',
        `Earlier checkpoints were signed with key ${latest.keyId}, this instance holds key ${keyId}: give every instance the same AUDIT_SIGNING_KEY`,
      );
    }
    const at = this.clock.now();
    const { signature } = this.key.sign({ seq: head.seq, hash: head.hash, at: at.toISOString() });
    return this.repository.insert(tx, { seq: head.seq, hash: head.hash, at, signature, keyId, kind, slot });
  }
}

function toView(c: AuditCheckpoint): CheckpointView {
  return {
    id: c.id,
    seq: c.seq,
    hash: c.hash,
    at: c.at.toISOString(),
    keyId: c.keyId,
    signature: c.signature,
    kind: c.kind,
    slot: c.slot ? c.slot.toISOString() : null,
  };
}
