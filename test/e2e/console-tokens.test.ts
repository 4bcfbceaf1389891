import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { insertStaff } from '../factories/factories.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApp();
  baseUrl = await t.listen();
});
afterAll(() => t.close());

async function consoleLogin(email: string, password: string): Promise<PortalClient> {
  const client = new PortalClient(baseUrl);
  await client.get('/console/login');
  const res = await client.post('/console/login', { email, password });
  expect(res.status).toBe(303);
  return client;
}

describe('the console', () => {
  it("lets a staff member make, see and revoke their own API tokens on 'API-nøgler'", async () => {
    const staff = await insertStaff(t.app, 'coordinator');
    const client = await consoleLogin(staff.email, staff.password);
    const page = await client.get('/console/noegler');
    expect(page.status).toBe(200);
    expect(page.text).toContain('API-nøgler');
    const bad = await client.post('/console/noegler', { name: 'script', expiresInDays: '500' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="expiresInDays-error"/);
    const made = await client.post('/console/noegler', { name: 'natligt script', expiresInDays: '30' });
    expect(made.status).toBe(201);
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(made.text)?.[1];
    expect(token).toMatch(/^lb_/);
    await request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    const [row] = await t.dataSource.query(`SELECT id FROM api_token WHERE staff_id = $1 AND name = 'natligt script'`, [staff.id]);
    const listed = await client.get('/console/noegler');
    expect(listed.text).toContain('natligt script');
    expect(listed.text).not.toContain(token!);
    const revoked = await client.post(`/console/noegler/${row.id}/tilbagekald`, {});
    expect(revoked.status).toBe(303);
    await request(t.http).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('lets an admin disable a staff account from the staff page, which ends its console session at once', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const staff = await insertStaff(t.app, 'auditor');
    const theirs = await consoleLogin(staff.email, staff.password);
    expect((await theirs.get('/console/revision')).status).toBe(200);
    const mine = await consoleLogin(admin.email, admin.password);
    const page = await mine.get('/console/medarbejdere');
    expect(page.text).toContain(`action="/console/medarbejdere/${staff.id}/deaktiver"`);
    expect(page.text).not.toContain(`action="/console/medarbejdere/${admin.id}/deaktiver"`);
    expect((await mine.post(`/console/medarbejdere/${staff.id}/deaktiver`, {})).status).toBe(303);
    expect((await theirs.get('/console/revision')).status).not.toBe(200);
    expect((await mine.get('/console/medarbejdere')).text).toContain(`action="/console/medarbejdere/${staff.id}/aktiver"`);
    expect((await mine.post(`/console/medarbejdere/${staff.id}/aktiver`, {})).status).toBe(303);
  });
});
