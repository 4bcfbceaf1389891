import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
  dir = await mkdtemp(join(tmpdir(), 'lb-first-export-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an auditor's first export", () => {
  it('verifies offline as it comes after demo:seed: the export signs a checkpoint of the head it exports', async () => {
    expect((await runCli(['demo:seed', '--members', '12', '--networks', '2', '--seed', '3'], env)).code).toBe(0);
    const [{ n: before }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoint');
    expect(before).toBe(0);

    const key = await runCli(['audit:public-key'], env);
    const keyFile = join(dir, 'audit-public-key.pem');
    await writeFile(keyFile, String(key.json!.publicKeyPem));
    const out = join(dir, 'first.jsonl');
    const exported = await runCli(['audit:export', '--format', 'jsonl', '--out', out], env);
    expect(exported.code).toBe(0);
    expect(exported.json).toMatchObject({ filtered: false, checkpoints: 1 });

    const verified = await runCli(['audit:verify', '--file', out, '--public-key', keyFile], {});
    expect(verified.json).toEqual({ ok: true, events: exported.json!.events, checkpoints: 1 });
    expect(verified.code).toBe(0);

    // A second export right after signs only what is new since: the export event itself.
    const again = await runCli(['audit:export', '--format', 'jsonl', '--out', join(dir, 'second.jsonl')], env);
    expect(again.json).toMatchObject({ checkpoints: 2, toSeq: (exported.json!.toSeq as number) + 1 });
    // A filtered export and a CSV export sign nothing: neither can be verified offline.
    await runCli(['audit:export', '--format', 'csv', '--out', join(dir, 'all.csv')], env);
    await runCli(['audit:export', '--format', 'jsonl', '--action', 'member.created', '--out', join(dir, 'some.jsonl')], env);
    const [{ n: after }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoint');
    expect(after).toBe(2);
  }, 180_000);
});
