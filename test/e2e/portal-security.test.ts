import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { generate } from 'otplib';
import { Clock } from '../../src/common/clock.js';
import { readZip } from '../../src/common/zip/zip-reader.js';
import { unique } from '../factories/factories.js';
import { linkPath, PortalClient } from '../support/portal-client.js';
import { activateMember, consentingMember, flushMail, MEMBER_PASSWORD, portalWorld, publish } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, LOGIN_MAX_FAILURES: '3', ORG_NAME: 'Foreningen Test', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' });
  baseUrl = await t.listen();
});

afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const bundleIdsOn = (page: string) => [...page.matchAll(/\/portal\/beskeder\/([0-9a-f-]{36})\/zip/g)].map((m) => m[1]);

describe('activation links', () => {
  it('survive a mail scanner fetching them first, and work exactly once', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await request(t.http).post(`/api/v1/members/${member.id}/activation`).set('Authorization', `Bearer ${world.coordinator.token}`).send({}).expect(204);
    await flushMail(t.app);
    const [mail] = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email));
    const path = linkPath(mail.text);

    const scanner = new PortalClient(baseUrl);
    expect((await scanner.get(path)).status).toBe(200);
    expect((await scanner.get(path)).status).toBe(200);

    const person = new PortalClient(baseUrl);
    const form = await person.get(path);
    expect(form.text).toContain('name="password"');
    const done = await person.post(path, { password: MEMBER_PASSWORD, passwordRepeat: MEMBER_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/portal/velkommen');
    expect((await person.get('/portal')).status).toBe(200);

    const again = new PortalClient(baseUrl);
    expect((await again.get(path)).status).toBe(410);
    await again.get('/portal/login');
    expect((await again.post(path, { password: 'another long pass phrase', passwordRepeat: 'another long pass phrase' })).status).toBe(410);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM member_account WHERE member_id = $1`, [member.id]);
    expect(n).toBe(1);
  });

  it('refuse a short or common password, naming the field, and spend nothing', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await request(t.http).post(`/api/v1/members/${member.id}/activation`).set('Authorization', `Bearer ${world.coordinator.token}`).send({}).expect(204);
    await flushMail(t.app);
    const path = linkPath((await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email)))[0].text);
    const client = new PortalClient(baseUrl);
    await client.get(path);
    const short = await client.post(path, { password: 'short', passwordRepeat: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('href="#password"');
    expect(short.text).toContain('mindst 12 tegn');
    const common = await client.post(path, { password: '1qaz2wsx3edc', passwordRepeat: '1qaz2wsx3edc' });
    expect(common.status).toBe(400);
    expect(common.text).toContain('for almindelig');
    expect((await client.get(path)).status).toBe(200);
  });
});

describe('a member portal run', () => {
  let world: Awaited<ReturnType<typeof portalWorld>>;
  let alice: { id: string; email: string; name: string };
  let bob: { id: string; email: string; name: string };
  let aliceClient: PortalClient;
  let bobClient: PortalClient;

  beforeAll(async () => {
    world = await portalWorld(t.app);
    alice = await consentingMember(t.app, world.network.id, { name: `Alice ${unique()}` });
    bob = await consentingMember(t.app, world.network.id, { name: `Bob ${unique()}` });
    aliceClient = (await activateMember(t.app, sink, baseUrl, world.coordinator.token, alice)).client;
    bobClient = (await activateMember(t.app, sink, baseUrl, world.coordinator.token, bob)).client;
    await publish(t.app, world.coordinator.token, world.listId);
  });

  it('lets a member download their bundle decrypted, as a ZIP or one file, with no-store and attachment', async () => {
    const page = await aliceClient.get('/portal');
    const [bundleId] = bundleIdsOn(page.text);
    expect(bundleId).toBeDefined();
    const zip = await aliceClient.get(`/portal/beskeder/${bundleId}/zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('cache-control')).toBe('no-store');
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment; filename="kontaktliste-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(readZip(zip.body).map((e) => e.name).sort()).toEqual(['contact-list.pdf', 'contact-list.xlsx', 'manifest.json']);
    const pdf = await aliceClient.get(`/portal/beskeder/${bundleId}/pdf`);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const age = await aliceClient.get(`/portal/beskeder/${bundleId}/age`);
    expect(age.body.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const after = await aliceClient.get('/portal');
    expect(after.text).toContain('Hentet');
    const events = await t.dataSource.query(`SELECT detail->>'file' AS file FROM audit_event WHERE action = 'bundle.downloaded' AND subject_id = $1 ORDER BY seq`, [bundleId]);
    expect(events.map((e: { file: string }) => e.file)).toEqual(['zip', 'pdf', 'age']);
  });

  it("never shows or serves one member's bundle to another member (404), whatever the id", async () => {
    const [aliceBundle] = bundleIdsOn((await aliceClient.get('/portal')).text);
    const bobPage = await bobClient.get('/portal');
    expect(bobPage.text).not.toContain(aliceBundle);
    for (const file of ['zip', 'xlsx', 'pdf', 'age']) {
      expect((await bobClient.get(`/portal/beskeder/${aliceBundle}/${file}`)).status).toBe(404);
    }
    expect((await bobClient.get(`/portal/beskeder/00000000-0000-4000-8000-000000000000/zip`)).status).toBe(404);
    expect((await bobClient.get(`/portal/beskeder/not-a-uuid/zip`)).status).toBe(404);
    expect((await bobClient.get(`/portal/beskeder/${aliceBundle}/..%2f..%2fetc`)).status).toBe(404);
    const anonymous = new PortalClient(baseUrl);
    const redirected = await anonymous.get(`/portal/beskeder/${aliceBundle}/zip`);
    expect(redirected.status).toBe(303);
    expect(redirected.location).toBe('/portal/login');
  });

  it('sends each recipient exactly one notice that holds nothing about the network or the member', async () => {
    for (const m of [alice, bob]) {
      const notices = sink.mails.filter((mail) => mail.to.includes(m.email) && /sikker besked/.test(mail.subject));
      expect(notices).toHaveLength(1);
      const all = `${notices[0].subject}\n${notices[0].text}\n${notices[0].html}`;
      expect(all).toContain('Foreningen Test');
      expect(all).toContain('/portal');
      for (const secret of [world.network.name, m.name, m.email, alice.name, bob.name]) expect(all).not.toContain(secret);
      expect(all).not.toMatch(/lb[ar]_[A-Za-z0-9_-]{20}/);
    }
  });

  it('shows the member each edition that listed them, when, and to how many recipients', async () => {
    const page = await aliceClient.get('/portal/modtagere');
    expect(page.status).toBe(200);
    const cells = /<tbody><tr><td[^>]*>([^<]+)<\/td><td[^>]*>([^<]+)<\/td>\s*<td[^>]*>[^<]+<\/td><td[^>]*>(\d+)<\/td><\/tr><\/tbody>/;
    const row = cells.exec(page.text);
    expect(row?.slice(1)).toEqual([world.network.name, 'Kontaktliste', '2']);
  });

  it('refuses a form without the CSRF value and changes nothing', async () => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM data_request`);
    const res = await aliceClient.post('/portal/mine-data/sletning', { _csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM data_request`)).toEqual(before);
  });

  it('keeps no identity in clear and no decrypted list in the database or the bundle folder', async () => {
    const columns: { table_name: string; column_name: string; data_type: string }[] = await t.dataSource.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'jsonb', 'ARRAY', 'character varying')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    for (const c of columns) {
      const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position('AGE-SECRET-KEY-' in upper(encode(convert_to("${c.column_name}"::text, 'UTF8'), 'escape'))) > 0`);
      expect({ column: `${c.table_name}.${c.column_name}`, n: rows[0].n }).toEqual({ column: `${c.table_name}.${c.column_name}`, n: 0 });
    }
    const wrapped: { w: Buffer }[] = await t.dataSource.query(`SELECT wrapped_identity AS w FROM member_account WHERE member_id = $1`, [alice.id]);
    expect(wrapped[0].w.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(wrapped[0].w.toString('latin1')).toContain('-> scrypt ');
    const dir = join(t.dataDir, 'bundles');
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const data = await readFile(join(f.parentPath, f.name));
      expect(data.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
      expect(data.includes(Buffer.from('PK\x03\x04', 'latin1'))).toBe(false);
      for (const name of [alice.name, bob.name]) expect(data.includes(Buffer.from(name))).toBe(false);
    }
  });

  it('logs a member out after 30 idle minutes and on logout', async () => {
    const clock = t.app.get(Clock);
    const now = Date.now();
    const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date(now + 31 * 60_000));
    try {
      const res = await bobClient.get('/portal/samtykke');
      expect(res.status).toBe(303);
      // The login brings the member back to the page they asked for.
      expect(res.location).toBe('/portal/login?next=%2Fportal%2Fsamtykke');
    } finally {
      spy.mockRestore();
    }
    const fresh = new PortalClient(baseUrl);
    await fresh.get('/portal/login');
    expect((await fresh.post('/portal/login', { email: bob.email, password: MEMBER_PASSWORD })).status).toBe(303);
    expect((await fresh.get('/portal/samtykke')).status).toBe(200);
    expect((await fresh.post('/portal/logout', {})).status).toBe(303);
    expect((await fresh.get('/portal/samtykke')).status).toBe(303);
  });
});

describe('login', () => {
  it('answers alike for an unknown e-mail and a wrong password, audits each failure, and delays with a notice', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const client = new PortalClient(baseUrl);
    await client.get('/portal/login');
    const unknown = await client.post('/portal/login', { email: `nobody.${unique()}@example.org`, password: 'whatever it is, long' });
    const wrong = await client.post('/portal/login', { email: member.email, password: 'not the right password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const message = (text: string) => /<p class="error" id="email-error">([^<]+)<\/p>/.exec(text)?.[1];
    expect(message(unknown.text)).toBe(message(wrong.text));
    expect(wrong.text).not.toContain('not the right password');
    await client.post('/portal/login', { email: member.email, password: 'not the right password' });
    await client.post('/portal/login', { email: member.email, password: 'not the right password' });
    const locked = await client.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
    expect(locked.status).toBe(429);
    const failures = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.login_failed' AND subject_id = $1`, [member.id]);
    expect(failures[0].n).toBe(4);
    await flushMail(t.app);
    const lockout = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email) && /forkerte forsøg/.test(m.subject));
    expect(lockout).toHaveLength(1);
    expect(lockout[0].text).not.toContain(member.name);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and serves pages under a strict CSP', async () => {
    const res = await fetch(`${baseUrl}/portal/login`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const form = await fetch(`${baseUrl}/portal/login`);
    const csrfCookie = form.headers.getSetCookie().find((c) => c.startsWith('lb_csrf='))!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const login = await fetch(`${baseUrl}/portal/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: csrfCookie.split(';')[0], 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, email: member.email, password: MEMBER_PASSWORD }),
    });
    const session = login.headers.getSetCookie().find((c) => c.startsWith('lb_member='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
  });
});

describe('two-step login (TOTP)', () => {
  it('is set up with a confirmed code, then asked for at every login, and can be turned off', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    expect((await client.get('/portal/to-trin')).text).toContain('action="/portal/to-trin/start"');
    expect((await client.post('/portal/to-trin/start', {})).status).toBe(303);
    const setup = await client.get('/portal/to-trin');
    const secret = /<dd><code>([A-Z2-7 ]+)<\/code><\/dd>/.exec(setup.text)![1].replace(/ /g, '');
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const stored = await t.dataSource.query(`SELECT totp_secret FROM member_account WHERE member_id = $1`, [member.id]);
    expect(stored[0].totp_secret).not.toContain(secret);

    const wrong = await client.post('/portal/to-trin/bekraeft', { code: '000000' === (await generate({ secret })) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('href="#code"');
    expect((await client.post('/portal/to-trin/bekraeft', { code: await generate({ secret }) })).location).toBe('/portal/to-trin?done=totp-on');

    const next = new PortalClient(baseUrl);
    await next.get('/portal/login');
    const login = await next.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
    expect(login.location).toBe('/portal/kode');
    const blocked = await next.get('/portal');
    expect(blocked.status).toBe(303);
    expect(blocked.location).toBe('/portal/kode');
    await next.get('/portal/kode');
    const bad = await next.post('/portal/kode', { code: '12345' });
    expect(bad.status).toBe(401);
    // The code that turned TOTP on is spent: the login takes the next one (the clock moves 30 s on).
    const later = Date.now() + 30_000;
    const spy = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(later));
    try {
      expect((await next.post('/portal/kode', { code: await generate({ secret, epoch: Math.floor(later / 1000) }) })).location).toBe('/portal');
      expect((await next.get('/portal')).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    const failures = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.login_failed' AND subject_id = $1 AND detail->>'reason' = 'wrong_second_factor'`, [member.id]);
    expect(failures[0].n).toBe(1);

    const latest = Date.now() + 60_000;
    const spy2 = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(latest));
    try {
      await next.get('/portal/to-trin');
      expect((await next.post('/portal/to-trin/sluk', { code: await generate({ secret, epoch: Math.floor(latest / 1000) }) })).location).toBe('/portal/to-trin?done=totp-off');
    } finally {
      spy2.mockRestore();
    }
    const third = new PortalClient(baseUrl);
    await third.get('/portal/login');
    expect((await third.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD })).location).toBe('/portal');
  });
});
