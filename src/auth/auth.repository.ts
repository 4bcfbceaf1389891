import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { StaffSessionEntity } from './staff-session.entity.js';

@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSession(tx: EntityManager, session: StaffSessionEntity): Promise<void> {
    await tx.insert(StaffSessionEntity, session);
  }

  findLiveSession(tokenHash: string) {
    return this.dataSource.manager.findOneBy(StaffSessionEntity, { tokenHash, endedAt: IsNull() });
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.dataSource.manager.update(StaffSessionEntity, { id }, { lastSeenAt: at });
  }

  /** A confirmed TOTP set-up lifts the set-up-only restriction from the staff member's sessions. */
  async clearSecondFactorPending(tx: EntityManager, staffId: string): Promise<void> {
    await tx.update(StaffSessionEntity, { staffId, endedAt: IsNull() }, { secondFactorPending: false });
  }

  async endSession(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.update(StaffSessionEntity, { id }, { endedAt: at });
  }

  async recordAttempt(throttleKeys: string[], succeeded: boolean, at: Date): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO login_attempt (throttle_key, succeeded, at) SELECT k, $2, $3 FROM unnest($1::text[]) AS k',
      [throttleKeys, succeeded, at],
    );
  }

  /**
   * Failures inside the window and when the last one was; for an account, only those since its last
   * success (`resetBySuccess`), and whether it has had a success in the window at all.
   */
  async failureStats(throttleKey: string, since: Date, resetBySuccess: boolean): Promise<FailureStats> {
    const rows: { n: string; last: Date | null; succeeded: Date | null }[] = await this.dataSource.query(
      `WITH ok AS (SELECT max(at) AS at FROM login_attempt WHERE throttle_key = $1 AND succeeded AND at >= $2)
       SELECT count(*) AS n, max(a.at) AS last, (SELECT at FROM ok) AS succeeded FROM login_attempt a
        WHERE a.throttle_key = $1 AND NOT a.succeeded AND a.at >= $2
          AND (NOT $3 OR a.at > coalesce((SELECT at FROM ok), '-infinity'))`,
      [throttleKey, since, resetBySuccess],
    );
    return { failures: Number(rows[0].n), lastFailureAt: rows[0].last, succeededBefore: rows[0].succeeded !== null };
  }
}

export interface FailureStats {
  failures: number;
  lastFailureAt: Date | null;
  succeededBefore: boolean;
}
