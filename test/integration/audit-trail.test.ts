import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertMember, insertNetwork } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  const network = await insertNetwork(t.app);
  for (let i = 0; i < 3; i++) await insertMember(t.app, network.id);
});
afterAll(() => t.close());

describe('audit trail', () => {
  it('chains every event to the one before it, starting from the genesis hash', async () => {
    const rows: { seq: string; prev_hash: string; hash: string }[] = await t.dataSource.query(
      'SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq',
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows[0].prev_hash).toBe('0'.repeat(64));
    rows.forEach((row, i) => {
      expect(Number(row.seq)).toBe(i + 1);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1].hash);
    });
  });

  it('never stores contact data in an event', async () => {
    const members: { name: string; email: string }[] = await t.dataSource.query('SELECT name, email FROM member');
    const events = JSON.stringify(await t.dataSource.query('SELECT * FROM audit_event'));
    for (const m of members) {
      expect(events).not.toContain(m.email);
      expect(events).not.toContain(m.name);
    }
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
    await expect(t.dataSource.query(`UPDATE audit_event SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_event WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_event');
    expect(n).toBeGreaterThanOrEqual(4);
  });

  it('verifies with audit:verify while the chain holds', async () => {
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_event');
    const result = await runCli(['audit:verify'], env);
    expect(result.code).toBe(0);
    expect(result.json).toEqual({ ok: true, events: n, checkpoints: 0 });
  });

  it('makes audit:verify exit 1 naming the first bad event after an out-of-band edit', async () => {
    // A superuser can switch the trigger off; the hash chain still gives the edit away.
    await t.dataSource.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
    await t.dataSource.query(`UPDATE audit_event SET detail = '{"fields":["forged"]}' WHERE seq = 3`);
    await t.dataSource.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only');
    const result = await runCli(['audit:verify'], env);
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
