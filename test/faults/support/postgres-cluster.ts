import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TEST_SERVER_URL } from '../../support/test-database.js';
import { sleep } from './fault-world.js';

const run = promisify(execFile);

/**
 * Restarts the local PostgreSQL cluster the suite uses (Debian's pg_ctlcluster, fast shutdown: every
 * connection is cut) and waits until it accepts connections again. This breaks anything else using
 * the server at that moment, which is why it lives in the fault suite only. Answers how long the
 * server was away.
 */
export async function restartPostgres(): Promise<number> {
  const url = new URL(TEST_SERVER_URL);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname)) {
    throw new Error(`the PostgreSQL restart test needs the local cluster; TEST_DATABASE_URL points at ${url.hostname}`);
  }
  const versions = await readdir('/etc/postgresql').catch(() => [] as string[]);
  if (versions.length !== 1) throw new Error(`expected one PostgreSQL version under /etc/postgresql, found ${JSON.stringify(versions)}`);
  const started = Date.now();
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'restart']);
  for (;;) {
    try {
      await run('pg_isready', ['-h', url.hostname, '-p', url.port || '5432', '-q']);
      return Date.now() - started;
    } catch {
      if (Date.now() - started > 60_000) throw new Error('PostgreSQL did not come back within 60 s');
      await sleep(100);
    }
  }
}

/**
 * For reproducing without a restart (FAULT_PG=terminate): cuts every connection to one database, and
 * every new one, for `ms`, as a restart does, without touching other databases on the server.
 */
export async function cutConnections(database: string, ms: number): Promise<number> {
  const started = Date.now();
  const { withAdminClient } = await import('../../support/test-database.js');
  await withAdminClient(async (client) => {
    while (Date.now() - started < ms) {
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
      await sleep(10);
    }
  });
  return Date.now() - started;
}
