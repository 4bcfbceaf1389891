import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The time step of the last TOTP code each staff account used, so that a code opens one login only.
 * Kept beside the accounts table rather than in its entity: only two-step login reads it.
 */
@Injectable()
export class StaffTotpSteps {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async last(staffId: string): Promise<number | null> {
    const rows: { step: string | null }[] = await this.dataSource.query(`SELECT totp_last_step AS step FROM staff_account WHERE id = $1`, [staffId]);
    return rows[0]?.step === null || rows[0]?.step === undefined ? null : Number(rows[0].step);
  }

  /** Records the step unless a code of this or a later step was used already (two logins racing: one wins). */
  async consume(staffId: string, step: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE staff_account SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [staffId, step],
    );
    return rows.length === 1;
  }

  /** A new secret starts a new series of codes. */
  async forget(tx: EntityManager, staffId: string): Promise<void> {
    await tx.query(`UPDATE staff_account SET totp_last_step = NULL WHERE id = $1`, [staffId]);
  }
}
