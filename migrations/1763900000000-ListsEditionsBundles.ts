import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact lists, their immutable editions, one bundle per recipient, and the age recipients a
 * member registered. A scheduled slot is unique per list, so several instances publish it once.
 */
export class ListsEditionsBundles1763900000000 implements MigrationInterface {
  name = 'ListsEditionsBundles1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_recipient (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL CONSTRAINT member_recipient_member_id_fkey REFERENCES member (id),
        kind text NOT NULL CONSTRAINT member_recipient_kind_ck CHECK (kind IN ('x25519', 'ssh-ed25519')),
        recipient text NOT NULL,
        fingerprint text NOT NULL,
        source text NOT NULL CONSTRAINT member_recipient_source_ck CHECK (source IN ('registered', 'portal')),
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT member_recipient_member_recipient_uq UNIQUE (member_id, recipient)
      )`);

    await q.query(`
      CREATE TABLE contact_list (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL CONSTRAINT contact_list_network_id_fkey REFERENCES network (id),
        slug text NOT NULL CONSTRAINT contact_list_slug_ck CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
        title text NOT NULL CONSTRAINT contact_list_title_ck CHECK (length(title) BETWEEN 1 AND 200),
        columns text[] NOT NULL CONSTRAINT contact_list_columns_ck CHECK (
          cardinality(columns) >= 1
          AND columns <@ ARRAY['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me']::text[]),
        formats text[] NOT NULL CONSTRAINT contact_list_formats_ck CHECK (
          cardinality(formats) >= 1 AND formats <@ ARRAY['xlsx', 'pdf']::text[]),
        schedule_cron text,
        time_zone text NOT NULL,
        bundle_lifetime_days integer NOT NULL CONSTRAINT contact_list_lifetime_ck CHECK (bundle_lifetime_days BETWEEN 1 AND 365),
        recipients_rule text NOT NULL CONSTRAINT contact_list_recipients_rule_ck CHECK (recipients_rule IN ('listed_members', 'all_active')),
        skip_unchanged boolean NOT NULL,
        requires_approval boolean NOT NULL,
        last_skipped_slot timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT contact_list_network_slug_uq UNIQUE (network_id, slug)
      )`);

    await q.query(`
      CREATE TABLE edition (
        id uuid PRIMARY KEY,
        list_id uuid NOT NULL CONSTRAINT edition_list_id_fkey REFERENCES contact_list (id),
        network_id uuid NOT NULL CONSTRAINT edition_network_id_fkey REFERENCES network (id),
        slot timestamptz,
        state text NOT NULL CONSTRAINT edition_state_ck CHECK (state IN ('awaiting_approval', 'building', 'published', 'revoked')),
        snapshot jsonb NOT NULL,
        content_hash text NOT NULL,
        diff jsonb NOT NULL,
        row_count integer NOT NULL,
        recipient_count integer NOT NULL,
        requested_by_type text NOT NULL CONSTRAINT edition_requested_by_type_ck CHECK (requested_by_type IN ('staff', 'system', 'cli')),
        requested_by_id uuid,
        approved_by_id uuid,
        approved_at timestamptz,
        created_at timestamptz NOT NULL,
        published_at timestamptz,
        CONSTRAINT edition_list_slot_uq UNIQUE (list_id, slot)
      )`);
    await q.query(`CREATE INDEX edition_list_created_idx ON edition (list_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE bundle (
        id uuid PRIMARY KEY,
        edition_id uuid NOT NULL CONSTRAINT bundle_edition_id_fkey REFERENCES edition (id),
        member_id uuid NOT NULL CONSTRAINT bundle_member_id_fkey REFERENCES member (id),
        state text NOT NULL CONSTRAINT bundle_state_ck CHECK (
          state IN ('waiting_for_key', 'pending', 'building', 'ready', 'failed', 'revoked', 'expired')),
        recipients text[] NOT NULL DEFAULT '{}',
        storage_key text,
        size_bytes bigint,
        sha256 text,
        files jsonb,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        claimed_by text,
        claimed_until timestamptz,
        created_at timestamptz NOT NULL,
        built_at timestamptz,
        expires_at timestamptz NOT NULL,
        downloaded_at timestamptz,
        revoked_at timestamptz,
        expired_at timestamptz,
        CONSTRAINT bundle_edition_member_uq UNIQUE (edition_id, member_id)
      )`);
    await q.query(`CREATE INDEX bundle_claimable_idx ON bundle (state, claimed_until) WHERE state IN ('pending', 'building')`);
    await q.query(`CREATE INDEX bundle_member_idx ON bundle (member_id)`);
    await q.query(`CREATE INDEX bundle_expiry_idx ON bundle (expires_at) WHERE state IN ('ready', 'pending', 'waiting_for_key', 'failed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['bundle', 'edition', 'contact_list', 'member_recipient']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
