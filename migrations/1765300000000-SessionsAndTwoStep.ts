import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions, forms and two-step login (issue 12, items 6, 7 and 16).
 * - `totp_last_step`: the 30-second step of the last code accepted for the account, so each code
 *   opens one login only (RFC 6238 §5.2).
 * - `member_session.sealed_identity` may be NULL: an ended session keeps no sealed identity.
 * - `password_reset_request`: a "forgotten password" form only queues its request (the same work for
 *   known and unknown addresses); a worker looks the address up. The address is kept sealed until
 *   then and as a keyed hash for the limits; the request's address is a keyed hash too.
 */
export class SessionsAndTwoStep1765300000000 implements MigrationInterface {
  name = 'SessionsAndTwoStep1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member_account ADD COLUMN totp_last_step bigint`);
    await q.query(`ALTER TABLE staff_account ADD COLUMN totp_last_step bigint`);
    await q.query(`ALTER TABLE member_session ALTER COLUMN sealed_identity DROP NOT NULL`);
    await q.query(`UPDATE member_session SET sealed_identity = NULL WHERE ended_at IS NOT NULL`);
    await q.query(`CREATE INDEX member_session_live_idx ON member_session (last_seen_at) WHERE sealed_identity IS NOT NULL`);
    await q.query(`
      CREATE TABLE password_reset_request (
        id uuid PRIMARY KEY,
        email_key text NOT NULL,
        address_key text NOT NULL,
        sealed_email bytea,
        locale text NOT NULL,
        created_at timestamptz NOT NULL,
        processed_at timestamptz,
        CONSTRAINT password_reset_request_locale_ck CHECK (locale IN ('da', 'en'))
      )`);
    await q.query(`CREATE INDEX password_reset_request_due_idx ON password_reset_request (created_at) WHERE processed_at IS NULL`);
    await q.query(`CREATE INDEX password_reset_request_address_idx ON password_reset_request (address_key, created_at)`);
    await q.query(`CREATE INDEX password_reset_request_email_idx ON password_reset_request (email_key, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS password_reset_request`);
    await q.query(`DROP INDEX IF EXISTS member_session_live_idx`);
    await q.query(`DELETE FROM member_session WHERE sealed_identity IS NULL`);
    await q.query(`ALTER TABLE member_session ALTER COLUMN sealed_identity SET NOT NULL`);
    await q.query(`ALTER TABLE staff_account DROP COLUMN IF EXISTS totp_last_step`);
    await q.query(`ALTER TABLE member_account DROP COLUMN IF EXISTS totp_last_step`);
  }
}
