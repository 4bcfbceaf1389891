import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit log: the head (sequence number, hash, time) signed with the
 * service's Ed25519 key, append-only like the log itself. A scheduled checkpoint holds its hour in
 * `slot`, unique, so several instances make one per hour. No foreign key to audit_event: it would
 * make TRUNCATE fail on the key before the append-only trigger speaks (and events are never
 * deleted anyway); verification compares each checkpoint with its event. Also an index for the auditors' filter
 * "events about this member" (subject or `detail.memberId`).
 */
export class AuditCheckpoints1764150000000 implements MigrationInterface {
  name = 'AuditCheckpoints1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoint (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_checkpoint_pkey PRIMARY KEY,
        seq bigint NOT NULL CONSTRAINT audit_checkpoint_seq_ck CHECK (seq >= 1),
        hash text NOT NULL CONSTRAINT audit_checkpoint_hash_ck CHECK (hash ~ '^[0-9a-f]{64}$'),
        at timestamptz NOT NULL,
        signature text NOT NULL,
        key_id text NOT NULL,
        kind text NOT NULL CONSTRAINT audit_checkpoint_kind_ck CHECK (kind IN ('scheduled', 'on_demand')),
        slot timestamptz CONSTRAINT audit_checkpoint_slot_uq UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_checkpoint_slot_ck CHECK ((kind = 'scheduled') = (slot IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX audit_checkpoint_seq_idx ON audit_checkpoint (seq)`);
    await q.query(`CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await q.query(`CREATE INDEX audit_event_detail_member_idx ON audit_event ((detail ->> 'memberId'), seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_event_detail_member_idx`);
    await q.query(`DROP TABLE IF EXISTS audit_checkpoint`);
  }
}
