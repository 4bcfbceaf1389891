import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { readZip } from '../../src/common/zip/zip-reader.js';
import { unique } from '../factories/factories.js';
import { pdfText } from '../support/documents.js';
import { linkPath, PortalClient } from '../support/portal-client.js';
import { activateMember, consentingMember, flushMail, MEMBER_PASSWORD, portalWorld, publish } from '../support/portal-world.js';
import { PasswordResetRequestsService } from '../../src/member-accounts/password-reset-requests.service.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, ACCESS_REQUESTS_PER_HOUR: '3' });
  baseUrl = await t.listen();
});

afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const count = async (sql: string, params: unknown[] = []) => (await t.dataSource.query(sql, params))[0].n as number;
const firstBundle = (page: string) => /\/portal\/beskeder\/([0-9a-f-]{36})\/zip/.exec(page)?.[1];

describe('access requests', () => {
  it('names every bad field, stores nothing, and keeps what was typed', async () => {
    const client = new PortalClient(baseUrl);
    await client.get('/portal/adgang');
    const before = await count('SELECT count(*)::int AS n FROM access_request');
    const res = await client.post('/portal/adgang', { channel: 'Nowhere', name: ' ', email: 'not-an-address' });
    expect(res.status).toBe(400);
    for (const field of ['channel', 'name', 'email']) expect(res.text).toContain(`href="#${field}"`);
    expect(res.text).toContain('value="not-an-address"');
    expect(await count('SELECT count(*)::int AS n FROM access_request')).toBe(before);
  });

  it('answers a bot that fills the hidden field like anyone else, and stores nothing', async () => {
    const client = new PortalClient(baseUrl);
    await client.get('/portal/adgang');
    const before = await count('SELECT count(*)::int AS n FROM access_request');
    const res = await client.post('/portal/adgang', { channel: 'Helpline', name: 'Bot', email: `bot.${unique()}@example.org`, website: 'http://spam.example' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tak for din anmodning');
    expect(await count('SELECT count(*)::int AS n FROM access_request')).toBe(before);
  });

  it('gives the same answer for a known e-mail, and limits requests per address and hour', async () => {
    const world = await portalWorld(t.app);
    const known = await consentingMember(t.app, world.network.id);
    const client = new PortalClient(baseUrl);
    await client.get('/portal/adgang');
    const a = await client.post('/portal/adgang', { channel: 'Helpline', name: 'Kendt Person', email: known.email });
    const b = await client.post('/portal/adgang', { channel: 'Helpline', name: 'Ukendt Person', email: `new.${unique()}@example.org` });
    const body = (text: string) => /<main[\s\S]*<\/main>/.exec(text)![0];
    expect(a.status).toBe(200);
    expect(body(a.text)).toBe(body(b.text));
    // The limit is per client address; this test app allows 3 an hour and earlier tests used the same address.
    let last = await client.post('/portal/adgang', { channel: 'Helpline', name: 'En Til', email: `more.${unique()}@example.org` });
    for (let i = 0; i < 3 && last.status === 200; i++) last = await client.post('/portal/adgang', { channel: 'Helpline', name: 'En Til', email: `more.${unique()}@example.org` });
    expect(last.status).toBe(429);
    expect(await count(`SELECT count(*)::int AS n FROM access_request`)).toBe(3);
  });
});

describe('a member account', () => {
  let world: Awaited<ReturnType<typeof portalWorld>>;
  let member: { id: string; email: string; name: string };
  let client: PortalClient;

  beforeAll(async () => {
    world = await portalWorld(t.app);
    member = await consentingMember(t.app, world.network.id, { name: `Grethe ${unique()}` });
    const other = await consentingMember(t.app, world.network.id);
    client = (await activateMember(t.app, sink, baseUrl, world.coordinator.token, member)).client;
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, other);
    await publish(t.app, world.coordinator.token, world.listId);
  });

  it('records consent set in the portal with channel portal, by the member; nothing ticked withdraws', async () => {
    await client.get('/portal/samtykke');
    expect((await client.post('/portal/samtykke', { networkId: world.network.id, fields: ['name', 'city'] })).location).toBe('/portal/samtykke?done=consent');
    const [grant] = await t.dataSource.query(`SELECT kind, fields, channel, recorded_by_type, recorded_by_id FROM consent WHERE member_id = $1 ORDER BY seq DESC LIMIT 1`, [member.id]);
    expect(grant).toEqual({ kind: 'grant', fields: ['name', 'city'], channel: 'portal', recorded_by_type: 'member', recorded_by_id: member.id });
    await client.post('/portal/samtykke', { networkId: world.network.id });
    const [withdrawal] = await t.dataSource.query(`SELECT kind, fields FROM consent WHERE member_id = $1 ORDER BY seq DESC LIMIT 1`, [member.id]);
    expect(withdrawal).toEqual({ kind: 'withdrawal', fields: [] });
    const page = await client.get('/portal/samtykke');
    expect(page.text).toContain('Du deler ingen oplysninger');
  });

  it('refuses consent for a network the member is not in, or for an unknown field, and records nothing', async () => {
    const elsewhere = await portalWorld(t.app);
    const before = await count('SELECT count(*)::int AS n FROM consent WHERE member_id = $1', [member.id]);
    await client.get('/portal/samtykke');
    expect((await client.post('/portal/samtykke', { networkId: elsewhere.network.id, fields: ['name'] })).status).toBe(404);
    expect((await client.post('/portal/samtykke', { networkId: world.network.id, fields: ['name', 'cpr'] })).status).toBe(404);
    expect(await count('SELECT count(*)::int AS n FROM consent WHERE member_id = $1', [member.id])).toBe(before);
  });

  it('exports everything stored about the member as JSON, without key material', async () => {
    const res = await client.get('/portal/mine-data/eksport');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mine-data.json"');
    const data = JSON.parse(res.text);
    expect(data.member).toMatchObject({ id: member.id, name: member.name, email: member.email });
    expect(data.memberships).toEqual([expect.objectContaining({ networkId: world.network.id, network: world.network.name })]);
    expect(data.consent.length).toBeGreaterThanOrEqual(1);
    expect(data.bundles).toHaveLength(1);
    expect(data.listedInEditions).toHaveLength(1);
    expect(data.keys).toEqual([expect.objectContaining({ source: 'portal', recipient: expect.stringMatching(/^age1/) })]);
    expect(res.text).not.toMatch(/AGE-SECRET-KEY/i);
  });

  it('offers the same export as a readable PDF, with the recipients ledger', async () => {
    expect((await client.get('/portal/mine-data')).text).toContain('href="/portal/mine-data/eksport.pdf"');
    const res = await client.get('/portal/mine-data/eksport.pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = (await pdfText(res.body)).replace(/\s+/g, ' ');
    expect(text).toContain(member.name);
    expect(text).toContain(member.email);
    expect(text).toContain('Hvem har modtaget mine oplysninger');
    expect(text).toMatch(new RegExp(`${world.network.name} · Kontaktliste · 2 modtagere`));
  });

  it('stores one erasure request for staff, however often it is asked for', async () => {
    await client.get('/portal/mine-data');
    expect((await client.post('/portal/mine-data/sletning', {})).location).toBe('/portal/mine-data?done=erasure');
    await client.post('/portal/mine-data/sletning', {});
    expect(await count(`SELECT count(*)::int AS n FROM data_request WHERE member_id = $1 AND kind = 'erasure' AND state = 'open'`, [member.id])).toBe(1);
    expect((await client.get('/portal/mine-data')).text).not.toContain('action="/portal/mine-data/sletning"');
  });

  it('changes the password by re-wrapping the same key: bundles still open, the old password no longer logs in', async () => {
    await client.get('/portal/adgangskode');
    const next = 'the new and longer pass phrase';
    const wrongCurrent = await client.post('/portal/adgangskode', { currentPassword: 'not my password at all', newPassword: next, passwordRepeat: next });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.text).toContain('href="#currentPassword"');
    expect((await client.post('/portal/adgangskode', { currentPassword: MEMBER_PASSWORD, newPassword: next, passwordRepeat: next })).location).toBe('/portal/adgangskode?done=password');
    const fresh = new PortalClient(baseUrl);
    await fresh.get('/portal/login');
    expect((await fresh.post('/portal/login', { email: member.email, password: MEMBER_PASSWORD })).status).toBe(401);
    expect((await fresh.post('/portal/login', { email: member.email, password: next })).status).toBe(303);
    const bundleId = firstBundle((await fresh.get('/portal')).text)!;
    expect(readZip((await fresh.get(`/portal/beskeder/${bundleId}/zip`)).body).length).toBe(3);
  });

  it('resets a forgotten password with a new key: sessions end, the old key is retired, bundles are re-issued to the new key', async () => {
    const [{ recipient: oldRecipient }] = await t.dataSource.query(`SELECT r.recipient FROM member_account a JOIN member_recipient r ON r.id = a.recipient_id WHERE a.member_id = $1`, [member.id]);
    const anyone = new PortalClient(baseUrl);
    await anyone.get('/portal/nulstil');
    const unknown = await anyone.post('/portal/nulstil', { email: `nobody.${unique()}@example.org` });
    const known = await anyone.post('/portal/nulstil', { email: member.email.toUpperCase() });
    expect(unknown.status).toBe(200);
    expect(known.text.replace(/name="_csrf" value="[^"]+"/, '')).toBe(unknown.text.replace(/name="_csrf" value="[^"]+"/, ''));
    await t.app.get(PasswordResetRequestsService).processDue();
    await flushMail(t.app);
    const [mail] = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email) && m.subject === 'Vælg en ny adgangskode');
    const path = linkPath(mail.text);
    const person = new PortalClient(baseUrl);
    await person.get(path);
    const newest = 'a brand new secret sentence';
    expect((await person.post(path, { password: newest, passwordRepeat: newest })).location).toBe('/portal?done=reset');
    expect((await client.get('/portal')).status).toBe(303);

    const keys = await t.dataSource.query(`SELECT recipient, revoked_at FROM member_recipient WHERE member_id = $1 AND source = 'portal' ORDER BY created_at`, [member.id]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({ recipient: oldRecipient, revoked_at: expect.any(Date) });
    expect(keys[1].revoked_at).toBeNull();
    // The reset itself starts the worker in the background; run it here too and wait for the re-issue.
    await t.app.get(BundleWorker).drain();
    let bundle: { state: string; recipients: string[] } | undefined;
    for (let i = 0; i < 100 && bundle?.state !== 'ready'; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      [bundle] = await t.dataSource.query(`SELECT state, recipients FROM bundle WHERE member_id = $1`, [member.id]);
    }
    expect(bundle!.state).toBe('ready');
    expect(bundle!.recipients).toEqual([keys[1].recipient]);
    const bundleId = firstBundle((await person.get('/portal')).text)!;
    expect(readZip((await person.get(`/portal/beskeder/${bundleId}/zip`)).body).map((e) => e.name)).toContain('contact-list.xlsx');
    expect((await person.get(path)).status).toBe(410);
    expect(sink.mails.filter((m) => m.to.includes(member.email) && m.subject === 'Du har modtaget en sikker besked')).toHaveLength(1);
  });

  it('switches to English and remembers it for the member\'s mails', async () => {
    const fresh = new PortalClient(baseUrl);
    await fresh.get('/portal/login');
    await fresh.post('/portal/login', { email: member.email, password: 'a brand new secret sentence' });
    const page = await fresh.get('/portal?lang=en');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('My messages');
    const [account] = await t.dataSource.query(`SELECT locale FROM member_account WHERE member_id = $1`, [member.id]);
    expect(account.locale).toBe('en');
  });
});
