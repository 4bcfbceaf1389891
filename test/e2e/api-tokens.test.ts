import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generate } from 'otplib';
import request from 'supertest';
import { Clock } from '../../src/common/clock.js';
import { insertStaff } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A same-origin browser session: the cookie, and the headers a same-origin request carries. */
async function session(email: string, password: string, code?: string) {
  const res = await request(t.http).post('/api/v1/auth/login').send({ email, password, code }).expect(200);
  const cookie = String(([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('lb_staff='))).split(';')[0];
  const headers = { Cookie: cookie, Origin: 'http://localhost:3000', 'Sec-Fetch-Site': 'same-origin' };
  return {
    cookie,
    post: (path: string, body: object = {}) => request(t.http).post(path).set(headers).send(body),
    get: (path: string) => request(t.http).get(path).set(headers),
    del: (path: string) => request(t.http).delete(path).set(headers),
  };
}
const bearer = (token: string) => ({
  get: (path: string) => request(t.http).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string, body: object = {}) => request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body),
  del: (path: string) => request(t.http).delete(path).set('Authorization', `Bearer ${token}`),
});
const actions = async (subjectId: string) =>
  (await t.dataSource.query('SELECT action, detail FROM audit_event WHERE subject_id = $1 ORDER BY seq', [subjectId])) as { action: string; detail: Record<string, unknown> }[];

describe('API tokens', () => {
  it('expire after 90 days unless expiresInDays says otherwise, and stop working when they have', async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    const me = await session(staff.email, staff.password);
    const made = (await me.post('/api/v1/tokens', { name: 'nightly' }).expect(201)).body;
    expect(Math.abs(Date.parse(made.expiresAt) - Date.now() - 90 * DAY)).toBeLessThan(60_000);
    const week = (await me.post('/api/v1/tokens', { name: 'a week', expiresInDays: 7 }).expect(201)).body;
    expect(Math.abs(Date.parse(week.expiresAt) - Date.now() - 7 * DAY)).toBeLessThan(60_000);
    for (const expiresInDays of [0, 366, 1.5, 'ten']) {
      const bad = await me.post('/api/v1/tokens', { name: 'bad', expiresInDays }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('expiresInDays');
    }
    await bearer(made.token).get('/api/v1/auth/me').expect(200);
    await t.dataSource.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [made.id]);
    await bearer(made.token).get('/api/v1/auth/me').expect(401);
    await bearer(week.token).get('/api/v1/auth/me').expect(200);
  });

  it('are listed without their secret and revoked by their owner or an admin, each revocation audited', async () => {
    const staff = await insertStaff(t.app, 'auditor');
    const admin = await insertStaff(t.app, 'admin');
    const other = await insertStaff(t.app, 'coordinator');
    const me = await session(staff.email, staff.password);
    const a = (await me.post('/api/v1/tokens', { name: 'script a' }).expect(201)).body;
    const b = (await me.post('/api/v1/tokens', { name: 'script b' }).expect(201)).body;
    const listed = (await me.get('/api/v1/tokens').expect(200)).body;
    expect(listed.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['script a', 'script b', 'test']));
    expect(listed[0]).toEqual({ id: expect.any(String), name: expect.any(String), createdAt: expect.any(String), expiresAt: expect.any(String), lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(a.token);
    // The list works with a token too (a script checking its own expiry).
    expect((await bearer(a.token).get('/api/v1/tokens').expect(200)).body.find((x: { id: string }) => x.id === a.id).lastUsedAt).not.toBeNull();

    expect((await bearer(other.token).del(`/api/v1/tokens/${a.id}`).expect(404)).body.code).toBe('API_TOKEN_NOT_FOUND');
    await bearer(a.token).get('/api/v1/auth/me').expect(200);
    await me.del(`/api/v1/tokens/${a.id}`).expect(204);
    await bearer(a.token).get('/api/v1/auth/me').expect(401);
    await me.del(`/api/v1/tokens/${a.id}`).expect(404);

    expect((await bearer(admin.token).get(`/api/v1/staff/${staff.id}/tokens`).expect(200)).body).toHaveLength(3);
    await bearer(other.token).get(`/api/v1/staff/${staff.id}/tokens`).expect(403);
    await bearer(admin.token).del(`/api/v1/tokens/${b.id}`).expect(204);
    await bearer(b.token).get('/api/v1/auth/me').expect(401);
    const revoked = (await actions(staff.id)).filter((e) => e.action === 'api_token.revoked');
    expect(revoked.map((e) => e.detail.tokenId)).toEqual([a.id, b.id]);
  });

  it('are made only from a logged-in session, never by another token (a token could extend itself)', async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    const res = await bearer(staff.token).post('/api/v1/tokens', { name: 'from a token' }).expect(403);
    expect(res.body.code).toBe('TOKEN_NEEDS_SESSION');
  });

  it('need a session that passed two-step login when the account has it', async () => {
    const staff = await insertStaff(t.app, 'admin');
    const before = await session(staff.email, staff.password);
    const { secret } = (await before.post('/api/v1/auth/totp/setup').expect(200)).body;
    await before.post('/api/v1/auth/totp/enable', { code: await generate({ secret }) }).expect(204);
    // This session began before two-step login was on: its password alone made it.
    expect((await before.post('/api/v1/tokens', { name: 'x' }).expect(403)).body.code).toBe('SECOND_FACTOR_SESSION_REQUIRED');
    // Each code works once (the one that switched two-step on is spent): log in with the next one.
    const later = Date.now() + 30_000;
    const spy = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(later));
    try {
      const after = await session(staff.email, staff.password, await generate({ secret, epoch: Math.floor(later / 1000) }));
      await after.post('/api/v1/tokens', { name: 'x' }).expect(201);
    } finally {
      spy.mockRestore();
    }
  });

  it('are made by tokens:create on the command line, which prints the expiry', async () => {
    const staff = await insertStaff(t.app, 'auditor');
    const env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
    const made = await runCli(['tokens:create', '--email', staff.email, '--name', 'cli', '--expires-in-days', '30'], env);
    expect(made.code).toBe(0);
    expect(Math.abs(Date.parse(String(made.json!.expiresAt)) - Date.now() - 30 * DAY)).toBeLessThan(120_000);
    await bearer(String(made.json!.token)).get('/api/v1/auth/me').expect(200);
    const bad = await runCli(['tokens:create', '--email', staff.email, '--name', 'cli', '--expires-in-days', '9999'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expiresInDays/);
  });
});

describe('disabling a staff account', () => {
  it('ends its sessions and tokens at once, refuses its logins, and is audited; enabling brings back the login only', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const staff = await insertStaff(t.app, 'coordinator');
    const live = await session(staff.email, staff.password);
    await live.get('/api/v1/auth/me').expect(200);
    const res = await bearer(admin.token).post(`/api/v1/staff/${staff.id}/disable`).expect(200);
    expect(res.body).toMatchObject({ id: staff.id, disabledAt: expect.any(String) });
    await live.get('/api/v1/auth/me').expect(401);
    await bearer(staff.token).get('/api/v1/auth/me').expect(401);
    await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(401);
    const [{ open }] = await t.dataSource.query('SELECT count(*)::int AS open FROM staff_session WHERE staff_id = $1 AND ended_at IS NULL', [staff.id]);
    const [{ live: liveTokens }] = await t.dataSource.query('SELECT count(*)::int AS live FROM api_token WHERE staff_id = $1 AND revoked_at IS NULL', [staff.id]);
    expect({ open, liveTokens }).toEqual({ open: 0, liveTokens: 0 });
    const disabled = (await actions(staff.id)).find((e) => e.action === 'staff.disabled');
    expect(disabled?.detail).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect((await bearer(admin.token).get('/api/v1/staff').expect(200)).body.find((s: { id: string }) => s.id === staff.id).disabledAt).toEqual(expect.any(String));

    await bearer(admin.token).post(`/api/v1/staff/${staff.id}/enable`).expect(200);
    await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(200);
    await bearer(staff.token).get('/api/v1/auth/me').expect(401);
  });

  it('is for admins only, and an admin cannot disable their own account', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const coordinator = await insertStaff(t.app, 'coordinator');
    await bearer(coordinator.token).post(`/api/v1/staff/${admin.id}/disable`).expect(403);
    expect((await bearer(admin.token).post(`/api/v1/staff/${admin.id}/disable`).expect(409)).body.code).toBe('STAFF_CANNOT_DISABLE_SELF');
    expect((await bearer(admin.token).post(`/api/v1/staff/00000000-0000-4000-8000-000000000000/disable`)).status).toBe(404);
  });
});
