import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member portal: access requests (seed flow A), one-time activation and reset tokens, member
 * accounts whose age identity is kept only wrapped under the member's password, server-side member
 * sessions, members' data requests, the e-mail outbox, and optional TOTP for staff and members.
 */
export class MemberPortal1764000000000 implements MigrationInterface {
  name = 'MemberPortal1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_account (
        member_id uuid PRIMARY KEY CONSTRAINT member_account_member_id_fkey REFERENCES member (id),
        password_hash text NOT NULL,
        wrapped_identity bytea NOT NULL,
        recipient_id uuid NOT NULL CONSTRAINT member_account_recipient_id_fkey REFERENCES member_recipient (id),
        locale text NOT NULL CONSTRAINT member_account_locale_ck CHECK (locale IN ('da', 'en')),
        totp_secret text,
        totp_enabled_at timestamptz,
        activated_at timestamptz NOT NULL,
        password_changed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);

    // Only the SHA-256 of a token is stored; the token itself travels once, in the e-mail.
    await q.query(`
      CREATE TABLE account_token (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL CONSTRAINT account_token_member_id_fkey REFERENCES member (id),
        purpose text NOT NULL CONSTRAINT account_token_purpose_ck CHECK (purpose IN ('activation', 'password_reset')),
        token_hash text NOT NULL CONSTRAINT account_token_token_hash_uq UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX account_token_member_idx ON account_token (member_id, purpose)`);

    // sealed_identity is the member's age identity encrypted under a key that lives only in the
    // session cookie: the database alone opens no bundle.
    await q.query(`
      CREATE TABLE member_session (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL CONSTRAINT member_session_member_id_fkey REFERENCES member (id),
        token_hash text NOT NULL CONSTRAINT member_session_token_hash_uq UNIQUE,
        sealed_identity bytea NOT NULL,
        second_factor_pending boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await q.query(`CREATE INDEX member_session_member_idx ON member_session (member_id) WHERE ended_at IS NULL`);

    await q.query(`
      CREATE TABLE access_request (
        id uuid PRIMARY KEY,
        channel text NOT NULL CONSTRAINT access_request_channel_ck CHECK (length(channel) BETWEEN 1 AND 100),
        name text NOT NULL CONSTRAINT access_request_name_ck CHECK (length(name) BETWEEN 1 AND 200),
        email text NOT NULL CONSTRAINT access_request_email_lower_ck CHECK (email = lower(email)),
        locale text NOT NULL CONSTRAINT access_request_locale_ck CHECK (locale IN ('da', 'en')),
        state text NOT NULL CONSTRAINT access_request_state_ck CHECK (state IN ('pending', 'approved', 'rejected')),
        member_id uuid CONSTRAINT access_request_member_id_fkey REFERENCES member (id),
        source_key text NOT NULL,
        created_at timestamptz NOT NULL,
        decided_at timestamptz,
        decided_by uuid CONSTRAINT access_request_decided_by_fkey REFERENCES staff_account (id)
      )`);
    await q.query(`CREATE INDEX access_request_state_idx ON access_request (state, created_at)`);
    await q.query(`CREATE INDEX access_request_source_idx ON access_request (source_key, created_at)`);

    await q.query(`
      CREATE TABLE data_request (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL CONSTRAINT data_request_member_id_fkey REFERENCES member (id),
        kind text NOT NULL CONSTRAINT data_request_kind_ck CHECK (kind IN ('erasure')),
        state text NOT NULL CONSTRAINT data_request_state_ck CHECK (state IN ('open', 'done', 'rejected')),
        created_at timestamptz NOT NULL,
        closed_at timestamptz,
        closed_by uuid
      )`);
    await q.query(`CREATE UNIQUE INDEX data_request_open_uq ON data_request (member_id, kind) WHERE state = 'open'`);

    // The outbox: a mail is a row written with what caused it, sent later by a worker. Subject and
    // bodies are cleared once sent, so an activation link does not outlive its delivery here.
    await q.query(`
      CREATE TABLE outbox_mail (
        id uuid PRIMARY KEY,
        message_id text NOT NULL CONSTRAINT outbox_mail_message_id_uq UNIQUE,
        kind text NOT NULL CONSTRAINT outbox_mail_kind_ck CHECK (kind IN ('activation', 'password_reset', 'bundle_notice', 'login_lockout')),
        to_address text NOT NULL,
        member_id uuid,
        bundle_id uuid CONSTRAINT outbox_mail_bundle_uq UNIQUE,
        locale text NOT NULL CONSTRAINT outbox_mail_locale_ck CHECK (locale IN ('da', 'en')),
        subject text,
        text_body text,
        html_body text,
        state text NOT NULL CONSTRAINT outbox_mail_state_ck CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        claimed_by text,
        claimed_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        failed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_mail_due_idx ON outbox_mail (next_attempt_at) WHERE state IN ('pending', 'sending')`);
    await q.query(`CREATE INDEX outbox_mail_member_idx ON outbox_mail (member_id)`);

    await q.query(`ALTER TABLE staff_account ADD COLUMN totp_secret text, ADD COLUMN totp_enabled_at timestamptz`);
    await q.query(`ALTER TABLE staff_session ADD COLUMN second_factor_pending boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_session DROP COLUMN IF EXISTS second_factor_pending`);
    await q.query(`ALTER TABLE staff_account DROP COLUMN IF EXISTS totp_enabled_at, DROP COLUMN IF EXISTS totp_secret`);
    for (const table of ['outbox_mail', 'data_request', 'access_request', 'member_session', 'account_token', 'member_account']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
