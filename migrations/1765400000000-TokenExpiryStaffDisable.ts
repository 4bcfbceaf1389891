import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `api_token.expires_at`: tokens no longer live for ever (default 90 days from creation). Tokens made
 * before this migration get 90 days from now, so no script stops the moment it runs.
 * `staff_session.second_factor_passed`: the session's login included the TOTP code; an account with
 * two-step login may create API tokens only from such a session.
 */
export class TokenExpiryStaffDisable1765400000000 implements MigrationInterface {
  name = 'TokenExpiryStaffDisable1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_token ADD COLUMN expires_at timestamptz`);
    await q.query(`UPDATE api_token SET expires_at = greatest(now(), created_at) + interval '90 days'`);
    await q.query(`ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL`);
    await q.query(`CREATE INDEX api_token_staff_idx ON api_token (staff_id, created_at)`);
    await q.query(`ALTER TABLE staff_session ADD COLUMN second_factor_passed boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_session DROP COLUMN IF EXISTS second_factor_passed`);
    await q.query(`DROP INDEX IF EXISTS api_token_staff_idx`);
    await q.query(`ALTER TABLE api_token DROP COLUMN IF EXISTS expires_at`);
  }
}
