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

  /** Failures inside the window; for an account, only those since its last successful login. */
  async recentFailures(throttleKey: string, since: Date, resetBySuccess: boolean): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM login_attempt
        WHERE throttle_key = $1 AND NOT succeeded AND at >= $2
          AND (NOT $3 OR at > coalesce((SELECT max(at) FROM login_attempt WHERE throttle_key = $1 AND succeeded), '-infinity'))`,
      [throttleKey, since, resetBySuccess],
    );
    return Number(rows[0].n);
  }
}
