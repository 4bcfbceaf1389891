import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `edition.correction_edition_id`: the corrected edition whose publication settles this edition's
 * correction flag. Set only on editions whose bundles were retired for that correction (by the
 * erasure that created it, or by "publish a corrected edition"), so a correction never settles an
 * edition whose copies are still out there.
 *
 * `member.same_address_as`: a coordinator added a person with an e-mail address that already
 * belongs to a member of a network they cannot see. Telling them so would reveal that person's
 * membership (health data), so the new record is created as for a fresh address and remembers the
 * existing member for an administrator to link. The address stays unique among the other records,
 * so the portal login by e-mail finds that member's account first.
 */
export class PrivacyCopies1765200000000 implements MigrationInterface {
  name = 'PrivacyCopies1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE edition ADD COLUMN correction_edition_id uuid CONSTRAINT edition_correction_edition_fk REFERENCES edition (id)`,
    );
    await q.query(`CREATE INDEX edition_correction_edition_idx ON edition (correction_edition_id) WHERE correction_edition_id IS NOT NULL`);
    // Supersession looks up a recipient's older bundles of one list.
    await q.query(`CREATE INDEX bundle_member_live_idx ON bundle (member_id, edition_id) WHERE state NOT IN ('revoked', 'expired')`);
    await q.query(`ALTER TABLE member ADD COLUMN same_address_as uuid CONSTRAINT member_same_address_as_fk REFERENCES member (id)`);
    await q.query(`DROP INDEX member_email_uq`);
    await q.query(`CREATE UNIQUE INDEX member_email_uq ON member (email) WHERE same_address_as IS NULL`);
    await q.query(`CREATE INDEX member_email_idx ON member (email)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS member_email_idx`);
    await q.query(`DROP INDEX IF EXISTS member_email_uq`);
    // Fails while linked records still share an address: an administrator links them first.
    await q.query(`CREATE UNIQUE INDEX member_email_uq ON member (email)`);
    await q.query(`ALTER TABLE member DROP COLUMN IF EXISTS same_address_as`);
    await q.query(`DROP INDEX IF EXISTS bundle_member_live_idx`);
    await q.query(`DROP INDEX IF EXISTS edition_correction_edition_idx`);
    await q.query(`ALTER TABLE edition DROP COLUMN IF EXISTS correction_edition_id`);
  }
}
