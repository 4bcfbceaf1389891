import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { unique } from '../factories/factories.js';
import { startImapServer, type ImapServer } from '../support/imap-server.js';
import { HELPLINE_SUBJECT, NETWORK_SUBJECT, plainMail } from '../support/request-mails.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { TEST_SESSION_SECRET } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let imap: ImapServer;
let db: TestDatabase;
let client: pg.Client;
const services: ServiceProcess[] = [];
const dataDirs: string[] = [];
const dataDir = () => {
  dataDirs.push(mkdtempSync(join(tmpdir(), 'lb-intake-')));
  return dataDirs[dataDirs.length - 1];
};

beforeAll(async () => {
  imap = await startImapServer();
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  for (const s of services) await s.stop('SIGKILL');
  await client?.end();
  await db?.drop();
  await imap?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const requestCount = async (emails: string[]) =>
  (await client.query('SELECT count(*)::int AS n FROM access_request WHERE email = ANY($1)', [emails])).rows[0].n as number;
const waitFor = async (what: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await what()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
};

describe('the mailbox reader in two running service processes', () => {
  it('reads each mail once across both, reports "ok" on both, and the other takes over when the reader stops', async () => {
    const env = {
      DATABASE_URL: db.url,
      SESSION_SECRET: TEST_SESSION_SECRET,
      IMAP_URL: imap.url(),
      IMAP_POLL_SECONDS: '2',
      LOG_LEVEL: 'info',
    };
    for (let i = 0; i < 2; i++) services.push(await startService({ ...env, DATA_DIR: dataDir() }));
    const senders = [0, 1, 2].map((i) => `svc${i}-${unique()}@person.example`);
    for (const [i, from] of senders.entries()) {
      await imap.append(plainMail({ from, subject: i % 2 ? NETWORK_SUBJECT : HELPLINE_SUBJECT, body: `Person ${i}` }));
    }
    await waitFor(async () => (await requestCount(senders)) === 3, 20_000);
    expect(await requestCount(senders)).toBe(3);
    await waitFor(async () => (await imap.mails('Behandlet')).length === 3, 10_000);
    expect((await imap.mails('Behandlet')).length).toBe(3);
    const receipts = await client.query(`SELECT count(*)::int AS n FROM outbox_mail WHERE to_address = ANY($1)`, [senders]);
    expect(receipts.rows[0].n).toBe(3);
    for (const s of services) expect(await (await fetch(`${s.baseUrl}/health`)).json()).toMatchObject({ status: 'ok', mailbox: 'ok' });

    const holder = await client.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [5_117_300_219 % 2 ** 32]);
    expect(holder.rows).toHaveLength(1);
    const logs = services.map((s) => s.output()).join('\n');
    for (const secret of [imap.password, ...senders]) expect(logs).not.toContain(secret);

    // Kill the first; the second reads on (it either was the reader or takes over). Then start a third
    // and kill the second, which is the reader for sure now: the third must take over.
    const readAfterKill = async (victim: number) => {
      await services[victim].stop('SIGKILL');
      const late = `late-${unique()}@person.example`;
      await imap.append(plainMail({ from: late, subject: HELPLINE_SUBJECT, body: 'Sen Person' }));
      await waitFor(async () => (await requestCount([late])) === 1, 20_000);
      expect(await requestCount([late])).toBe(1);
    };
    await readAfterKill(0);
    services.push(await startService({ ...env, DATA_DIR: dataDir() }));
    await readAfterKill(1);
  });
});
