import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof insertStaff>>;
let coordinator: Awaited<ReturnType<typeof insertStaff>>;
let networkId: string;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await startTestApp();
  admin = await insertStaff(t.app, 'admin');
  networkId = (await insertNetwork(t.app)).id;
  coordinator = await insertStaff(t.app, 'coordinator', [networkId]);
});
afterAll(() => t.close());

describe('health and API description', () => {
  it('reports the database kind on /health without a login', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'postgres', migrations: 'up to date' });
  });

  it('serves the OpenAPI document with the member and consent routes', async () => {
    const res = await request(t.http).get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/networks',
        '/api/v1/networks/{networkId}/members',
        '/api/v1/members/{memberId}',
        '/api/v1/networks/{networkId}/members/{memberId}/consents',
        '/api/v1/networks/{networkId}/consent-texts',
      ]),
    );
    await request(t.http).get('/api/docs').expect(200);
  });
});

describe('networks', () => {
  it('lets an admin create a network and refuses a taken slug', async () => {
    const slug = `hjerte-${unique()}`;
    const res = await request(t.http).post('/api/v1/networks').set(auth(admin.token)).send({ slug, name: 'Hjertenetværket' }).expect(201);
    expect(res.body).toMatchObject({ slug, name: 'Hjertenetværket' });
    const again = await request(t.http).post('/api/v1/networks').set(auth(admin.token)).send({ slug, name: 'Igen' }).expect(409);
    expect(again.body).toMatchObject({ code: 'NETWORK_SLUG_TAKEN', field: 'slug' });
  });

  it('shows a coordinator only the networks they coordinate', async () => {
    await insertNetwork(t.app);
    const res = await request(t.http).get('/api/v1/networks').set(auth(coordinator.token)).expect(200);
    expect(res.body.map((n: { id: string }) => n.id)).toEqual([networkId]);
  });
});

describe('members', () => {
  it('creates a member with a normalised e-mail and phone and an active membership', async () => {
    const email = `Kirsten.${unique()}@Example.DK`;
    const res = await request(t.http)
      .post(`/api/v1/networks/${networkId}/members`)
      .set(auth(coordinator.token))
      .send({ name: 'Kirsten Ærø', email, phone: '20 12 34 56', city: 'Århus' })
      .expect(201);
    expect(res.body).toMatchObject({ email: email.toLowerCase(), phone: '+4520123456', memberships: [{ networkId, status: 'active' }] });
  });

  it('answers bad input with 400 naming every field and its problem, and stores nothing', async () => {
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM member');
    const res = await request(t.http)
      .post(`/api/v1/networks/${networkId}/members`)
      .set(auth(coordinator.token))
      .send({ name: 'x'.repeat(201), email: 'not-an-email', phone: 'abc', colour: 'blue' })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.requestId).toEqual(expect.any(String));
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'colour']));
    for (const e of res.body.errors) expect(e).toEqual({ field: expect.any(String), code: expect.any(String), message: expect.any(String) });
    const after = await t.dataSource.query('SELECT count(*)::int AS n FROM member');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses an e-mail that is not valid and a CPR number, naming the field without echoing the value', async () => {
    const res = await request(t.http)
      .post(`/api/v1/networks/${networkId}/members`)
      .set(auth(coordinator.token))
      .send({ name: 'Peter Hansen', email: 'peter@', aboutMe: 'cpr 010203-1234' })
      .expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'email' }),
        expect.objectContaining({ field: 'about_me', code: 'CPR_NUMBER' }),
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain('010203-1234');
  });

  it('refuses a second member with the same e-mail', async () => {
    const member = await insertMember(t.app, networkId);
    const res = await request(t.http)
      .post(`/api/v1/networks/${networkId}/members`)
      .set(auth(coordinator.token))
      .send({ name: 'Another', email: member.email.toUpperCase() })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'MEMBER_EMAIL_TAKEN', field: 'email' });
  });

  it('searches by name and pages in name order', async () => {
    const tag = unique();
    for (const name of ['Øjvind', 'Anders', 'Åse', 'Bent']) await insertMember(t.app, networkId, { name: `${name} ${tag}` });
    const page1 = await request(t.http).get(`/api/v1/networks/${networkId}/members`).query({ q: tag, pageSize: 2 }).set(auth(coordinator.token)).expect(200);
    expect(page1.body.total).toBe(4);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await request(t.http).get(`/api/v1/networks/${networkId}/members`).query({ q: tag, pageSize: 2, page: 2 }).set(auth(coordinator.token)).expect(200);
    const ids = [...page1.body.items, ...page2.body.items].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('updates contact fields and writes an audit event naming only the changed fields', async () => {
    const member = await insertMember(t.app, networkId);
    await request(t.http).patch(`/api/v1/members/${member.id}`).set(auth(coordinator.token)).send({ city: 'Vejle' }).expect(200);
    const [event] = await t.dataSource.query(
      `SELECT action, detail FROM audit_event WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1`,
      [member.id],
    );
    expect(event).toEqual({ action: 'member.updated', detail: { fields: ['city'] } });
  });

  it('pauses a membership and records the change', async () => {
    const member = await insertMember(t.app, networkId);
    const res = await request(t.http)
      .put(`/api/v1/networks/${networkId}/members/${member.id}/membership`)
      .set(auth(coordinator.token))
      .send({ status: 'paused' })
      .expect(200);
    expect(res.body.status).toBe('paused');
    const bad = await request(t.http)
      .put(`/api/v1/networks/${networkId}/members/${member.id}/membership`)
      .set(auth(coordinator.token))
      .send({ status: 'gone' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'status' });
  });

  it('names a malformed id in the path as the problem', async () => {
    const res = await request(t.http).get('/api/v1/members/not-a-uuid').set(auth(coordinator.token)).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'memberId' });
  });
});

describe('consent', () => {
  it('records consent by phone, shows it as current, then a withdrawal wins', async () => {
    const member = await insertMember(t.app, networkId);
    const text = await insertConsentText(t.app, networkId);
    const base = `/api/v1/networks/${networkId}/members/${member.id}/consents`;
    await request(t.http)
      .post(base)
      .set(auth(coordinator.token))
      .send({ fields: ['name', 'phone'], consentTextVersion: text.version, channel: 'phone', note: 'telefonsamtale' })
      .expect(201);
    const current = await request(t.http).get(`${base}/current`).set(auth(coordinator.token)).expect(200);
    expect(current.body.fields).toEqual(['name', 'phone']);

    await request(t.http).post(`${base}/withdrawal`).set(auth(coordinator.token)).send({ channel: 'email' }).expect(201);
    const after = await request(t.http).get(`${base}/current`).set(auth(coordinator.token)).expect(200);
    expect(after.body.fields).toEqual([]);

    const history = await request(t.http).get(base).set(auth(coordinator.token)).expect(200);
    expect(history.body.map((r: { kind: string; channel: string }) => [r.kind, r.channel])).toEqual([
      ['withdrawal', 'email'],
      ['grant', 'phone'],
    ]);
    expect(history.body[1]).toMatchObject({ consentTextVersion: text.version, recordedByType: 'staff', recordedById: coordinator.id });
  });

  it('refuses an unknown field, an unknown consent text version and the portal channel from staff', async () => {
    const member = await insertMember(t.app, networkId);
    await insertConsentText(t.app, networkId);
    const base = `/api/v1/networks/${networkId}/members/${member.id}/consents`;
    const bad = await request(t.http).post(base).set(auth(coordinator.token)).send({ fields: ['cpr'], consentTextVersion: 1, channel: 'portal' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['fields', 'channel']));
    const noText = await request(t.http).post(base).set(auth(coordinator.token)).send({ fields: ['name'], consentTextVersion: 99, channel: 'paper' }).expect(400);
    expect(noText.body).toMatchObject({ code: 'CONSENT_TEXT_NOT_FOUND', field: 'consentTextVersion' });
  });

  it('keeps consent append-only in the database itself', async () => {
    const member = await insertMember(t.app, networkId);
    await insertConsentText(t.app, networkId);
    await request(t.http)
      .post(`/api/v1/networks/${networkId}/members/${member.id}/consents`)
      .set(auth(coordinator.token))
      .send({ fields: ['name'], consentTextVersion: 1, channel: 'paper' })
      .expect(201);
    await expect(t.dataSource.query(`UPDATE consent SET fields = '{name,email}' WHERE member_id = $1`, [member.id])).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM consent WHERE member_id = $1`, [member.id])).rejects.toThrow(/append-only/);
  });
});
