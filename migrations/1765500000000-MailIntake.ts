import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access requests by e-mail (seed flow A, step 1), read from the organisation's mailbox over IMAP.
 * `access_request.source`: how the request came (web form, e-mail, registered by staff after a
 * phone call). `access_request_attempt`: every accepted request or refresh, by keyed hash of where
 * it came from, so the per-address limit also counts refreshes of one pending request.
 * `organisation_setting.access_request_mail`: per channel, the address people write to and the
 * subject phrases that make a mail a request. `mail_intake_processed`: mails already handled, by a
 * hash of their Message-ID (or folder, UIDVALIDITY and UID), written in the request's transaction,
 * so a mail cut off before it was moved becomes no second request. `mail_intake_status`: the
 * reader's last connection outcome, for /health on every instance.
 */
export class MailIntake1765500000000 implements MigrationInterface {
  name = 'MailIntake1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE access_request
        ADD COLUMN source text NOT NULL DEFAULT 'web' CONSTRAINT access_request_source_ck CHECK (source IN ('web', 'email', 'phone')),
        ADD COLUMN refreshed_at timestamptz`);
    await q.query(`CREATE INDEX access_request_pending_email_idx ON access_request (email, channel) WHERE state = 'pending'`);
    await q.query(`
      CREATE TABLE access_request_attempt (
        source_key text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX access_request_attempt_idx ON access_request_attempt (source_key, at)`);
    // Attempts older than a day count for nothing; each new attempt deletes them.
    await q.query(`CREATE INDEX access_request_attempt_at_idx ON access_request_attempt (at)`);
    // Requests made before this migration still count towards the hour they were made in.
    await q.query(`
      INSERT INTO access_request_attempt (source_key, at)
      SELECT source_key, created_at FROM access_request WHERE created_at > now() - interval '1 day'`);

    await q.query(`
      ALTER TABLE organisation_setting ADD COLUMN access_request_mail jsonb NOT NULL DEFAULT '{
        "Helpline": {"address": "helpline@sjaeldnediagnoser.dk", "subjects": ["Anmodning om sikker mail med Helpline"]},
        "Sjældne-netværket": {"address": "netvaerket@sjaeldnediagnoser.dk", "subjects": ["Anmodning om sikker mail med Sjældne-netværket"]}
      }'::jsonb`);

    await q.query(`
      CREATE TABLE mail_intake_processed (
        mail_key text PRIMARY KEY,
        outcome text NOT NULL CONSTRAINT mail_intake_processed_outcome_ck CHECK (outcome IN ('request', 'skipped', 'no_name', 'throttled')),
        access_request_id uuid,
        processed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE mail_intake_status (
        id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT mail_intake_status_single_row_ck CHECK (id = 1),
        state text NOT NULL CONSTRAINT mail_intake_status_state_ck CHECK (state IN ('ok', 'unreachable')),
        checked_at timestamptz NOT NULL
      )`);

    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout', 'access_request_receipt'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbox_mail WHERE kind = 'access_request_receipt'`);
    await q.query(`ALTER TABLE outbox_mail DROP CONSTRAINT outbox_mail_kind_ck`);
    await q.query(`
      ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_kind_ck
        CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout'))`);
    await q.query(`DROP TABLE IF EXISTS mail_intake_status`);
    await q.query(`DROP TABLE IF EXISTS mail_intake_processed`);
    await q.query(`ALTER TABLE organisation_setting DROP COLUMN IF EXISTS access_request_mail`);
    await q.query(`DROP TABLE IF EXISTS access_request_attempt`);
    await q.query(`DROP INDEX IF EXISTS access_request_pending_email_idx`);
    await q.query(`ALTER TABLE access_request DROP COLUMN IF EXISTS refreshed_at, DROP COLUMN IF EXISTS source`);
  }
}
