import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Any fixed 64-bit number (not the append lock's): one checkpoint is made at a time. */
const CHECKPOINT_LOCK_KEY = 4_801_230_773;

export type CheckpointKind = 'scheduled' | 'on_demand';

/** A signed statement "the log's head was (seq, hash) at `at`". */
export interface AuditCheckpoint {
  id: number;
  seq: number;
  hash: string;
  at: Date;
  /** Ed25519 signature of the canonical { at, hash, seq }, base64. */
  signature: string;
  keyId: string;
  kind: CheckpointKind;
  /** The hour a scheduled checkpoint stands for (unique); null for one made on demand. */
  slot: Date | null;
  createdAt: Date;
}

interface CheckpointRow {
  id: string;
  seq: string;
  hash: string;
  at: Date;
  signature: string;
  key_id: string;
  kind: CheckpointKind;
  slot: Date | null;
  created_at: Date;
}

const toCheckpoint = (r: CheckpointRow): AuditCheckpoint => ({
  id: Number(r.id),
  seq: Number(r.seq),
  hash: r.hash,
  at: r.at,
  signature: r.signature,
  keyId: r.key_id,
  kind: r.kind,
  slot: r.slot,
  createdAt: r.created_at,
});

/** All SQL of audit checkpoints. The table refuses UPDATE, DELETE and TRUNCATE. */
@Injectable()
export class AuditCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Serialises checkpoint creation across instances for the rest of the transaction. */
  async lock(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK_KEY]);
  }

  /** The newest committed event: what a checkpoint signs. */
  async head(tx: EntityManager): Promise<{ seq: number; hash: string } | undefined> {
    const rows: { seq: string; hash: string }[] = await tx.query('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  async latest(tx?: EntityManager): Promise<AuditCheckpoint | undefined> {
    const rows: CheckpointRow[] = await (tx ?? this.dataSource).query('SELECT * FROM audit_checkpoint ORDER BY id DESC LIMIT 1');
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  async slotTaken(tx: EntityManager, slot: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM audit_checkpoint WHERE slot = $1', [slot]);
    return rows.length > 0;
  }

  /** Answers undefined when another instance took the slot first. */
  async insert(tx: EntityManager, c: Omit<AuditCheckpoint, 'id' | 'createdAt'>): Promise<AuditCheckpoint | undefined> {
    const rows: CheckpointRow[] = await tx.query(
      `INSERT INTO audit_checkpoint (seq, hash, at, signature, key_id, kind, slot) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ON CONSTRAINT audit_checkpoint_slot_uq DO NOTHING RETURNING *`,
      [c.seq, c.hash, c.at, c.signature, c.keyId, c.kind, c.slot],
    );
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  /** Newest first. */
  async page(offset: number, limit: number): Promise<{ rows: AuditCheckpoint[]; total: number }> {
    const rows: CheckpointRow[] = await this.dataSource.query('SELECT * FROM audit_checkpoint ORDER BY id DESC OFFSET $1 LIMIT $2', [offset, limit]);
    return { rows: rows.map(toCheckpoint), total: await this.count() };
  }

  /** Checkpoints covering events in (afterSeq, uptoSeq], in the order an export lists them. */
  async covering(afterSeq: number, uptoSeq: number): Promise<AuditCheckpoint[]> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      'SELECT * FROM audit_checkpoint WHERE seq > $1 AND seq <= $2 ORDER BY seq, id',
      [afterSeq, uptoSeq],
    );
    return rows.map(toCheckpoint);
  }

  /** In id order after `afterId`, each with the hash its event holds now (null if the event is gone). */
  async batchWithEventHash(afterId: number, limit: number): Promise<(AuditCheckpoint & { eventHash: string | null })[]> {
    const rows: (CheckpointRow & { event_hash: string | null })[] = await this.dataSource.query(
      `SELECT c.*, e.hash AS event_hash FROM audit_checkpoint c LEFT JOIN audit_event e ON e.seq = c.seq
       WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({ ...toCheckpoint(r), eventHash: r.event_hash }));
  }

  async count(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoint');
    return n;
  }
}
