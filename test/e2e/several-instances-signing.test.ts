import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { startService, startServiceExpectingFailure, type ServiceProcess } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_SESSION_SECRET } from '../support/test-app.js';

let database: TestDatabase;
const dirs: string[] = [];
const instances: ServiceProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await database?.drop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lb-${name}-`));
  dirs.push(dir);
  return dir;
}

describe('several instances on one database', () => {
  it('refuses to start without the per-installation secrets, naming every missing key', async () => {
    const { code, output } = await startServiceExpectingFailure({ DATABASE_URL: database.url, DATA_DIR: await dataDir('bare') });
    expect(code).toBe(1);
    expect(output).toMatch(/SESSION_SECRET: is required when DATABASE_URL is set/);
    expect(output).toMatch(/AUDIT_SIGNING_KEY: is required when DATABASE_URL is set/);
  });

  it('both sign checkpoints that verify, each with its own empty DATA_DIR, as docker compose runs them', async () => {
    // Like app1 and app2 in docker-compose.yml: one database, the secrets from configuration, nothing shared on disk.
    const env = { DATABASE_URL: database.url, SESSION_SECRET: TEST_SESSION_SECRET };
    const cli = { ...env, DATA_DIR: await dataDir('cli') };
    await runCli(['admin:create', '--email', 'admin@instances.example.org'], cli, 'several instances share one key\n');
    const { json: token } = await runCli(['tokens:create', '--email', 'admin@instances.example.org', '--name', 'test'], cli);
    for (const name of ['app1', 'app2']) instances.push(await startService({ ...env, DATA_DIR: await dataDir(name) }));
    for (const instance of instances) {
      const res = await fetch(`${instance.baseUrl}/api/v1/audit/checkpoints`, { method: 'POST', headers: { Authorization: `Bearer ${String(token!.token)}` } });
      expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 201, body: { kind: 'on_demand' } });
    }
    const live = await runCli(['audit:verify'], cli);
    expect(live.json).toMatchObject({ ok: true, checkpoints: 2 });

    const key = await runCli(['audit:public-key'], cli);
    const keyFile = join(cli.DATA_DIR, 'public.pem');
    await writeFile(keyFile, String(key.json!.publicKeyPem));
    const out = join(cli.DATA_DIR, 'export.jsonl');
    await runCli(['audit:export', '--format', 'jsonl', '--out', out], cli);
    const offline = await runCli(['audit:verify', '--file', out, '--public-key', keyFile], {});
    expect(offline.json).toMatchObject({ ok: true, checkpoints: 3 });
  });
});
