import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../support/run-cli.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { urlForDatabase, withAdminClient } from '../support/test-database.js';

const run = promisify(execFile);

/**
 * README "Moving to a PostgreSQL server", done once: pg_dump of the embedded database over its
 * socket, pg_restore into an empty database on the server, DATABASE_URL set, the data read back.
 */
let dataDir: string;
let service: ServiceProcess | undefined;
const target = `listebud_test_${process.env.LISTEBUD_TEST_RUN ?? 'local'}_moved_${Date.now().toString(36)}`;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'lb-move-'));
});
afterAll(async () => {
  await service?.stop('SIGKILL');
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('moving an embedded installation to a PostgreSQL server', () => {
  it('dumps the embedded database, restores it on the server, and the service reads it back there', async () => {
    const embedded = { DATA_DIR: dataDir };
    expect((await runCli(['admin:create', '--email', 'admin@example.org'], embedded, 'a very good admin password\n')).code).toBe(0);
    const token = String((await runCli(['tokens:create', '--email', 'admin@example.org', '--name', 'move'], embedded)).json?.token);
    const seeded = await runCli(['demo:seed', '--members', '12', '--networks', '2', '--seed', '3'], embedded);
    expect(seeded.code).toBe(0);

    service = await startService(embedded, 120_000);
    const before = await (await fetch(`${service.baseUrl}/api/v1/networks`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(before).toHaveLength(2);
    expect((await runCli(['audit:checkpoint'], embedded)).code).toBe(0);
    const dump = join(dataDir, 'listebud.dump');
    // The commands of the README, with the Debian pg_dump (the npm package ships no client tools).
    await run('pg_dump', ['--host', join(dataDir, 'run'), '--username', 'postgres', '--format', 'custom', '--file', dump, 'postgres']);
    expect(await service.stop('SIGTERM')).toBe(0);
    service = undefined;

    await withAdminClient((c) => c.query(`CREATE DATABASE ${target}`));
    const url = urlForDatabase(target);
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--dbname', url, dump]);

    // The README's step 3: the installation's own secrets come along (a server database requires them).
    const server = {
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      SESSION_SECRET: readFileSync(join(dataDir, 'session-secret'), 'utf8').trim(),
      AUDIT_SIGNING_KEY: join(dataDir, 'keys', 'audit-signing.pem'),
    };
    service = await startService(server, 120_000);
    const health = await (await fetch(`${service.baseUrl}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'postgres', migrations: 'up to date' });
    const after = await (await fetch(`${service.baseUrl}/api/v1/networks`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(after).toEqual(before);
    // The audit chain and its signatures came along intact, and the same key signs on.
    const verified = await runCli(['audit:verify'], server);
    expect(verified.json).toMatchObject({ ok: true });
    expect(Number(verified.json?.events)).toBeGreaterThan(10);
    // A new checkpoint after the move is signed with the key of the earlier ones (another key is refused).
    expect((await runCli(['audit:checkpoint'], server)).code).toBe(0);
  }, 300_000);
});
