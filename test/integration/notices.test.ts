import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock } from '../../src/common/clock.js';
import type { NoticeKind } from '../../src/notices/notice-templates.js';
import { NoticesService, noticeRetryDelayMs, type NoticeRequest, type SendDueResult } from '../../src/notices/notices.service.js';
import { unique } from '../factories/factories.js';
import { freePort } from '../support/service-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BASE_URL = 'https://liste.example.dk';
const PORTAL = `${BASE_URL}/portal`;
const ORG_NAME = 'Foreningen for Sjældne Diagnoser';
const MAIL_FROM = 'Foreningen <no-reply@liste.example.dk>';
const env = { BASE_URL, ORG_NAME, MAIL_FROM };

interface MailRow {
  id: string;
  message_id: string;
  kind: NoticeKind;
  to_address: string;
  member_id: string | null;
  bundle_id: string | null;
  locale: string;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  claimed_by: string | null;
  claimed_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  failed_at: Date | null;
}

const address = (prefix = 'medlem') => `${prefix}.${unique()}@example.org`;
const link = () => `${PORTAL}/activate?token=act_${unique()}${unique()}`;

const notices = (t: TestApp) => t.app.get(NoticesService);
const enqueue = (t: TestApp, request: NoticeRequest) => t.dataSource.transaction((tx) => notices(t).enqueue(tx, request));
const mailsTo = (t: TestApp, to: string): Promise<MailRow[]> => t.dataSource.query('SELECT * FROM outbox_mail WHERE to_address = $1 ORDER BY created_at, id', [to]);
const mailById = async (t: TestApp, id: string): Promise<MailRow> => (await t.dataSource.query('SELECT * FROM outbox_mail WHERE id = $1', [id]))[0];
const auditOf = (t: TestApp, id: string): Promise<{ action: string; actor_type: string; detail: Record<string, unknown> }[]> =>
  t.dataSource.query('SELECT action, actor_type, detail FROM audit_event WHERE subject_id = $1 ORDER BY seq', [id]);

/** Fixes the app's clock at `at` (all of it: claims, back-off, audit). */
function setClock(t: TestApp, at: Date) {
  jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(at.getTime()));
}
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the outbox with an SMTP server', () => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    // Addresses starting with "bounce-" are refused, quoting the address as real servers do.
    sink = await startSmtpSink({ rejectRecipient: (a) => (a.startsWith('bounce-') ? { code: 550, message: `5.1.1 <${a}>: Recipient address rejected` } : undefined) });
    t = await startTestApp({ ...env, SMTP_URL: sink.url, MAIL_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const arrivedFor = (to: string) => sink.mails.filter((m) => m.envelopeTo.includes(to));

  it('writes no mail when the transaction that asked for it rolls back', async () => {
    const to = address();
    await expect(
      t.dataSource.transaction(async (tx) => {
        await notices(t).enqueue(tx, { kind: 'activation', to, locale: 'da', memberId: randomUUID(), link: link() });
        throw new Error('what caused the mail failed');
      }),
    ).rejects.toThrow('what caused the mail failed');
    expect(await mailsTo(t, to)).toHaveLength(0);
    await notices(t).sendDue();
    expect(arrivedFor(to)).toHaveLength(0);
  });

  it('sends a committed mail once, with its stable Message-ID and MAIL_FROM, and then clears its content', async () => {
    const to = address();
    const memberId = randomUUID();
    const activationLink = link();
    await enqueue(t, { kind: 'activation', to, locale: 'da', memberId, link: activationLink });
    const [queued] = await mailsTo(t, to);
    expect(queued).toMatchObject({ state: 'pending', attempts: 0, kind: 'activation', member_id: memberId, bundle_id: null, locale: 'da', subject: 'Aktivér din sikre adgang' });
    expect(queued.message_id).toBe(`<${queued.id}@liste.example.dk>`);
    expect(queued.text_body).toContain(activationLink);

    expect(await notices(t).sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });

    // Already there when sendDue returns; waitFor is what end-to-end tests use.
    const arrived = await sink.waitFor(1, 5000, (m) => m.envelopeTo.includes(to));
    expect(arrived).toHaveLength(1);
    expect(arrived[0].messageId).toBe(queued.message_id);
    expect(arrived[0].from).toEqual({ name: 'Foreningen', address: 'no-reply@liste.example.dk' });
    expect(arrived[0].to).toEqual([to]);
    expect(arrived[0].subject).toBe('Aktivér din sikre adgang');
    expect(arrived[0].text).toContain(activationLink);
    expect(arrived[0].text).toContain(ORG_NAME);
    expect(arrived[0].html).toContain(`href="${activationLink}"`);

    const sent = await mailById(t, queued.id);
    expect(sent).toMatchObject({ state: 'sent', attempts: 1, subject: null, text_body: null, html_body: null, claimed_by: null, claimed_until: null, last_error: null });
    expect(sent.sent_at).toBeInstanceOf(Date);
    expect(JSON.stringify(await t.dataSource.query('SELECT * FROM outbox_mail WHERE id = $1', [queued.id]))).not.toContain(activationLink);

    const events = await auditOf(t, queued.id);
    expect(events).toEqual([{ action: 'notice.sent', actor_type: 'system', detail: { kind: 'activation', memberId, bundleId: null, attempts: 1 } }]);

    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(arrivedFor(to)).toHaveLength(1);
  });

  it('keeps one notice per bundle, however often and in whichever transaction it is asked for', async () => {
    const to = address();
    const bundleId = randomUUID();
    await enqueue(t, { kind: 'bundle_notice', to, locale: 'en', memberId: randomUUID(), bundleId });
    await t.dataSource.transaction(async (tx) => {
      await notices(t).enqueue(tx, { kind: 'bundle_notice', to, locale: 'da', bundleId });
      await notices(t).enqueue(tx, { kind: 'bundle_notice', to, locale: 'da', bundleId });
    });
    const rows = await mailsTo(t, to);
    expect(rows).toHaveLength(1);
    expect(rows[0].locale).toBe('en');

    expect(await notices(t).sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    // Even after it was sent, the bundle gets no second notice.
    await enqueue(t, { kind: 'bundle_notice', to, locale: 'da', bundleId });
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });

    const arrived = arrivedFor(to);
    expect(arrived).toHaveLength(1);
    expect(arrived[0].subject).toBe('You have received a secure message');
    expect(arrived[0].text).toContain(`Log in at ${PORTAL} to read it.`);
    expect(arrived[0].raw).not.toContain(bundleId);
    const delivery = await notices(t).deliveryOf([bundleId, randomUUID()]);
    expect([...delivery.keys()]).toEqual([bundleId]);
    expect(delivery.get(bundleId)).toEqual({ state: 'sent', sentAt: (await mailById(t, rows[0].id)).sent_at!.toISOString(), attempts: 1, lastError: null });
  });

  it('sends each mail once when workers run at the same time, skipping mails another worker holds instead of waiting', async () => {
    const requests: NoticeRequest[] = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? { kind: 'bundle_notice', to: address('samtidig'), locale: 'da', bundleId: randomUUID() }
        : i % 3 === 1
          ? { kind: 'password_reset', to: address('samtidig'), locale: 'en', link: link() }
          : { kind: 'login_lockout', to: address('samtidig'), locale: 'da' },
    );
    for (const request of requests) await enqueue(t, request);
    const held = requests.slice(0, 10).map((r) => r.to);
    const before = sink.mails.length;
    let during: SendDueResult[] = [];

    // Another worker is in the middle of claiming ten of them: its row locks are held.
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query('SELECT id FROM outbox_mail WHERE to_address = ANY($1) FOR UPDATE', [held]);
      during = await Promise.all([notices(t).sendDue(), notices(t).sendDue()]);
      expect(during.reduce((n, r) => n + r.sent, 0)).toBe(20);
      expect(sink.mails.filter((m) => held.includes(m.envelopeTo[0]))).toHaveLength(0);
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }

    const after = await Promise.all([notices(t).sendDue(4), notices(t).sendDue(4), notices(t).sendDue(4)]);
    expect(after.reduce((n, r) => n + r.sent, 0)).toBe(10);
    expect([...during, ...after].every((r) => r.retried === 0 && r.failed === 0)).toBe(true);
    expect(sink.mails.length - before).toBe(30);
    for (const request of requests) {
      const [row] = await mailsTo(t, request.to);
      expect(row.state).toBe('sent');
      expect(sink.withMessageId(row.message_id)).toHaveLength(1);
    }
  }, 20_000);

  it("takes over a crashed worker's mail once its lease has lapsed, and not before", async () => {
    const now = new Date();
    setClock(t, now);
    const lapsedTo = address('forladt');
    const heldTo = address('holdt');
    await enqueue(t, { kind: 'login_lockout', to: lapsedTo, locale: 'da' });
    await enqueue(t, { kind: 'login_lockout', to: heldTo, locale: 'da' });
    const claim = `UPDATE outbox_mail SET state = 'sending', attempts = 1, claimed_by = 'crashed-worker', claimed_until = $2, next_attempt_at = $2 WHERE to_address = $1`;
    await t.dataSource.query(claim, [lapsedTo, plus(now, -1000)]);
    await t.dataSource.query(claim, [heldTo, plus(now, 60_000)]);

    expect(await notices(t).sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(arrivedFor(lapsedTo)).toHaveLength(1);
    expect(arrivedFor(heldTo)).toHaveLength(0);
    expect((await mailsTo(t, lapsedTo))[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect((await mailsTo(t, heldTo))[0]).toMatchObject({ state: 'sending', claimed_by: 'crashed-worker' });

    setClock(t, plus(now, 61_000));
    expect(await notices(t).sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(arrivedFor(heldTo)).toHaveLength(1);
  });

  it('marks a mail failed after MAIL_MAX_ATTEMPTS refusals, visible in the delivery status and the audit log, without the address', async () => {
    const to = address('bounce-medlem');
    const memberId = randomUUID();
    const bundleId = randomUUID();
    await enqueue(t, { kind: 'bundle_notice', to, locale: 'da', memberId, bundleId });
    const [{ id }] = await mailsTo(t, to);
    const t0 = new Date(Date.now() + 1000);

    setClock(t, t0);
    await notices(t).sendDue();
    expect(await mailById(t, id)).toMatchObject({ state: 'pending', attempts: 1, last_error: 'Error EENVELOPE 550', next_attempt_at: plus(t0, 30_000) });

    setClock(t, plus(t0, 30_000));
    await notices(t).sendDue();
    expect(await mailById(t, id)).toMatchObject({ state: 'pending', attempts: 2, next_attempt_at: plus(t0, 90_000) });
    expect(await notices(t).deliveryOf([bundleId])).toEqual(new Map([[bundleId, { state: 'pending', sentAt: null, attempts: 2, lastError: 'Error EENVELOPE 550' }]]));

    setClock(t, plus(t0, 90_000));
    expect((await notices(t).sendDue()).failed).toBe(1);
    const failed = await mailById(t, id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 3, failed_at: plus(t0, 90_000), sent_at: null, subject: null, text_body: null, html_body: null });
    expect(failed.last_error).not.toContain(to);
    expect(failed.last_error).not.toContain('@');

    expect(await notices(t).deliveryOf([bundleId])).toEqual(new Map([[bundleId, { state: 'failed', sentAt: null, attempts: 3, lastError: 'Error EENVELOPE 550' }]]));
    const events = await auditOf(t, id);
    expect(events).toEqual([{ action: 'notice.failed', actor_type: 'system', detail: { kind: 'bundle_notice', memberId, bundleId, attempts: 3 } }]);
    expect(JSON.stringify(events)).not.toContain(to);

    // Failed is final: a day later nothing tries again.
    setClock(t, plus(t0, 24 * 3600_000));
    await notices(t).sendDue();
    expect(await mailById(t, id)).toMatchObject({ state: 'failed', attempts: 3 });
    expect(arrivedFor(to)).toHaveLength(0);
  });

  it('refuses an address that is not one plain mailbox, without echoing it', async () => {
    const bad = 'Someone <a@example.org>, b@example.org';
    const attempt = enqueue(t, { kind: 'login_lockout', to: bad, locale: 'da' });
    await expect(attempt).rejects.toMatchObject({ code: 'NOTICE_ADDRESS_INVALID', field: 'to' });
    await expect(attempt).rejects.not.toThrow(/example\.org/);
  });
});

describe('the outbox while the SMTP server is down, then up', () => {
  let t: TestApp;
  let port: number;
  let sink: SmtpSink | undefined;

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp({ ...env, SMTP_URL: `smtp://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await t.close();
    await sink?.close();
  });

  it('delivers every mail exactly once after the server comes back, keeping to the back-off', async () => {
    const kinds: NoticeKind[] = ['activation', 'password_reset', 'bundle_notice', 'login_lockout'];
    const requests: NoticeRequest[] = Array.from({ length: 20 }, (_, i) => {
      const kind = kinds[i % 4];
      return {
        kind,
        to: address('nede'),
        locale: i % 2 ? 'en' : 'da',
        memberId: randomUUID(),
        ...(kind === 'bundle_notice' ? { bundleId: randomUUID() } : {}),
        ...(kind === 'activation' || kind === 'password_reset' ? { link: link() } : {}),
      };
    });
    for (const request of requests) await enqueue(t, request);
    const rows = async () => (await t.dataSource.query('SELECT * FROM outbox_mail ORDER BY id')) as MailRow[];
    expect(await rows()).toHaveLength(20);

    const t0 = new Date(Date.now() + 1000);
    setClock(t, t0);
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 20, failed: 0 });
    for (const row of await rows()) {
      expect(row).toMatchObject({ state: 'pending', attempts: 1, next_attempt_at: plus(t0, 30_000), last_error: 'Error ESOCKET ECONNREFUSED', claimed_by: null });
    }
    // Not due again until the back-off has passed.
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    setClock(t, plus(t0, 29_999));
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });

    setClock(t, plus(t0, 30_000));
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 20, failed: 0 });
    for (const row of await rows()) expect(row).toMatchObject({ state: 'pending', attempts: 2, next_attempt_at: plus(t0, 90_000) });

    sink = await startSmtpSink({ port });
    setClock(t, plus(t0, 89_999));
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sink.mails).toHaveLength(0);

    setClock(t, plus(t0, 90_000));
    expect(await notices(t).sendDue()).toEqual({ sent: 20, retried: 0, failed: 0 });
    setClock(t, plus(t0, 2 * 3600_000));
    expect(await notices(t).sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });

    expect(sink.mails).toHaveLength(20);
    const subjects: Record<NoticeKind, string[]> = {
      activation: ['Aktivér din sikre adgang', 'Activate your secure access'],
      password_reset: ['Vælg en ny adgangskode', 'Choose a new password'],
      bundle_notice: ['Du har modtaget en sikker besked', 'You have received a secure message'],
      login_lockout: ['Flere forkerte forsøg på at logge ind', 'Several failed attempts to log in'],
      access_request_receipt: ['Vi har modtaget din anmodning', 'We have received your request'],
      access_request_rejected: ['Svar på din anmodning om adgang', 'About your request for access'],
    };
    for (const row of await rows()) {
      expect(row).toMatchObject({ state: 'sent', attempts: 3, subject: null, text_body: null, html_body: null });
      const arrived = sink.withMessageId(row.message_id);
      expect(arrived).toHaveLength(1);
      expect(arrived[0].to).toEqual([row.to_address]);
      expect(arrived[0].subject).toBe(subjects[row.kind][row.locale === 'da' ? 0 : 1]);
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'notice.sent'`);
    expect(n).toBe(20);
  });
});

describe('the outbox without SMTP_URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(env);
  });
  afterAll(() => t.close());

  it('writes the mail as a private .eml file under DATA_DIR/outbox that a mail parser reads', async () => {
    const to = address();
    await enqueue(t, { kind: 'login_lockout', to, locale: 'en', memberId: randomUUID() });
    const [row] = await mailsTo(t, to);

    expect(await notices(t).sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });

    const dir = join(t.dataDir, 'outbox');
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d{6}\\.\\d{3}Z-${row.id}@liste\\.example\\.dk\\.eml$`));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, files[0]))).mode & 0o777).toBe(0o600);

    const parsed = await simpleParser(await readFile(join(dir, files[0])));
    expect(parsed.messageId).toBe(row.message_id);
    expect(parsed.subject).toBe('Several failed attempts to log in');
    expect(parsed.text).toContain(`You can still log in at ${PORTAL}`);
    expect(parsed.from?.value).toEqual([{ name: 'Foreningen', address: 'no-reply@liste.example.dk' }]);
    expect(await mailById(t, row.id)).toMatchObject({ state: 'sent', subject: null, text_body: null, html_body: null });
  });
});

describe('the retry delay', () => {
  it('doubles from 30 seconds and stops growing at one hour', () => {
    expect([1, 2, 3, 4, 7, 8, 9, 30].map(noticeRetryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]);
  });
});
