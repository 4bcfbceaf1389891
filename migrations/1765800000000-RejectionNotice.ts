import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A rejected access request is answered by a notice-only mail: one more outbox kind. */
export class RejectionNotice1765800000000 implements MigrationInterface {
  name = 'RejectionNotice1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout', 'access_request_receipt', 'access_request_rejected'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbox_mail WHERE kind = 'access_request_rejected'`);
    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout', 'access_request_receipt'))`);
  }
}
