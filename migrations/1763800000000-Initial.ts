import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation: organisation settings, networks, members, memberships, consent (append-only),
 * consent texts, staff accounts with sessions and API tokens, and the hash-chained audit trail.
 */
export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation_setting (
        id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT organisation_setting_single_row_ck CHECK (id = 1),
        access_request_channels text[] NOT NULL DEFAULT ARRAY['Helpline', 'Sjældne-netværket'],
        default_locale text NOT NULL DEFAULT 'da' CONSTRAINT organisation_setting_locale_ck CHECK (default_locale IN ('da', 'en')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO organisation_setting (id) VALUES (1)`);

    await q.query(`
      CREATE TABLE network (
        id uuid PRIMARY KEY,
        slug text NOT NULL CONSTRAINT network_slug_uq UNIQUE
          CONSTRAINT network_slug_ck CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
        name text NOT NULL CONSTRAINT network_name_ck CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE member (
        id uuid PRIMARY KEY,
        email text NOT NULL CONSTRAINT member_email_lower_ck CHECK (email = lower(email)),
        name text NOT NULL,
        phone text,
        address text,
        postal_code text,
        city text,
        about_me text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX member_email_uq ON member (email)`);
    await q.query(`CREATE INDEX member_name_idx ON member (lower(name))`);

    await q.query(`
      CREATE TABLE membership (
        member_id uuid NOT NULL CONSTRAINT membership_member_id_fkey REFERENCES member (id),
        network_id uuid NOT NULL CONSTRAINT membership_network_id_fkey REFERENCES network (id),
        status text NOT NULL CONSTRAINT membership_status_ck CHECK (status IN ('active', 'paused', 'left')),
        joined_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT membership_pkey PRIMARY KEY (network_id, member_id)
      )`);
    await q.query(`CREATE INDEX membership_member_id_idx ON membership (member_id)`);

    await q.query(`
      CREATE TABLE consent_text (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL CONSTRAINT consent_text_network_id_fkey REFERENCES network (id),
        version integer NOT NULL CONSTRAINT consent_text_version_ck CHECK (version >= 1),
        body text NOT NULL CONSTRAINT consent_text_body_ck CHECK (length(body) BETWEEN 1 AND 20000),
        created_at timestamptz NOT NULL,
        created_by uuid,
        CONSTRAINT consent_text_network_version_uq UNIQUE (network_id, version)
      )`);

    await q.query(`
      CREATE TABLE consent (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT consent_seq_uq UNIQUE,
        member_id uuid NOT NULL CONSTRAINT consent_member_id_fkey REFERENCES member (id),
        network_id uuid NOT NULL CONSTRAINT consent_network_id_fkey REFERENCES network (id),
        kind text NOT NULL CONSTRAINT consent_kind_ck CHECK (kind IN ('grant', 'withdrawal')),
        fields text[] NOT NULL,
        consent_text_id uuid CONSTRAINT consent_consent_text_id_fkey REFERENCES consent_text (id),
        channel text NOT NULL CONSTRAINT consent_channel_ck CHECK (channel IN ('portal', 'phone', 'paper', 'email')),
        recorded_by_type text NOT NULL CONSTRAINT consent_recorded_by_type_ck CHECK (recorded_by_type IN ('staff', 'member', 'system')),
        recorded_by_id uuid,
        note text,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT consent_fields_ck CHECK (
          fields <@ ARRAY['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me']::text[]),
        CONSTRAINT consent_withdrawal_empty_ck CHECK (kind = 'grant' OR cardinality(fields) = 0),
        CONSTRAINT consent_grant_text_ck CHECK (kind = 'withdrawal' OR consent_text_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX consent_member_network_idx ON consent (member_id, network_id, recorded_at DESC, seq DESC)`);

    await q.query(`
      CREATE TABLE staff_account (
        id uuid PRIMARY KEY,
        email text NOT NULL CONSTRAINT staff_account_email_lower_ck CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CONSTRAINT staff_account_role_ck CHECK (role IN ('admin', 'coordinator', 'auditor')),
        disabled_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_account_email_uq ON staff_account (email)`);

    await q.query(`
      CREATE TABLE staff_network (
        staff_id uuid NOT NULL CONSTRAINT staff_network_staff_id_fkey REFERENCES staff_account (id),
        network_id uuid NOT NULL CONSTRAINT staff_network_network_id_fkey REFERENCES network (id),
        CONSTRAINT staff_network_pkey PRIMARY KEY (staff_id, network_id)
      )`);

    await q.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY,
        staff_id uuid NOT NULL CONSTRAINT api_token_staff_id_fkey REFERENCES staff_account (id),
        name text NOT NULL CONSTRAINT api_token_name_ck CHECK (length(name) BETWEEN 1 AND 100),
        token_hash text NOT NULL CONSTRAINT api_token_token_hash_uq UNIQUE,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE staff_session (
        id uuid PRIMARY KEY,
        staff_id uuid NOT NULL CONSTRAINT staff_session_staff_id_fkey REFERENCES staff_account (id),
        token_hash text NOT NULL CONSTRAINT staff_session_token_hash_uq UNIQUE,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);

    // Throttling keys are hashes (of an account id or a client address), never the address itself.
    await q.query(`
      CREATE TABLE login_attempt (
        id bigserial PRIMARY KEY,
        throttle_key text NOT NULL,
        succeeded boolean NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX login_attempt_key_at_idx ON login_attempt (throttle_key, at DESC)`);

    await q.query(`
      CREATE TABLE audit_event (
        seq bigint PRIMARY KEY CONSTRAINT audit_event_seq_ck CHECK (seq >= 1),
        at timestamptz NOT NULL,
        actor_type text NOT NULL CONSTRAINT audit_event_actor_type_ck CHECK (actor_type IN ('staff', 'member', 'system', 'cli')),
        actor_id uuid,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        network_id uuid,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash text NOT NULL CONSTRAINT audit_event_prev_hash_ck CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CONSTRAINT audit_event_hash_uq UNIQUE CONSTRAINT audit_event_hash_ck CHECK (hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX audit_event_at_idx ON audit_event (at)`);
    await q.query(`CREATE INDEX audit_event_subject_idx ON audit_event (subject_type, subject_id)`);
    await q.query(`CREATE INDEX audit_event_network_idx ON audit_event (network_id, seq)`);

    // Append-only tables: the database itself refuses to rewrite history.
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_event', 'consent']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_event', 'consent']) {
      await q.query(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS refuse_change()`);
    for (const table of [
      'audit_event',
      'login_attempt',
      'staff_session',
      'api_token',
      'staff_network',
      'staff_account',
      'consent',
      'consent_text',
      'membership',
      'member',
      'network',
      'organisation_setting',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
