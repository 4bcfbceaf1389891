import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { AppConfig } from '../../src/config/app-config.js';
import { MailIntakeJob, mailboxRetryDelayMs } from '../../src/mail-intake/mail-intake.job.js';
import { MailIntakeRepository } from '../../src/mail-intake/mail-intake.repository.js';
import { MailIntakeService } from '../../src/mail-intake/mail-intake.service.js';
import { unique } from '../factories/factories.js';
import { startCuttingProxy, startImapServer, type CuttingProxy, type ImapServer } from '../support/imap-server.js';
import { HELPLINE_SUBJECT, NETWORK_SUBJECT, plainMail } from '../support/request-mails.js';
import { freePort } from '../support/service-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let imap: ImapServer;
let proxy: CuttingProxy;
let t: TestApp;
/** A second instance on the same database, reading the same mailbox directly. */
let other: TestApp;

beforeAll(async () => {
  imap = await startImapServer();
  proxy = await startCuttingProxy(imap.port);
  t = await startTestApp({ IMAP_URL: imap.url(proxy.port) });
  other = await startTestApp({ IMAP_URL: imap.url(), DATABASE_URL: t.database.url });
});
afterAll(async () => {
  await other?.close();
  await t?.close();
  await proxy?.close();
  await imap?.stop();
});

const address = (tag: string) => `${tag}-${unique()}@person.example`;
const requestsOf = (email: string): Promise<{ name: string }[]> =>
  t.dataSource.query('SELECT name FROM access_request WHERE email = $1', [email]);
/** The reader as the server runs it (the test apps start no timers), with a logger the test reads. */
const jobOf = (app: TestApp, logger: pino.Logger) =>
  new MailIntakeJob(app.app.get(MailIntakeService), app.app.get(MailIntakeRepository), app.app.get(AppConfig), logger);
const inFolder = async (folder: string, subject: string) => (await imap.mails(folder)).filter((m) => m.subject === subject).length;

describe('mailbox faults', () => {
  it('picks up a mail whose text fetch was cut off on the next run, exactly once', async () => {
    const a = address('cut');
    const name = `Mads Midtfetch ${unique()}`;
    const subject = `Re: ${HELPLINE_SUBJECT} ${''}`.trim();
    await imap.append(plainMail({ from: a, subject, body: `${name}\r\n` }));
    proxy.cutWhen({ fromServer: name });
    await expect(t.app.get(MailIntakeService).runOnce()).rejects.toThrow();
    expect(proxy.cuts).toBe(1);
    expect(await requestsOf(a)).toEqual([]);

    proxy.cutWhen(null);
    expect(await t.app.get(MailIntakeService).runOnce()).toMatchObject({ requests: 1 });
    expect(await t.app.get(MailIntakeService).runOnce()).toMatchObject({ requests: 0, movedLate: 0 });
    expect(await requestsOf(a)).toEqual([{ name }]);
  });

  it('makes no second request of a mail stored but cut off before it was moved; the next run only moves it', async () => {
    const a = address('move');
    await imap.append(plainMail({ from: a, subject: NETWORK_SUBJECT, body: 'Mette Move' }));
    proxy.cutWhen({ fromClient: 'MOVE' });
    await expect(t.app.get(MailIntakeService).runOnce()).rejects.toThrow();
    expect(await requestsOf(a)).toHaveLength(1);
    expect(await inFolder('INBOX', NETWORK_SUBJECT)).toBe(1);

    proxy.cutWhen(null);
    expect(await t.app.get(MailIntakeService).runOnce()).toMatchObject({ requests: 0, movedLate: 1 });
    expect(await requestsOf(a)).toHaveLength(1);
    expect(await inFolder('INBOX', NETWORK_SUBJECT)).toBe(0);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox_mail WHERE to_address = $1`, [a]);
    expect(n).toBe(1);
  });

  it('lets one instance read at a time, and two readers at once still make one request of one mail', async () => {
    const a = address('two');
    await imap.append(plainMail({ from: a, subject: HELPLINE_SUBJECT, body: 'Tove To' }));
    const results = await Promise.all([t.app.get(MailIntakeService).runOnce(), other.app.get(MailIntakeService).runOnce()]);
    expect(results.reduce((n, r) => n + (r?.requests ?? 0), 0)).toBe(1);
    expect(await requestsOf(a)).toHaveLength(1);

    // While one instance holds the lease, the other does not read at all.
    const lease = await t.app.get(MailIntakeRepository).tryLease();
    expect(lease).not.toBeNull();
    try {
      expect(await other.app.get(MailIntakeService).runOnce()).toBeNull();
    } finally {
      await lease!.release();
    }

    // Past the lease (two readers that each think they are alone), the handled-mail record still decides.
    const b = address('both');
    await imap.append(plainMail({ from: b, subject: HELPLINE_SUBJECT, body: 'Bo Begge' }));
    const readers = [t, other].map((x) => x.app.get(MailIntakeService));
    const mailboxes = await Promise.all(readers.map((r) => r.open()));
    try {
      await Promise.all(readers.map((r, i) => r.scan(mailboxes[i])));
    } finally {
      await Promise.all(mailboxes.map((m) => m.close()));
    }
    expect(await requestsOf(b)).toHaveLength(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox_mail WHERE to_address = $1`, [b]);
    expect(n).toBe(1);
  });

  it('scans a mailbox of 500 unrelated mails without fetching their bodies', async () => {
    const filler = (i: number) => plainMail({ from: address('x'), subject: `Nyhedsbrev nr. ${i}`, body: `${'Indhold '.repeat(200)}\r\n` });
    await imap.appendMany(Array.from({ length: 500 }, (_, i) => filler(i)));
    const a = address('big');
    await imap.append(plainMail({ from: a, subject: HELPLINE_SUBJECT, body: 'Birgit Stor' }));

    // Sessions of the tests before (and the appends) may still be logging out: count only this scan's.
    await imap.waitForIdle();
    let mark = imap.logMark();
    expect(await other.app.get(MailIntakeService).runOnce()).toMatchObject({ requests: 1 });
    await imap.waitForLogouts(1, mark);
    const first = imap.fetchCounters(mark);
    expect(first.sessions).toBe(1);
    // Only the one request mail's text part: 'Birgit Stor' and its part header.
    expect(first.bodyFetches).toBeLessThanOrEqual(1);
    expect(first.bodyBytes).toBeLessThan(500);

    mark = imap.logMark();
    expect(await other.app.get(MailIntakeService).runOnce()).toMatchObject({ requests: 0 });
    await imap.waitForLogouts(1, mark);
    expect(imap.fetchCounters(mark)).toMatchObject({ sessions: 1, bodyFetches: 0, bodyBytes: 0 });
    expect((await imap.mails('INBOX')).filter((m) => m.seen)).toEqual([]);
  });
});

describe('an unreachable mailbox', () => {
  it('reports "off" on /health when no mailbox is configured, keeping the other fields', async () => {
    const plain = await startTestApp({ DATABASE_URL: t.database.url });
    try {
      const res = await request(plain.http).get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', database: 'postgres', migrations: 'up to date', mailbox: 'off' });
    } finally {
      await plain.close();
    }
  });

  it('logs a warning without address or password, retries with back-off, /health says "unreachable" until it is back', async () => {
    const refused = await startTestApp({ DATABASE_URL: t.database.url, IMAP_URL: imap.url().replace(imap.password, 'wrong-password-123') });
    const nobodyListens = `imap://intake:secret-pw-456@127.0.0.1:${await freePort()}/INBOX`;
    const down = await startTestApp({ DATABASE_URL: t.database.url, IMAP_URL: nobodyListens });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    const job = jobOf(refused, logger);
    try {
      await expect(down.app.get(MailIntakeService).runOnce()).rejects.toThrow();
      expect((await request(down.http).get('/health').expect(200)).body).toMatchObject({ status: 'ok', mailbox: 'unreachable' });

      job.onApplicationBootstrap();
      for (let i = 0; i < 100 && !lines.some((l) => l.includes('mailbox unreachable')); i++) await new Promise((r) => setTimeout(r, 100));
      const warning = lines.find((l) => l.includes('mailbox unreachable'));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!)).toMatchObject({ level: 40, failures: 1, retryInMs: 5_000, err: { authenticationFailed: true } });
      for (const secret of ['wrong-password-123', 'intake', '127.0.0.1', String(imap.port)]) expect(lines.join('\n')).not.toContain(secret);
      expect((await request(refused.http).get('/health').expect(200)).body).toMatchObject({ mailbox: 'unreachable' });
    } finally {
      await job.onApplicationShutdown();
      await refused.close();
      await down.close();
    }
    expect([1, 2, 3, 7, 20].map(mailboxRetryDelayMs)).toEqual([5_000, 10_000, 20_000, 300_000, 300_000]);

    await other.app.get(MailIntakeService).runOnce();
    expect((await request(other.http).get('/health').expect(200)).body).toMatchObject({ status: 'ok', mailbox: 'ok' });
  });
});

describe('the reader in the server', () => {
  it('reads a new mail as it arrives (IDLE), long before the next poll, and stops with the app', async () => {
    const logger = pino({ level: 'silent' });
    const job = jobOf(other, logger);
    expect(other.app.get(AppConfig).imapPollSeconds).toBe(60);
    const started = new Date();
    job.onApplicationBootstrap();
    try {
      const checkedSince = async () =>
        (await t.dataSource.query(`SELECT 1 FROM mail_intake_status WHERE state = 'ok' AND checked_at > $1`, [started])).length > 0;
      for (let i = 0; i < 100 && !(await checkedSince()); i++) await new Promise((r) => setTimeout(r, 100));
      // The first read of the folder is done; the reader now idles.
      await new Promise((r) => setTimeout(r, 1_000));
      const a = address('idle');
      await imap.append(plainMail({ from: a, subject: HELPLINE_SUBJECT, body: 'Ida Idle' }));
      const arrived = Date.now();
      while ((await requestsOf(a)).length === 0 && Date.now() - arrived < 6_000) await new Promise((r) => setTimeout(r, 100));
      expect(await requestsOf(a)).toEqual([{ name: 'Ida Idle' }]);
      expect(Date.now() - arrived).toBeLessThan(6_000);
    } finally {
      const stopping = Date.now();
      await job.onApplicationShutdown();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
  });
});
