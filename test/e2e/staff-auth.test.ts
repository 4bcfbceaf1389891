import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '../../src/common/clock.js';
import { generate } from 'otplib';
import request from 'supertest';
import { insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES: '3', BASE_URL: 'https://listebud.example.org' });
});
afterAll(() => t.close());

/** Every cookie the answer set, as a Cookie header (the session and the CSRF cookie). */
const allCookies = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

function sessionCookie(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('lb_staff='));
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

describe('staff login', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict session cookie that opens the API', async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    const res = await request(t.http).post('/api/v1/auth/login').send({ email: staff.email.toUpperCase(), password: staff.password }).expect(200);
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await request(t.http).get('/api/v1/auth/me').set('Cookie', cookie.split(';')[0]).expect(200);
    expect(me.body).toMatchObject({ id: staff.id, role: 'coordinator' });
  });

  it('gives the same generic answer for a wrong password and an unknown account', async () => {
    const staff = await insertStaff(t.app, 'admin');
    const wrong = await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: 'wrong password!!' }).expect(401);
    const unknown = await request(t.http).post('/api/v1/auth/login').send({ email: `nobody.${unique()}@x.org`, password: 'wrong password!!' }).expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.body.code).toBe('LOGIN_FAILED');
    expect(JSON.stringify(wrong.body)).not.toContain(staff.email);
  });

  it('delays an account after repeated failures from one address, even with the right password', async () => {
    const staff = await insertStaff(t.app, 'admin');
    for (let i = 0; i < 3; i++) {
      await request(t.http).post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.0.1').send({ email: staff.email, password: 'not the password' }).expect(401);
    }
    const res = await request(t.http).post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.0.1').send({ email: staff.email, password: staff.password }).expect(429);
    expect(res.body.code).toBe('LOGIN_THROTTLED');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM login_attempt WHERE throttle_key LIKE '%@%'`);
    expect(n).toBe(0);
  });

  it('ends the session on logout', async () => {
    const staff = await insertStaff(t.app, 'auditor');
    const login = await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(200);
    const cookie = sessionCookie(login).split(';')[0];
    await request(t.http).post('/api/v1/auth/logout').set('Cookie', allCookies(login)).set('X-CSRF-Token', login.headers['x-csrf-token']).expect(204);
    await request(t.http).get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
    const actions = (await t.dataSource.query('SELECT action FROM audit_event WHERE subject_id = $1 ORDER BY seq', [staff.id])).map(
      (r: { action: string }) => r.action,
    );
    expect(actions).toEqual(['staff.created', 'api_token.created', 'staff.logged_in', 'staff.logged_out']);
  });

  it('expires a session that has been idle longer than the idle timeout', async () => {
    const staff = await insertStaff(t.app, 'auditor');
    const login = await request(t.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(200);
    const cookie = sessionCookie(login).split(';')[0];
    await t.dataSource.query(`UPDATE staff_session SET last_seen_at = now() - interval '31 minutes' WHERE staff_id = $1`, [staff.id]);
    await request(t.http).get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
  });

  it('refuses a revoked or malformed bearer token', async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    await t.dataSource.query('UPDATE api_token SET revoked_at = now() WHERE staff_id = $1', [staff.id]);
    await request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${staff.token}`).expect(401);
    await request(t.http).get('/api/v1/auth/me').set('Authorization', 'Basic abc').expect(401);
  });
});

describe('staff two-step login (STAFF_TOTP_REQUIRED)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ STAFF_TOTP_REQUIRED: 'true' });
  });
  afterAll(() => strict.close());

  it('lets a new session only set up TOTP, then asks every login for a code', async () => {
    const staff = await insertStaff(strict.app, 'coordinator');
    const first = await request(strict.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(200);
    const cookie = sessionCookie(first).split(';')[0];
    const refused = await request(strict.http).get('/api/v1/networks').set('Cookie', cookie).expect(403);
    expect(refused.body.code).toBe('TOTP_SETUP_REQUIRED');
    await request(strict.http).get('/api/v1/auth/me').set('Cookie', cookie).expect(200);

    const writeCookies = allCookies(first);
    const csrf = first.headers['x-csrf-token'];
    const setup = await request(strict.http).post('/api/v1/auth/totp/setup').set('Cookie', writeCookies).set('X-CSRF-Token', csrf).expect(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.otpauthUri).not.toContain(encodeURIComponent(staff.email));
    const secret = setup.body.secret as string;
    const stored = await strict.dataSource.query(`SELECT totp_secret FROM staff_account WHERE id = $1`, [staff.id]);
    expect(stored[0].totp_secret).not.toContain(secret);
    const wrong = await request(strict.http).post('/api/v1/auth/totp/enable').set('Cookie', writeCookies).set('X-CSRF-Token', csrf).send({ code: '12345' }).expect(400);
    expect(wrong.body.field).toBe('code');
    await request(strict.http).post('/api/v1/auth/totp/enable').set('Cookie', writeCookies).set('X-CSRF-Token', csrf).send({ code: await generate({ secret }) }).expect(204);
    await request(strict.http).get('/api/v1/networks').set('Cookie', cookie).expect(200);

    const noCode = await request(strict.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password }).expect(401);
    expect(noCode.body.code).toBe('SECOND_FACTOR_REQUIRED');
    const badCode = await request(strict.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password, code: (await generate({ secret })) === '000000' ? '111111' : '000000' }).expect(401);
    expect(badCode.body.code).toBe('LOGIN_FAILED');
    // Each code works once (the one that enabled TOTP is spent): log in with the next one, 30 s later.
    const later = Date.now() + 30_000;
    const spy = jest.spyOn(strict.app.get(Clock), 'now').mockReturnValue(new Date(later));
    try {
      const good = await request(strict.http).post('/api/v1/auth/login').send({ email: staff.email, password: staff.password, code: await generate({ secret, epoch: Math.floor(later / 1000) }) }).expect(200);
      await request(strict.http).get('/api/v1/networks').set('Cookie', sessionCookie(good).split(';')[0]).expect(200);
    } finally {
      spy.mockRestore();
    }
  });
});
