import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Any fixed 64-bit number: one mailbox reader at a time across instances. */
const READER_LOCK_KEY = 5_117_300_219;

export type ProcessedOutcome = 'request' | 'skipped' | 'no_name' | 'throttled';
export type MailboxState = 'ok' | 'unreachable';

/** The reader's lease: a session-level advisory lock on a connection of its own. */
export interface ReaderLease {
  /** False once the connection that held the lock is gone (then another instance may read). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

@Injectable()
export class MailIntakeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The lease, or null while another instance reads the mailbox. */
  async tryLease(): Promise<ReaderLease | null> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: { locked: boolean }[] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [READER_LOCK_KEY]);
      if (!locked) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    return {
      stillHeld: async () => {
        try {
          const rows: unknown[] = await runner.query(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = $1",
            [READER_LOCK_KEY % 2 ** 32],
          );
          return rows.length > 0;
        } catch {
          return false;
        }
      },
      release: async () => {
        try {
          await runner.query('SELECT pg_advisory_unlock($1)', [READER_LOCK_KEY]);
        } catch {
          // The connection is gone, and the lock with it.
        } finally {
          await runner.release();
        }
      },
    };
  }

  /** The outcomes already recorded for these mail keys. */
  async outcomes(keys: string[]): Promise<Map<string, ProcessedOutcome>> {
    if (!keys.length) return new Map();
    const rows: { mail_key: string; outcome: ProcessedOutcome }[] = await this.dataSource.query(
      'SELECT mail_key, outcome FROM mail_intake_processed WHERE mail_key = ANY($1)',
      [keys],
    );
    return new Map(rows.map((r) => [r.mail_key, r.outcome]));
  }

  /** Claims a mail as handled in the caller's transaction; false when it already was. */
  async markProcessed(tx: EntityManager, key: string, outcome: ProcessedOutcome, requestId: string | null, at: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO mail_intake_processed (mail_key, outcome, access_request_id, processed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (mail_key) DO NOTHING RETURNING mail_key`,
      [key, outcome, requestId, at],
    );
    return rows.length === 1;
  }

  async setRequest(tx: EntityManager, key: string, accessRequestId: string): Promise<void> {
    await tx.query('UPDATE mail_intake_processed SET access_request_id = $2 WHERE mail_key = $1', [key, accessRequestId]);
  }

  async recordStatus(state: MailboxState, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO mail_intake_status (id, state, checked_at) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, checked_at = EXCLUDED.checked_at`,
      [state, at],
    );
  }

  async status(): Promise<{ state: MailboxState; checkedAt: Date } | null> {
    const rows: { state: MailboxState; checked_at: Date }[] = await this.dataSource.query(
      'SELECT state, checked_at FROM mail_intake_status WHERE id = 1',
    );
    return rows[0] ? { state: rows[0].state, checkedAt: rows[0].checked_at } : null;
  }
}
