import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rejected access request is answered by a notice-only mail: one more outbox kind. And the Danish
 * order for names ("Ł" with L, "Ø" and "Å" after "Z", "Aa" as "Å"), the same as Intl.Collator('da')
 * that sorts the PDF: an ICU collation created here, so the server's and the embedded PostgreSQL
 * (both built with ICU) sort alike whatever their system locales are.
 */
export class RejectionNoticeDanishOrder1765800000000 implements MigrationInterface {
  name = 'RejectionNoticeDanishOrder1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout', 'access_request_receipt',
                        'access_request_rejected'))`);
    await q.query(`CREATE COLLATION IF NOT EXISTS listebud_da (provider = icu, locale = 'da-DK')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP COLLATION IF EXISTS listebud_da`);
    await q.query(`DELETE FROM outbox_mail WHERE kind = 'access_request_rejected'`);
    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout', 'access_request_receipt'))`);
  }
}
