import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { readBundleZip } from '../support/bundle-zip.js';
import { unique } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startService, startServiceExpectingFailure, type ServiceProcess } from '../support/service-process.js';

const run = promisify(execFile);

/** The service with no DATABASE_URL: PostgreSQL from npm under DATA_DIR, the same migrations and code path. */
let dataDir: string;
let env: Record<string, string>;
let service: ServiceProcess | undefined;
let token: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'lb-emb-'));
  env = { DATA_DIR: dataDir };
});
afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${service!.baseUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });

describe('embedded database', () => {
  it('starts on a fresh DATA_DIR and reports "embedded" on /health', async () => {
    service = await startService(env, 120_000);
    const health = await (await fetch(`${service.baseUrl}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'embedded', migrations: 'up to date' });
  }, 150_000);

  it('lets the command line work on the same database while the server runs', async () => {
    const admin = await runCli(['admin:create', '--email', 'admin@example.org'], env, 'a very good admin password\n');
    expect(admin.code).toBe(0);
    const created = await runCli(['tokens:create', '--email', 'admin@example.org', '--name', 'test'], env);
    expect(created.code).toBe(0);
    token = String(created.json?.token);
    expect(token).toMatch(/^lb_/);
  });

  it('refuses a second server on the same DATA_DIR', async () => {
    const second = await startServiceExpectingFailure({ ...env, PORT: '0' });
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use by another listebud process/);
  });

  it('keeps a network and a member across a restart', async () => {
    const body = JSON.stringify({ slug: `emb-${unique()}`, name: 'Indlejret' });
    const network = (await (await api('/api/v1/networks', { method: 'POST', body })).json()) as { id: string };
    const memberRes = await api(`/api/v1/networks/${network.id}/members`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Åse Østergård', email: 'aase@example.org' }),
    });
    expect(memberRes.status).toBe(201);
    const member = (await memberRes.json()) as { id: string };

    expect(await service!.stop('SIGTERM')).toBe(0);
    expect(readdirSync(dataDir)).not.toContain('listebud.lock');
    service = await startService(env, 120_000);

    const again = await api(`/api/v1/members/${member.id}`);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ name: 'Åse Østergård', email: 'aase@example.org' });
  }, 150_000);

  it('keeps the committed rows of one transaction when an overlapping one rolls back', async () => {
    const connect = async () => {
      const client = new pg.Client({ host: join(dataDir, 'run'), port: 5432, user: 'postgres', database: 'postgres' });
      await client.connect();
      return client;
    };
    const a = await connect();
    const b = await connect();
    try {
      const kept = `keep-${unique()}`;
      const lost = `lost-${unique()}`;
      const insert = `INSERT INTO network (id, slug, name, created_at, updated_at) VALUES (gen_random_uuid(), $1, 'x', now(), now())`;
      await a.query('BEGIN');
      await a.query(insert, [lost]);
      // Two sessions with open transactions at once: b's commit must survive a's rollback.
      const bDone = (async () => {
        await b.query('BEGIN');
        await b.query(insert, [kept]);
        await b.query('COMMIT');
      })();
      await a.query('ROLLBACK');
      await bDone;
      const { rows } = await a.query('SELECT slug FROM network WHERE slug = ANY($1)', [[kept, lost]]);
      expect(rows.map((r) => r.slug)).toEqual([kept]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('lets the command line open the database on its own when no server runs', async () => {
    expect(await service!.stop('SIGTERM')).toBe(0);
    service = undefined;
    const verify = await runCli(['audit:verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true });
    expect(Number(verify.json?.events)).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('runs demo:seed then publish, and the age CLI opens the bundle bundles:get writes', async () => {
    const seeded = await runCli(['demo:seed', '--members', '12', '--networks', '1', '--seed', '7'], env);
    expect(seeded.code).toBe(0);
    const { networks, identityFile } = seeded.json as { networks: string[]; identityFile: string };
    expect(identityFile.startsWith(dataDir)).toBe(true);
    const published = await runCli(['publish', '--network', networks[0]], env);
    expect(published.code).toBe(0);
    expect(published.json).toMatchObject({ editionId: expect.any(String), state: 'published', failed: 0 });
    expect(Number(published.json!.bundles)).toBeGreaterThan(0);
    const shown = await runCli(['editions:show', '--edition', String(published.json!.editionId)], env);
    expect(shown.json).toMatchObject({ id: published.json!.editionId, state: 'published' });

    // demo:seed names a consenting member, who (reciprocity) receives the list.
    const email = String(seeded.json!.exampleMember);
    const out = join(dataDir, 'bundle.age');
    const got = await runCli(['bundles:get', '--edition', String(published.json!.editionId), '--member', email, '--out', out], env);
    expect(got.code).toBe(0);
    const { stdout } = await run('age', ['-d', '-i', identityFile, out], { encoding: 'buffer', maxBuffer: 1 << 28 });
    const files = readBundleZip(stdout);
    expect([...files.keys()].sort()).toEqual(['contact-list.pdf', 'contact-list.xlsx', 'manifest.json']);
  }, 180_000);
});
