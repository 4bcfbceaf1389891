import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { AccessRequestsService } from '../../src/access-requests/access-requests.service.js';

/**
 * Every endpoint × every kind of caller, with the status each must get. A coordinator of another
 * network gets 404 (the resource does not exist for them), never 403 or data.
 */
const ROLES = ['admin', 'coordA', 'coordB', 'auditor', 'anonymous', 'badToken'] as const;
type Role = (typeof ROLES)[number];
type Expect = Record<Role, number>;

const staffOnly = (admin: number, coordA: number, coordB: number, auditor: number): Expect => ({
  admin,
  coordA,
  coordB,
  auditor,
  anonymous: 401,
  badToken: 401,
});

let t: TestApp;
const tokens: Partial<Record<Role, string>> = {};
let networkA: string;
let memberA: string;
/** A member of network B only, and an id no member has: in a network-A path both are "not found". */
let memberB: string;
const NO_MEMBER = '00000000-0000-4000-8000-0000000000aa';
/** Erased by the first caller allowed to; a second erasure only cleans up leftovers (200). */
let erasableMember: string;
let staffId: string;
/** A token of the `staffId` account, revoked by the first caller allowed to. */
let spareTokenId: string;
/** Disabled and enabled again by the admin. */
let disableId: string;
let listA: string;
let editionA: string;
let keyForMember = '';
/** Editions that wait for approval, one used per caller of the approve endpoint. */
const awaitingApproval: string[] = [];
const nextAwaiting = () => awaitingApproval.shift() ?? 'missing';
/** Pending access requests, one used per caller of approve and of reject. */
const pendingRequests: string[] = [];
const nextRequest = () => pendingRequests.shift() ?? '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await startTestApp();
  networkA = (await insertNetwork(t.app)).id;
  const networkB = (await insertNetwork(t.app)).id;
  tokens.admin = (await insertStaff(t.app, 'admin')).token;
  tokens.coordA = (await insertStaff(t.app, 'coordinator', [networkA])).token;
  tokens.coordB = (await insertStaff(t.app, 'coordinator', [networkB])).token;
  tokens.auditor = (await insertStaff(t.app, 'auditor')).token;
  tokens.badToken = 'lb_thisIsNotARealTokenAtAll0123456789';
  staffId = (await insertStaff(t.app, 'coordinator')).id;
  spareTokenId = (await t.dataSource.query('SELECT id FROM api_token WHERE staff_id = $1', [staffId]))[0].id;
  disableId = (await insertStaff(t.app, 'auditor')).id;
  memberA = (await insertMember(t.app, networkA)).id;
  memberB = (await insertMember(t.app, networkB)).id;
  erasableMember = (await insertMember(t.app, networkA)).id;
  await insertConsentText(t.app, networkA);
  const asAdmin = (r: request.Test) => r.set('Authorization', `Bearer ${tokens.admin}`);
  listA = (await asAdmin(request(t.http).post(`/api/v1/networks/${networkA}/lists`)).send({ slug: `l-${unique()}`, title: 'Liste' }).expect(201)).body.id;
  editionA = (await asAdmin(request(t.http).post(`/api/v1/lists/${listA}/editions`)).expect(201)).body.id;
  // Unchanged content is published again only with force (EDITION_UNCHANGED otherwise).
  const requester = await insertStaff(t.app, 'coordinator', [networkA]);
  const approvalList = (await asAdmin(request(t.http).post(`/api/v1/networks/${networkA}/lists`)).send({ slug: `a-${unique()}`, title: 'Godkendes', requiresApproval: true }).expect(201)).body.id;
  for (let i = 0; i < ROLES.length; i++) {
    const res = await request(t.http).post(`/api/v1/lists/${approvalList}/editions`).set('Authorization', `Bearer ${requester.token}`).send({ force: true }).expect(201);
    awaitingApproval.push(res.body.id);
  }
  const requests = t.app.get(AccessRequestsService);
  for (let i = 0; i < ROLES.length * 2; i++) {
    await requests.submit({ channel: 'Helpline', name: `Person ${i}`, email: `req.${unique()}@example.org`, locale: 'da' }, `10.0.0.${i}`);
  }
  const page = await requests.list({ type: 'cli' }, { state: 'pending', pageSize: 200 });
  pendingRequests.push(...page.items.map((r) => r.id));
});

beforeEach(async () => {
  keyForMember = await identityToRecipient(await generateX25519Identity());
});
afterAll(() => t.close());

interface Case {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: () => string;
  /** The OpenAPI path this case covers. */
  route: string;
  body?: () => unknown;
  raw?: () => string;
  expect: Expect;
}

const csv = () => `Navn;E-mail\nImporteret ${unique()};imp.${unique()}@example.org\n`;

const CASES: Case[] = [
  { method: 'get', route: '/health', path: () => '/health', expect: { admin: 200, coordA: 200, coordB: 200, auditor: 200, anonymous: 200, badToken: 200 } },
  { method: 'get', route: '/api/v1/networks', path: () => '/api/v1/networks', expect: staffOnly(200, 200, 200, 200) },
  { method: 'post', route: '/api/v1/networks', path: () => '/api/v1/networks', body: () => ({ slug: `n-${unique()}`, name: 'Nyt' }), expect: staffOnly(201, 403, 403, 403) },
  { method: 'get', route: '/api/v1/networks/{networkId}', path: () => `/api/v1/networks/${networkA}`, expect: staffOnly(200, 200, 404, 200) },
  { method: 'get', route: '/api/v1/networks/{networkId}/members', path: () => `/api/v1/networks/${networkA}/members`, expect: staffOnly(200, 200, 404, 403) },
  {
    method: 'post',
    route: '/api/v1/networks/{networkId}/members',
    path: () => `/api/v1/networks/${networkA}/members`,
    body: () => ({ name: 'Ny Person', email: `new.${unique()}@example.org` }),
    expect: staffOnly(201, 201, 404, 403),
  },
  { method: 'post', route: '/api/v1/networks/{networkId}/members/import', path: () => `/api/v1/networks/${networkA}/members/import`, raw: csv, expect: staffOnly(201, 201, 404, 403) },
  { method: 'get', route: '/api/v1/members/{memberId}', path: () => `/api/v1/members/${memberA}`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'patch', route: '/api/v1/members/{memberId}', path: () => `/api/v1/members/${memberA}`, body: () => ({ city: `By ${unique()}` }), expect: staffOnly(200, 200, 404, 403) },
  {
    method: 'put',
    route: '/api/v1/networks/{networkId}/members/{memberId}/membership',
    path: () => `/api/v1/networks/${networkA}/members/${memberA}/membership`,
    body: () => ({ status: 'active' }),
    expect: staffOnly(200, 200, 404, 403),
  },
  { method: 'get', route: '/api/v1/networks/{networkId}/consent-texts', path: () => `/api/v1/networks/${networkA}/consent-texts`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/networks/{networkId}/consent-texts', path: () => `/api/v1/networks/${networkA}/consent-texts`, body: () => ({ body: 'Tekst' }), expect: staffOnly(201, 201, 404, 403) },
  { method: 'get', route: '/api/v1/networks/{networkId}/members/{memberId}/consents', path: () => `/api/v1/networks/${networkA}/members/${memberA}/consents`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/networks/{networkId}/members/{memberId}/consents/current', path: () => `/api/v1/networks/${networkA}/members/${memberA}/consents/current`, expect: staffOnly(200, 200, 404, 403) },
  {
    method: 'post',
    route: '/api/v1/networks/{networkId}/members/{memberId}/consents',
    path: () => `/api/v1/networks/${networkA}/members/${memberA}/consents`,
    body: () => ({ fields: ['name'], consentTextVersion: 1, channel: 'phone' }),
    expect: staffOnly(201, 201, 404, 403),
  },
  {
    method: 'post',
    route: '/api/v1/networks/{networkId}/members/{memberId}/consents/withdrawal',
    path: () => `/api/v1/networks/${networkA}/members/${memberA}/consents/withdrawal`,
    body: () => ({ channel: 'paper' }),
    expect: staffOnly(201, 201, 404, 403),
  },
  { method: 'get', route: '/api/v1/networks/{networkId}/lists', path: () => `/api/v1/networks/${networkA}/lists`, expect: staffOnly(200, 200, 404, 403) },
  {
    method: 'post',
    route: '/api/v1/networks/{networkId}/lists',
    path: () => `/api/v1/networks/${networkA}/lists`,
    body: () => ({ slug: `l-${unique()}`, title: 'Ny liste', columns: ['name', 'email'] }),
    expect: staffOnly(201, 201, 404, 403),
  },
  { method: 'get', route: '/api/v1/lists/{listId}', path: () => `/api/v1/lists/${listA}`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'patch', route: '/api/v1/lists/{listId}', path: () => `/api/v1/lists/${listA}`, body: () => ({ title: `Liste ${unique()}` }), expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/lists/{listId}/preview', path: () => `/api/v1/lists/${listA}/preview`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/lists/{listId}/editions', path: () => `/api/v1/lists/${listA}/editions`, body: () => ({ force: true }), expect: staffOnly(201, 201, 404, 403) },
  { method: 'get', route: '/api/v1/lists/{listId}/editions', path: () => `/api/v1/lists/${listA}/editions`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/editions/{editionId}', path: () => `/api/v1/editions/${editionA}`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/editions/{editionId}/rows', path: () => `/api/v1/editions/${editionA}/rows`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/editions/{editionId}/bundles', path: () => `/api/v1/editions/${editionA}/bundles`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/editions/{editionId}/approve', path: () => `/api/v1/editions/${nextAwaiting()}/approve`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/editions/{editionId}/revoke', path: () => `/api/v1/editions/${editionA}/revoke`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/editions/{editionId}/correct', path: () => `/api/v1/editions/${editionA}/correct`, expect: staffOnly(201, 201, 404, 403) },
  {
    method: 'get',
    route: '/api/v1/networks/{networkId}/members/{memberId}/live-editions',
    path: () => `/api/v1/networks/${networkA}/members/${memberA}/live-editions`,
    expect: staffOnly(200, 200, 404, 403),
  },
  // Every route with a member id in a network path checks that the member belongs to that network.
  ...(['ofNetworkB', 'nobody'] as const).flatMap((who): Case[] => {
    const base = (rest: string) => () => `/api/v1/networks/${networkA}/members/${who === 'ofNetworkB' ? memberB : NO_MEMBER}${rest}`;
    const notFound = staffOnly(404, 404, 404, 403);
    return [
      { method: 'put', route: '/api/v1/networks/{networkId}/members/{memberId}/membership', path: base('/membership'), body: () => ({ status: 'paused' }), expect: notFound },
      { method: 'get', route: '/api/v1/networks/{networkId}/members/{memberId}/consents', path: base('/consents'), expect: notFound },
      { method: 'get', route: '/api/v1/networks/{networkId}/members/{memberId}/consents/current', path: base('/consents/current'), expect: notFound },
      {
        method: 'post',
        route: '/api/v1/networks/{networkId}/members/{memberId}/consents',
        path: base('/consents'),
        body: () => ({ fields: ['name'], consentTextVersion: 1, channel: 'phone' }),
        expect: notFound,
      },
      { method: 'post', route: '/api/v1/networks/{networkId}/members/{memberId}/consents/withdrawal', path: base('/consents/withdrawal'), body: () => ({ channel: 'paper' }), expect: notFound },
      { method: 'get', route: '/api/v1/networks/{networkId}/members/{memberId}/live-editions', path: base('/live-editions'), expect: notFound },
    ];
  }),
  { method: 'get', route: '/api/v1/members/{memberId}/recipients', path: () => `/api/v1/members/${memberA}/recipients`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/members/{memberId}/recipients', path: () => `/api/v1/members/${memberA}/recipients`, body: () => ({ recipient: keyForMember }), expect: staffOnly(201, 201, 404, 403) },
  { method: 'post', route: '/api/v1/members/{memberId}/activation', path: () => `/api/v1/members/${memberA}/activation`, body: () => ({}), expect: staffOnly(204, 204, 404, 403) },
  { method: 'get', route: '/api/v1/access-requests', path: () => '/api/v1/access-requests', expect: staffOnly(200, 200, 200, 403) },
  // Requests belong to no network yet: any coordinator works the queue, but links only members they reach.
  { method: 'post', route: '/api/v1/access-requests/{id}/approve', path: () => `/api/v1/access-requests/${nextRequest()}/approve`, body: () => ({ memberId: memberA }), expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/access-requests/{id}/reject', path: () => `/api/v1/access-requests/${nextRequest()}/reject`, expect: staffOnly(200, 200, 200, 403) },
  // The auditors' distribution log: admins and auditors read it, only admins sign a checkpoint, and
  // the public key checkpoints verify with is public.
  { method: 'get', route: '/api/v1/audit/export', path: () => '/api/v1/audit/export?format=jsonl', expect: staffOnly(200, 403, 403, 200) },
  { method: 'get', route: '/api/v1/audit/checkpoints', path: () => '/api/v1/audit/checkpoints', expect: staffOnly(200, 403, 403, 200) },
  { method: 'post', route: '/api/v1/audit/checkpoints', path: () => '/api/v1/audit/checkpoints', expect: staffOnly(201, 403, 403, 403) },
  { method: 'get', route: '/api/v1/audit/public-key', path: () => '/api/v1/audit/public-key', expect: { admin: 200, coordA: 200, coordB: 200, auditor: 200, anonymous: 200, badToken: 200 } },
  // GDPR rights (art. 15, 17, 21, 30): staff who reach the member act; auditors read only the art. 30 report.
  { method: 'get', route: '/api/v1/members/{memberId}/export', path: () => `/api/v1/members/${memberA}/export`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/members/{memberId}/export.pdf', path: () => `/api/v1/members/${memberA}/export.pdf`, expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/members/{memberId}/objection', path: () => `/api/v1/members/${memberA}/objection`, body: () => ({ channel: 'phone' }), expect: staffOnly(200, 200, 404, 403) },
  { method: 'post', route: '/api/v1/members/{memberId}/erasure', path: () => `/api/v1/members/${erasableMember}/erasure`, body: () => ({ channel: 'phone' }), expect: staffOnly(200, 200, 404, 403) },
  { method: 'get', route: '/api/v1/data-requests', path: () => '/api/v1/data-requests?state=open', expect: staffOnly(200, 200, 200, 403) },
  { method: 'get', route: '/api/v1/reports/processing', path: () => '/api/v1/reports/processing?from=2020-01-01&to=2022-12-31', expect: staffOnly(200, 403, 403, 200) },
  { method: 'get', route: '/api/v1/staff', path: () => '/api/v1/staff', expect: staffOnly(200, 403, 403, 403) },
  {
    method: 'post',
    route: '/api/v1/staff',
    path: () => '/api/v1/staff',
    body: () => ({ email: `s.${unique()}@staff.example.org`, password: 'a long enough password', role: 'auditor' }),
    expect: staffOnly(201, 403, 403, 403),
  },
  { method: 'put', route: '/api/v1/staff/{staffId}/networks', path: () => `/api/v1/staff/${staffId}/networks`, body: () => ({ networkIds: [networkA] }), expect: staffOnly(200, 403, 403, 403) },
  // Tokens are made from a logged-in session only (test/e2e/api-tokens.test.ts), never with another token.
  { method: 'post', route: '/api/v1/tokens', path: () => '/api/v1/tokens', body: () => ({ name: 'script' }), expect: staffOnly(403, 403, 403, 403) },
  { method: 'get', route: '/api/v1/tokens', path: () => '/api/v1/tokens', expect: staffOnly(200, 200, 200, 200) },
  // Another person's token does not exist for the caller, unless the caller is an admin.
  { method: 'delete', route: '/api/v1/tokens/{tokenId}', path: () => `/api/v1/tokens/${spareTokenId}`, expect: staffOnly(204, 404, 404, 404) },
  { method: 'get', route: '/api/v1/staff/{staffId}/tokens', path: () => `/api/v1/staff/${staffId}/tokens`, expect: staffOnly(200, 403, 403, 403) },
  { method: 'post', route: '/api/v1/staff/{staffId}/disable', path: () => `/api/v1/staff/${disableId}/disable`, expect: staffOnly(200, 403, 403, 403) },
  { method: 'post', route: '/api/v1/staff/{staffId}/enable', path: () => `/api/v1/staff/${disableId}/enable`, expect: staffOnly(200, 403, 403, 403) },
  { method: 'get', route: '/api/v1/audit/events', path: () => '/api/v1/audit/events', expect: staffOnly(200, 403, 403, 200) },
  { method: 'get', route: '/api/v1/audit/verify', path: () => '/api/v1/audit/verify', expect: staffOnly(200, 403, 403, 200) },
  { method: 'get', route: '/api/v1/auth/me', path: () => '/api/v1/auth/me', expect: staffOnly(200, 200, 200, 200) },
  { method: 'post', route: '/api/v1/auth/totp/setup', path: () => '/api/v1/auth/totp/setup', expect: staffOnly(200, 200, 200, 200) },
  // After a set-up a wrong code is refused for every staff role alike.
  { method: 'post', route: '/api/v1/auth/totp/enable', path: () => '/api/v1/auth/totp/enable', body: () => ({ code: '00000x' }), expect: staffOnly(400, 400, 400, 400) },
  // With a bearer token there is no session to end, but the call itself is allowed for staff.
  { method: 'post', route: '/api/v1/auth/logout', path: () => '/api/v1/auth/logout', expect: staffOnly(204, 204, 204, 204) },
];

describe('authorization matrix', () => {
  for (const c of CASES) {
    for (const role of ROLES) {
      it(`${c.method.toUpperCase()} ${c.route} as ${role} gets ${c.expect[role]}`, async () => {
        let req = request(t.http)[c.method](c.path());
        const token = tokens[role];
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        if (c.raw) req = req.set('Content-Type', 'text/csv').send(c.raw());
        else if (c.body) req = req.send(c.body() as object);
        const res = await req;
        expect({ status: res.status, code: res.body?.code }).toMatchObject({ status: c.expect[role] });
      });
    }
  }

  it('asks every route with a member id in a network path about a member of another network and about no member', async () => {
    const doc = await request(t.http).get('/api/docs-json').expect(200);
    const memberInNetwork = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      path.includes('/networks/{networkId}/') && path.includes('{memberId}') ? Object.keys(methods).map((m) => `${m} ${path}`) : [],
    );
    expect(memberInNetwork.length).toBeGreaterThanOrEqual(6);
    for (const other of [memberB, NO_MEMBER]) {
      const asked = new Set(CASES.filter((c) => c.path().includes(`/members/${other}`)).map((c) => `${c.method} ${c.route}`));
      expect(memberInNetwork.filter((r) => !asked.has(r))).toEqual([]);
    }
  });

  it('covers every route the API describes (a new endpoint must join the matrix)', async () => {
    const doc = await request(t.http).get('/api/docs-json').expect(200);
    const described = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    const uncovered = described.filter((d) => !covered.has(d) && d !== 'post /api/v1/auth/login');
    expect(uncovered).toEqual([]);
  });
});

/**
 * An auditor's own login, logout, second factor (/api/v1/auth/...) and personal API tokens: they
 * change no member, network, list, edition, bundle or staff data, and an auditor needs them to
 * read the log from a script.
 */
const auditorOwnCredentials = (method: string, path: string) =>
  path.startsWith('/api/v1/auth/') || ['post /api/v1/tokens', 'delete /api/v1/tokens/{tokenId}'].includes(`${method} ${path}`);

describe('the auditor changes nothing', () => {
  it('gets 403 from every mutating route the API describes, now and for routes added later', async () => {
    const doc = await request(t.http).get('/api/docs-json').expect(200);
    const ids: Record<string, string> = { networkId: networkA, memberId: memberA, listId: listA, editionId: editionA, staffId };
    const mutating = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m): m is 'post' | 'put' | 'patch' | 'delete' => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((method) => ({ method, path })),
    );
    expect(mutating.length).toBeGreaterThan(20);
    const answers: string[] = [];
    for (const { method, path } of mutating) {
      if (auditorOwnCredentials(method, path)) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? (name === 'id' ? nextRequest() : '00000000-0000-4000-8000-000000000000'));
      const res = await request(t.http)[method](url).set('Authorization', `Bearer ${tokens.auditor}`).send({});
      answers.push(`${res.status} ${method.toUpperCase()} ${path}`);
    }
    expect(answers.filter((a) => !a.startsWith('403 '))).toEqual([]);
  });
});
