import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MemberAuthService } from '../../src/member-accounts/member-auth.service.js';
import { insertStaff } from '../factories/factories.js';
import { activateMember, consentingMember, flushMail, MEMBER_PASSWORD, portalWorld } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, LOGIN_MAX_FAILURES: '3' });
  baseUrl = await t.listen();
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const login = (from: string, email: string, password: string) =>
  request(t.http).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email, password });
/** Moves every recorded attempt back in time, as if the delay had passed. */
const wait = (seconds: number) => t.dataSource.query(`UPDATE login_attempt SET at = at - make_interval(secs => $1)`, [seconds]);

describe('failed logins delay, they do not lock', () => {
  it("lets the owner log in from another address while an attacker's address is being delayed", async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    for (let i = 0; i < 6; i++) await login('10.1.0.1', staff.email, 'not the password at all');
    expect((await login('10.1.0.1', staff.email, staff.password).expect(429)).body.code).toBe('LOGIN_THROTTLED');
    await login('10.1.0.2', staff.email, staff.password).expect(200);
  });

  it('refuses even the right password during the delay and doubles the delay with each further failure, up to 15 minutes', async () => {
    const staff = await insertStaff(t.app, 'admin');
    const from = '10.1.1.1';
    for (let i = 0; i < 3; i++) await login(from, staff.email, 'not the password at all').expect(401);
    const first = await login(from, staff.email, staff.password).expect(429);
    expect(first.body.message).toMatch(/try again in 30 seconds/i);
    await wait(31);
    await login(from, staff.email, 'still not the password').expect(401);
    expect((await login(from, staff.email, staff.password).expect(429)).body.message).toMatch(/try again in 1 minute\b/i);
    await wait(61);
    await login(from, staff.email, 'still not the password').expect(401);
    expect((await login(from, staff.email, staff.password).expect(429)).body.message).toMatch(/try again in 2 minutes/i);
    for (let i = 0; i < 5; i++) {
      await wait(16 * 60);
      await login(from, staff.email, 'still not the password').expect(401);
    }
    expect((await login(from, staff.email, staff.password).expect(429)).body.message).toMatch(/try again in 15 minutes/i);
    await wait(15 * 60 + 1);
    await login(from, staff.email, staff.password).expect(200);
    // A success clears the account's delays from that address (the address's own count stays below 12).
    await login(from, staff.email, 'one more slip of the finger').expect(401);
    await login(from, staff.email, staff.password).expect(200);
  });

  it('delays an address that tries many accounts, whichever account it names', async () => {
    const from = '10.1.2.1';
    for (let i = 0; i < 12; i++) await login(from, `nobody.${i}.${Date.now()}@example.org`, 'guessing passwords').expect(401);
    const staff = await insertStaff(t.app, 'auditor');
    expect((await login(from, staff.email, staff.password).expect(429)).body.code).toBe('LOGIN_THROTTLED');
    await login('10.1.2.2', staff.email, staff.password).expect(200);
  });

  it('treats member logins the same way and mails the owner once about the failed attempts', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const auth = t.app.get(MemberAuthService);
    for (let i = 0; i < 5; i++) await expect(auth.login(member.email, 'not the right password', '10.3.0.1')).rejects.toMatchObject({ code: expect.stringMatching(/LOGIN_FAILED|LOGIN_THROTTLED/) });
    await expect(auth.login(member.email, MEMBER_PASSWORD, '10.3.0.1')).rejects.toMatchObject({ code: 'LOGIN_THROTTLED' });
    await expect(auth.login(member.email, MEMBER_PASSWORD, '10.3.0.2')).resolves.toMatchObject({ cookie: expect.any(String) });
    await flushMail(t.app);
    const mails = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email) && /forkerte forsøg/i.test(m.subject));
    expect(mails).toHaveLength(1);
    expect(mails[0].text).not.toContain(member.name);
  });
});
