import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { grantConsent, insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let networkId: string;
let first: { token: string; id: string };
let second: { token: string; id: string };

beforeAll(async () => {
  t = await startTestApp();
  networkId = (await insertNetwork(t.app)).id;
  await insertConsentText(t.app, networkId);
  first = await insertStaff(t.app, 'coordinator', [networkId]);
  second = await insertStaff(t.app, 'coordinator', [networkId]);
});
afterAll(() => t.close());

const as = (who: { token: string }) => ({
  get: (path: string) => request(t.http).get(path).set('Authorization', `Bearer ${who.token}`),
  post: (path: string, body?: object) => request(t.http).post(path).set('Authorization', `Bearer ${who.token}`).send(body),
});
const countLists = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM contact_list`))[0].n);

describe('list definitions', () => {
  it('creates a list with the defaults a coordinator expects', async () => {
    const res = await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `l-${unique()}`, title: 'Kontaktliste' }).expect(201);
    expect(res.body).toMatchObject({
      columns: ['name', 'email', 'phone', 'address', 'postal_code', 'city', 'about_me'],
      formats: ['xlsx', 'pdf'],
      schedule: null,
      timeZone: 'Europe/Copenhagen',
      bundleLifetimeDays: 30,
      recipientsRule: 'listed_members',
      skipUnchanged: false,
      requiresApproval: false,
    });
  });

  const bad: [string, object, string][] = [
    ['an unknown column', { columns: ['name', 'cpr'] }, 'columns'],
    ['an unknown format', { formats: ['docx'] }, 'formats'],
    ['a broken cron schedule', { schedule: '61 * * * *' }, 'schedule'],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
    ['a lifetime of 0 days', { bundleLifetimeDays: 0 }, 'bundleLifetimeDays'],
    ['an unknown recipients rule', { recipientsRule: 'everyone' }, 'recipientsRule'],
  ];
  for (const [label, patch, field] of bad) {
    it(`refuses ${label}, naming the field, and creates nothing`, async () => {
      const before = await countLists();
      const res = await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `l-${unique()}`, title: 'X', ...patch }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countLists()).toBe(before);
    });
  }
});

describe('changing a list', () => {
  it('applies the same rules as creating one and changes nothing on bad input', async () => {
    const list = (await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `u-${unique()}`, title: 'Før' }).expect(201)).body;
    const patch = (body: object) => request(t.http).patch(`/api/v1/lists/${list.id}`).set('Authorization', `Bearer ${first.token}`).send(body);
    const bad = await patch({ title: 'Efter', columns: ['name', 'cpr'] }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('columns');
    expect((await patch({ slug: 'nyt-navn' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as(first).get(`/api/v1/lists/${list.id}`).expect(200)).body).toMatchObject({ title: 'Før', slug: list.slug });
    const changed = (await patch({ title: 'Efter', formats: ['pdf'] }).expect(200)).body;
    expect(changed).toMatchObject({ title: 'Efter', formats: ['pdf'], columns: list.columns });
  });
});

describe('preview and four-eyes approval', () => {
  it('previews the rows and the diff without storing anything', async () => {
    const member = await insertMember(t.app, networkId, { name: 'Vises I Forhåndsvisning' });
    await grantConsent(t.app, networkId, member.id, ['name']);
    const list = (await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `p-${unique()}`, title: 'P', columns: ['name', 'email'] }).expect(201)).body;
    const preview = (await as(first).get(`/api/v1/lists/${list.id}/preview`).expect(200)).body;
    expect(preview.columns).toEqual(['name', 'email']);
    expect(preview.rows).toContainEqual({ memberId: member.id, values: { name: 'Vises I Forhåndsvisning' } });
    expect(preview.diff.added).toContain(member.id);
    expect((await as(first).get(`/api/v1/lists/${list.id}/editions`).expect(200)).body).toEqual([]);
  });

  it('keeps an edition waiting until a second coordinator approves it, and audits the approval', async () => {
    const list = (await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `a-${unique()}`, title: 'A', requiresApproval: true }).expect(201)).body;
    const edition = (await as(first).post(`/api/v1/lists/${list.id}/editions`).expect(201)).body;
    expect(edition.state).toBe('awaiting_approval');
    expect((await as(first).get(`/api/v1/editions/${edition.id}/bundles`).expect(200)).body).toEqual([]);

    const self = await as(first).post(`/api/v1/editions/${edition.id}/approve`).expect(403);
    expect(self.body.code).toBe('APPROVAL_NEEDS_SECOND_PERSON');
    expect((await as(first).get(`/api/v1/editions/${edition.id}`).expect(200)).body.state).toBe('awaiting_approval');

    const approved = (await as(second).post(`/api/v1/editions/${edition.id}/approve`).expect(200)).body;
    expect(approved.state).toBe('building');
    expect((await as(second).post(`/api/v1/editions/${edition.id}/approve`).expect(409)).body.code).toBe('EDITION_NOT_AWAITING_APPROVAL');
    const [event] = await t.dataSource.query(`SELECT actor_id, detail FROM audit_event WHERE action = 'edition.approved' AND subject_id = $1`, [edition.id]);
    expect(event).toMatchObject({ actor_id: second.id, detail: { requestedById: first.id } });
  });

  it('lets only an admin turn four-eyes approval off; a coordinator gets 403 and the list keeps it', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const list = (await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `r-${unique()}`, title: 'R', requiresApproval: true }).expect(201)).body;
    const patch = (who: { token: string }, body: object) =>
      request(t.http).patch(`/api/v1/lists/${list.id}`).set('Authorization', `Bearer ${who.token}`).send(body);
    const refused = await patch(first, { requiresApproval: false, title: 'Uden godkendelse' }).expect(403);
    expect(refused.body.code).toBe('APPROVAL_OFF_NEEDS_ADMIN');
    expect((await as(first).get(`/api/v1/lists/${list.id}`).expect(200)).body).toMatchObject({ requiresApproval: true, title: 'R' });
    expect((await as(first).post(`/api/v1/lists/${list.id}/editions`).expect(201)).body.state).toBe('awaiting_approval');
    // Turning it on, or repeating that it is on, stays open to coordinators.
    await patch(first, { requiresApproval: true, title: 'R2' }).expect(200);
    expect((await patch(admin, { requiresApproval: false }).expect(200)).body.requiresApproval).toBe(false);
    const [event] = await t.dataSource.query(
      `SELECT actor_id, detail FROM audit_event WHERE action = 'list.updated' AND subject_id = $1 ORDER BY seq DESC LIMIT 1`, [list.id]);
    expect(event).toMatchObject({ actor_id: admin.id, detail: { fields: ['requiresApproval'], requiresApproval: false } });
  });
});

describe('publishing unchanged content', () => {
  it('answers 409 EDITION_UNCHANGED and publishes nothing unless the request says force', async () => {
    const member = await insertMember(t.app, networkId);
    await grantConsent(t.app, networkId, member.id, ['name']);
    const list = (await as(first).post(`/api/v1/networks/${networkId}/lists`, { slug: `u-${unique()}`, title: 'U' }).expect(201)).body;
    await as(first).post(`/api/v1/lists/${list.id}/editions`).expect(201);
    const refused = await as(first).post(`/api/v1/lists/${list.id}/editions`).expect(409);
    expect(refused.body.code).toBe('EDITION_UNCHANGED');
    expect((await as(first).get(`/api/v1/lists/${list.id}/editions`).expect(200)).body).toHaveLength(1);
    const bad = await as(first).post(`/api/v1/lists/${list.id}/editions`, { force: 'yes' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('force');
    await as(first).post(`/api/v1/lists/${list.id}/editions`, { force: true }).expect(201);
    expect((await as(first).get(`/api/v1/lists/${list.id}/editions`).expect(200)).body).toHaveLength(2);
    await grantConsent(t.app, networkId, member.id, ['name', 'email']);
    await as(first).post(`/api/v1/lists/${list.id}/editions`).expect(201);
  });
});
