import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generate } from 'otplib';
import request from 'supertest';
import { Clock } from '../../src/common/clock.js';
import { PasswordResetRequestsService } from '../../src/member-accounts/password-reset-requests.service.js';
import { MemberAuthService } from '../../src/member-accounts/member-auth.service.js';
import { insertStaff, unique } from '../factories/factories.js';
import { linkPath, PortalClient } from '../support/portal-client.js';
import { activateMember, consentingMember, flushMail, MEMBER_PASSWORD, portalWorld, publish } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, PASSWORD_RESETS_PER_HOUR: '30', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' });
  baseUrl = await t.listen();
});

afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const count = async (sql: string, params: unknown[] = []) => (await t.dataSource.query(sql, params))[0].n as number;
const cookieHeader = (client: PortalClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** A multipart form as another site would post it: the victim's cookies ride along, no token. */
function forgedMultipart(client: PortalClient, path: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(new URL(path, baseUrl), { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(client), origin: 'https://evil.example' }, body: form });
}

/** The code the app would show `seconds` from now (tests move the clock instead of waiting 30 s). */
const codeAt = (secret: string, seconds: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + seconds });

async function withClockAt<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + seconds * 1000));
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

async function consoleLogin(email: string, password: string) {
  const client = new PortalClient(baseUrl);
  await client.get('/console/login');
  const res = await client.post('/console/login', { email, password });
  if (res.status !== 303) throw new Error(`console login answered ${res.status}`);
  return client;
}

/** Turns on the member's two-step login through the pages; answers the secret. */
async function turnOnTotp(client: PortalClient): Promise<string> {
  await client.get('/portal/to-trin');
  expect((await client.post('/portal/to-trin/start', {})).status).toBe(303);
  const secret = /<dd><code>([A-Z2-7 ]+)<\/code><\/dd>/.exec((await client.get('/portal/to-trin')).text)![1].replace(/ /g, '');
  expect((await client.post('/portal/to-trin/bekraeft', { code: await generate({ secret }) })).location).toBe('/portal/to-trin?done=totp-on');
  return secret;
}

describe('CSRF whatever the content type (item 5)', () => {
  it('refuses multipart posts without the token on member pages and changes nothing', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    expect((await client.get('/portal')).status).toBe(200);

    const erasure = await forgedMultipart(client, '/portal/mine-data/sletning');
    expect(erasure.status).toBe(403);
    expect(await count(`SELECT count(*)::int AS n FROM data_request WHERE member_id = $1`, [member.id])).toBe(0);

    const totp = await forgedMultipart(client, '/portal/to-trin/start');
    expect(totp.status).toBe(403);
    expect((await t.dataSource.query(`SELECT totp_secret FROM member_account WHERE member_id = $1`, [member.id]))[0].totp_secret).toBeNull();

    // A forged token in the multipart form is no better.
    expect((await forgedMultipart(client, '/portal/mine-data/sletning', { _csrf: 'forged' })).status).toBe(403);
    // text/plain and JSON bodies carry no form token either.
    for (const type of ['text/plain', 'application/json']) {
      const res = await fetch(new URL('/portal/mine-data/sletning', baseUrl), { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(client), 'content-type': type }, body: type === 'text/plain' ? '_csrf=x' : '{}' });
      expect(res.status).toBe(403);
    }
    expect(await count(`SELECT count(*)::int AS n FROM data_request WHERE member_id = $1`, [member.id])).toBe(0);
  });

  it('accepts a multipart post that carries the right token in the header', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const page = await client.get('/portal/mine-data');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const form = new FormData();
    form.append('x', 'y');
    const res = await fetch(new URL('/portal/mine-data/sletning', baseUrl), { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(client), 'x-csrf-token': token }, body: form });
    expect(res.status).toBe(303);
    expect(await count(`SELECT count(*)::int AS n FROM data_request WHERE member_id = $1`, [member.id])).toBe(1);
  });

  it('refuses a forged multipart publish in the console', async () => {
    const world = await portalWorld(t.app);
    const console = await consoleLogin(world.coordinator.email, world.coordinator.password);
    expect((await console.get('/console')).status).toBe(200);
    const res = await forgedMultipart(console, `/console/lister/${world.listId}/udsend`);
    expect(res.status).toBe(403);
    expect(await count(`SELECT count(*)::int AS n FROM edition WHERE list_id = $1`, [world.listId])).toBe(0);
  });

  it('lets a staff cookie write through the API only with the token header or a same-origin request; bearer tokens as before', async () => {
    const world = await portalWorld(t.app);
    const login = await request(t.http).post('/api/v1/auth/login').send({ email: world.coordinator.email, password: world.coordinator.password }).expect(200);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrfToken = login.headers['x-csrf-token'];
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const editions = () => count(`SELECT count(*)::int AS n FROM edition WHERE list_id = $1`, [world.listId]);

    const plain = await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('Content-Type', 'text/plain').send('x');
    expect(plain.status).toBe(403);
    expect(plain.body.code).toBe('CSRF_REFUSED');
    const evil = await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('Origin', 'https://evil.example');
    expect(evil.status).toBe(403);
    const wrongToken = await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('X-CSRF-Token', 'A'.repeat(43));
    expect(wrongToken.status).toBe(403);
    const crossSite = await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    expect(await editions()).toBe(0);
    // Reads need nothing.
    await request(t.http).get('/api/v1/auth/me').set('Cookie', cookies).expect(200);

    await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('X-CSRF-Token', csrfToken).expect(201);
    await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Cookie', cookies).set('Sec-Fetch-Site', 'same-origin').send({ force: true });
    const origin = new URL(baseUrl).origin;
    const sameOrigin = await request(t.http).post('/api/v1/auth/logout').set('Cookie', cookies).set('Origin', origin).set('Host', new URL(baseUrl).host);
    expect(sameOrigin.status).toBe(204);
    await request(t.http).post(`/api/v1/lists/${world.listId}/editions`).set('Authorization', `Bearer ${world.coordinator.token}`).set('Origin', 'https://evil.example').send({ force: true });
    expect(await editions()).toBeGreaterThanOrEqual(2);
  });

  it('gives a new CSRF cookie at login, in the portal and the console', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const client = new PortalClient(baseUrl);
    await client.get('/portal/login');
    const before = client.cookies.get('lb_csrf');
    expect((await client.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD })).status).toBe(303);
    expect(client.cookies.get('lb_csrf')).toBeDefined();
    expect(client.cookies.get('lb_csrf')).not.toBe(before);

    const staff = new PortalClient(baseUrl);
    await staff.get('/console/login');
    const staffBefore = staff.cookies.get('lb_csrf');
    expect((await staff.post('/console/login', { email: world.coordinator.email, password: world.coordinator.password })).status).toBe(303);
    expect(staff.cookies.get('lb_csrf')).not.toBe(staffBefore);
  });
});

describe('two-step login cannot be switched off without a code (item 6)', () => {
  it('refuses a new member secret while two-step login is on unless a current code is given', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const secret = await turnOnTotp(client);
    const [before] = await t.dataSource.query(`SELECT totp_secret, totp_enabled_at FROM member_account WHERE member_id = $1`, [member.id]);
    await client.get('/portal/to-trin');
    const res = await client.post('/portal/to-trin/start', {});
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#code"');
    const [after] = await t.dataSource.query(`SELECT totp_secret, totp_enabled_at FROM member_account WHERE member_id = $1`, [member.id]);
    expect(after).toEqual(before);
    const next = new PortalClient(baseUrl);
    await next.get('/portal/login');
    expect((await next.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD })).location).toBe('/portal/kode');
    // With a current code (of a later step than the one used to turn it on) a new set-up may start.
    await client.get('/portal/to-trin');
    const started = await withClockAt(30, async () => client.post('/portal/to-trin/start', { code: await codeAt(secret, 30) }));
    expect(started.status).toBe(303);
  });

  it('accepts each member code once: the same code cannot pass a second login', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const secret = await turnOnTotp(client);
    const code = await codeAt(secret, 30);
    await withClockAt(30, async () => {
      const first = new PortalClient(baseUrl);
      await first.get('/portal/login');
      await first.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
      await first.get('/portal/kode');
      expect((await first.post('/portal/kode', { code })).location).toBe('/portal');
      const second = new PortalClient(baseUrl);
      await second.get('/portal/login');
      await second.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
      await second.get('/portal/kode');
      expect((await second.post('/portal/kode', { code })).status).toBe(401);
      expect((await second.get('/portal')).location).toBe('/portal/kode');
    });
  });

  it('ends a member password reset on the code step when two-step login is on', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    await turnOnTotp(client);
    const anyone = new PortalClient(baseUrl);
    await anyone.get('/portal/nulstil');
    await anyone.post('/portal/nulstil', { email: member.email });
    await t.app.get(PasswordResetRequestsService).processDue();
    await flushMail(t.app);
    const [mail] = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email) && m.subject === 'Vælg en ny adgangskode');
    const path = linkPath(mail.text);
    const person = new PortalClient(baseUrl);
    await person.get(path);
    const password = 'a brand new secret sentence';
    const done = await person.post(path, { password, passwordRepeat: password });
    expect(done.location).toBe('/portal/kode');
    expect((await person.get('/portal')).location).toBe('/portal/kode');
  });

  it('refuses a new staff secret while two-step login is on unless a current code is given, and each staff code once', async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    const login = await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(200);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = login.headers['x-csrf-token'];
    const setup = await request(t.http).post('/api/v1/auth/totp/setup').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(200);
    const secret = setup.body.secret as string;
    await request(t.http).post('/api/v1/auth/totp/enable').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ code: await generate({ secret }) }).expect(204);
    const [before] = await t.dataSource.query(`SELECT totp_secret, totp_enabled_at FROM staff_account WHERE id = $1`, [staff.id]);
    const again = await request(t.http).post('/api/v1/auth/totp/setup').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({});
    expect(again.status).toBe(400);
    expect(again.body.field).toBe('code');
    const [after] = await t.dataSource.query(`SELECT totp_secret, totp_enabled_at FROM staff_account WHERE id = $1`, [staff.id]);
    expect(after).toEqual(before);
    await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(401);

    const code = await codeAt(secret, 30);
    await withClockAt(30, async () => {
      await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password, code }).expect(200);
      await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password, code }).expect(401);
    });
  });
});

describe('forgotten password (item 7)', () => {
  it('does the same work for known and unknown addresses: one queued request, no token and no mail in the request', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const client = new PortalClient(baseUrl);
    await client.get('/portal/nulstil');
    const snapshot = async () => ({
      queued: await count(`SELECT count(*)::int AS n FROM password_reset_request WHERE processed_at IS NULL`),
      tokens: await count(`SELECT count(*)::int AS n FROM account_token WHERE purpose = 'password_reset'`),
      mails: await count(`SELECT count(*)::int AS n FROM outbox_mail`),
    });
    const start = await snapshot();
    await client.post('/portal/nulstil', { email: `nobody.${unique()}@example.org` });
    const afterUnknown = await snapshot();
    expect(afterUnknown).toEqual({ ...start, queued: start.queued + 1 });
    await client.post('/portal/nulstil', { email: member.email });
    expect(await snapshot()).toEqual({ ...afterUnknown, queued: afterUnknown.queued + 1 });
    // The queue holds no address in clear.
    const rows = await t.dataSource.query(`SELECT * FROM password_reset_request`);
    expect(JSON.stringify(rows)).not.toContain(member.email);
  });

  it('sends at most one reset mail per account per 15 minutes, however often it is asked', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    for (let i = 0; i < 6; i++) {
      const client = new PortalClient(baseUrl);
      await client.get('/portal/nulstil');
      const res = await client.post('/portal/nulstil', { email: member.email });
      expect(res.status).toBe(200);
      await t.app.get(PasswordResetRequestsService).processDue();
    }
    expect(await count(`SELECT count(*)::int AS n FROM outbox_mail WHERE member_id = $1 AND kind = 'password_reset'`, [member.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM account_token WHERE member_id = $1 AND purpose = 'password_reset'`, [member.id])).toBe(1);
    await withClockAt(16 * 60, async () => {
      const client = new PortalClient(baseUrl);
      await client.get('/portal/nulstil');
      await client.post('/portal/nulstil', { email: member.email });
      await t.app.get(PasswordResetRequestsService).processDue();
    });
    expect(await count(`SELECT count(*)::int AS n FROM outbox_mail WHERE member_id = $1 AND kind = 'password_reset'`, [member.id])).toBe(2);
  });

  it('limits requests per client address', async () => {
    const client = new PortalClient(baseUrl);
    await client.get('/portal/nulstil');
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res = await fetch(new URL('/portal/nulstil', baseUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieHeader(client), 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.77' },
        body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec((await client.get('/portal/nulstil')).text)![1], email: `x${i}.${unique()}@example.org` }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

describe('e-mail addresses (item 8)', () => {
  const long = `a@${'.'.repeat(19_000)}@`;

  it('refuses a very long address with a field error on every form that takes one', async () => {
    const client = new PortalClient(baseUrl);
    await client.get('/portal/nulstil');
    const forgot = await client.post('/portal/nulstil', { email: long });
    expect(forgot.status).toBe(400);
    expect(forgot.text).toContain('href="#email"');
    await client.get('/portal/adgang');
    const access = await client.post('/portal/adgang', { channel: 'x', name: 'x', email: long });
    expect(access.status).toBe(400);
    expect(access.text).toContain('href="#email"');
    const admin = await insertStaff(t.app, 'admin');
    const staff = await request(t.http).post('/api/v1/staff').set('Authorization', `Bearer ${admin.token}`).send({ email: long, password: 'correct horse battery staple', role: 'auditor', networkIds: [] });
    expect(staff.status).toBe(400);
    expect(staff.body.errors.map((e: { field: string }) => e.field)).toContain('email');
  });
});

describe('NUL bytes and numbers out of range (item 9)', () => {
  it('answers 400 naming the field instead of 500', async () => {
    const world = await portalWorld(t.app);
    const auditor = await insertStaff(t.app, 'auditor');
    const login = await request(t.http).post('/api/v1/auth/login').send({ email: 'a\u0000b@example.org', password: 'whatever it is' });
    expect(login.status).toBe(400);
    expect(login.body.field).toBe('email');
    const search = await request(t.http).get(`/api/v1/networks/${world.network.id}/members`).query({ q: 'a\u0000b' }).set('Authorization', `Bearer ${world.coordinator.token}`);
    expect(search.status).toBe(400);
    expect(search.body.field).toBe('q');
    const action = await request(t.http).get('/api/v1/audit/events').query({ action: 'x\u0000' }).set('Authorization', `Bearer ${auditor.token}`);
    expect(action.status).toBe(400);
    expect(action.body.field).toBe('action');
    const seq = await request(t.http).get('/api/v1/audit/events?afterSeq=99999999999999999999').set('Authorization', `Bearer ${auditor.token}`);
    expect(seq.status).toBe(400);
    expect(seq.body.field).toBe('afterSeq');
    const client = new PortalClient(baseUrl);
    await client.get('/portal/login');
    const page = await client.post('/portal/login', { email: 'a\u0000b@example.org', password: 'whatever it is' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('email');
  });
});

describe('error pages (items 10 and 11)', () => {
  it('shows a stale link to an expired bundle as a page, not a 500', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    await publish(t.app, world.coordinator.token, world.listId);
    const bundleId = /\/portal\/beskeder\/([0-9a-f-]{36})\/zip/.exec((await client.get('/portal')).text)![1];
    await t.dataSource.query(`UPDATE bundle SET state = 'expired' WHERE id = $1`, [bundleId]);
    const res = await client.get(`/portal/beskeder/${bundleId}/zip`);
    expect(res.status).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).toContain('<h1>');
  });

  it('shows a conflict in the console as its own page and status, not a 500', async () => {
    const world = await portalWorld(t.app);
    const editionId = await publish(t.app, world.coordinator.token, world.listId);
    const console = await consoleLogin(world.coordinator.email, world.coordinator.password);
    await console.get(`/console/udgaver/${editionId}`);
    const res = await console.post(`/console/udgaver/${editionId}/godkend`, {});
    expect(res.status).toBe(409);
    expect(res.text).toContain('<h1>');
  });

  it('builds the language link of the CSRF refusal page from a local path', async () => {
    const res = await fetch(new URL('/portal//evil.example/x', baseUrl), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(res.status).toBe(403);
    const href = /class="lang" href="([^"]*)"/.exec(await res.text())![1];
    expect(href.startsWith('/')).toBe(true);
    expect(href.startsWith('//')).toBe(false);
    expect(href).toBe('/portal/evil.example/x?lang=en');
  });
});

describe('ended member sessions (item 16)', () => {
  it('wipes the sealed identity at logout, on idle expiry and in the periodic clean-up', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    const { client } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const sealed = () => t.dataSource.query(`SELECT id, sealed_identity IS NOT NULL AS sealed, ended_at FROM member_session WHERE member_id = $1 ORDER BY created_at`, [member.id]);
    expect((await client.post('/portal/logout', {})).status).toBe(303);
    expect((await sealed()).map((s: { sealed: boolean }) => s.sealed)).toEqual([false]);

    const idle = new PortalClient(baseUrl);
    await idle.get('/portal/login');
    await idle.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
    await withClockAt(31 * 60, async () => expect((await idle.get('/portal')).location).toBe('/portal/login'));
    const afterIdle = await sealed();
    expect(afterIdle[1].sealed).toBe(false);
    expect(afterIdle[1].ended_at).not.toBeNull();

    const forgotten = new PortalClient(baseUrl);
    await forgotten.get('/portal/login');
    await forgotten.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD });
    expect((await sealed())[2].sealed).toBe(true);
    const ended = await withClockAt(31 * 60, () => t.app.get(MemberAuthService).endIdleSessions());
    expect(ended).toBeGreaterThanOrEqual(1);
    expect((await sealed()).every((s: { sealed: boolean }) => !s.sealed)).toBe(true);
  });
});
