import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR rights. `member.erased_at`: the member was erased (art. 17); the row stays, holding only its
 * id as the pseudonym the audit log and the editions refer to. `edition.correction_needed_since`:
 * the edition listed a member who was erased since, and its recipients still hold the old copy
 * (art. 19) until a corrected edition goes out. `edition.contact_values_purged_at`: retention
 * removed the contact values from the snapshot (member ids, counts and the content hash stay).
 */
export class GdprRights1764200000000 implements MigrationInterface {
  name = 'GdprRights1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member ADD COLUMN erased_at timestamptz`);
    await q.query(`ALTER TABLE edition ADD COLUMN correction_needed_since timestamptz, ADD COLUMN contact_values_purged_at timestamptz`);
    await q.query(`CREATE INDEX edition_correction_needed_idx ON edition (network_id, correction_needed_since) WHERE correction_needed_since IS NOT NULL`);
    // Retention looks for old editions that still hold contact values.
    await q.query(`CREATE INDEX edition_retention_idx ON edition (created_at) WHERE contact_values_purged_at IS NULL`);
    await q.query(`CREATE INDEX access_request_created_idx ON access_request (created_at)`);
    await q.query(`CREATE INDEX data_request_state_idx ON data_request (state, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS data_request_state_idx`);
    await q.query(`DROP INDEX IF EXISTS access_request_created_idx`);
    await q.query(`DROP INDEX IF EXISTS edition_retention_idx`);
    await q.query(`DROP INDEX IF EXISTS edition_correction_needed_idx`);
    await q.query(`ALTER TABLE edition DROP COLUMN IF EXISTS contact_values_purged_at, DROP COLUMN IF EXISTS correction_needed_since`);
    await q.query(`ALTER TABLE member DROP COLUMN IF EXISTS erased_at`);
  }
}
