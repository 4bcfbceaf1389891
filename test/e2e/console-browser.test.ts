import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { DataRequestsService } from '../../src/data-requests/data-requests.service.js';
import { DistributionService } from '../../src/distribution/distribution.service.js';
import { EditionsService } from '../../src/editions/editions.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { accessibilityViolations, launchChromium, overflowsSideways } from '../support/browser.js';
import { flushMail } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;
let browser: Browser;
let files: string;
const violations: string[] = [];
const overflowing: string[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, ORG_NAME: 'Sjældne Diagnoser' });
  baseUrl = await t.listen();
  browser = await launchChromium();
  files = mkdtempSync(join(tmpdir(), 'lb-console-'));
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.close();
  rmSync(files, { recursive: true, force: true });
});

/** Every page a test reaches is checked for WCAG 2.1 AA (axe-core) and for sideways scrolling. */
async function audit(page: Page) {
  violations.push(...(await accessibilityViolations(page)));
  if (await overflowsSideways(page)) overflowing.push(page.url());
}

async function logIn(context: BrowserContext, email: string, password: string, heading = 'Netværk') {
  const page = await context.newPage();
  await page.goto('/console/login');
  await audit(page);
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  expect(await page.locator('h1').innerText()).toBe(heading);
  return page;
}

const count = async (sql: string, params: unknown[] = []) => (await t.dataSource.query(sql, params))[0].n as number;

describe('the staff console in a real browser (its pages carry no script; the CSP forbids any)', () => {
  let network: { id: string; name: string };
  let requester: Awaited<ReturnType<typeof insertStaff>>;
  let approver: Awaited<ReturnType<typeof insertStaff>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    network = await insertNetwork(t.app, `Netværket ${unique()}`);
    await insertConsentText(t.app, network.id);
    requester = await insertStaff(t.app, 'coordinator', [network.id]);
    approver = await insertStaff(t.app, 'coordinator', [network.id]);
    context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    page = await logIn(context, requester.email, requester.password);
    await audit(page);
  });

  afterAll(() => context?.close());

  it('checks an import with bad rows, shows every bad row and writes nothing; a good file imports after the preview', async () => {
    await page.getByRole('link', { name: network.name }).click();
    await audit(page);
    await page.getByRole('link', { name: 'Importér medlemmer fra en fil' }).click();
    await audit(page);
    const bad = join(files, 'bad.csv');
    writeFileSync(bad, `Navn;E-mail\nGod Person;god.${unique()}@example.org\n=HYPERLINK("x");formel@example.org\nIngen Adresse;ikke-en-adresse\n`);
    const members = await count('SELECT count(*)::int AS n FROM member');
    await page.getByLabel('Fil (CSV eller XLSX)').setInputFiles(bad);
    await page.getByRole('button', { name: 'Tjek filen' }).click();
    expect(await page.locator('.error-summary').first().innerText()).toContain('Intet er gemt');
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(0, 2).join(' ')).sort()).toEqual(['3 name', '4 email']);
    expect(await count('SELECT count(*)::int AS n FROM member')).toBe(members);
    await audit(page);

    const good = join(files, 'good.csv');
    writeFileSync(good, `Navn;E-mail\nAnna Import ${unique()};anna.${unique()}@example.org\nBent Import ${unique()};bent.${unique()}@example.org\n`);
    await page.getByLabel('Fil (CSV eller XLSX)').setInputFiles(good);
    await page.getByRole('button', { name: 'Tjek filen' }).click();
    expect(await page.locator('.notice').innerText()).toContain('2 medlemmer er klar til import');
    expect(await count('SELECT count(*)::int AS n FROM member')).toBe(members);
    await audit(page);
    await page.getByRole('button', { name: 'Importér 2 medlemmer' }).click();
    expect(await page.locator('.flash').innerText()).toContain('2 medlemmer er importeret');
    expect(await count('SELECT count(*)::int AS n FROM member')).toBe(members + 2);
  });

  it('records consent given by phone, with a note, in the member history', async () => {
    const member = await insertMember(t.app, network.id, { name: `Telefon Person ${unique()}` });
    await page.goto(`/console/netvaerk/${network.id}`);
    await page.getByLabel('Søg på navn eller e-mail').fill(member.name);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    // The search text (a name) is posted, never put in the address.
    expect(page.url()).not.toContain(encodeURIComponent(member.name.split(' ')[0]));
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: member.name }).click();
    await audit(page);
    for (const label of ['Navn', 'E-mail', 'Telefon']) await page.getByRole('checkbox', { name: label, exact: true }).check();
    await page.getByRole('radio', { name: 'Telefon' }).check();
    await page.getByLabel(/^Note/).fill('telefonsamtale i dag');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Samtykket er registreret');
    const [record] = await t.dataSource.query(`SELECT kind, fields, channel, note, recorded_by_type, recorded_by_id FROM consent WHERE member_id = $1`, [member.id]);
    expect(record).toEqual({ kind: 'grant', fields: ['name', 'email', 'phone'], channel: 'phone', note: 'telefonsamtale i dag', recorded_by_type: 'staff', recorded_by_id: requester.id });
    expect(await page.locator('table').first().innerText()).toContain('telefonsamtale i dag');
    await audit(page);
  });

  it('publishes only after a second coordinator approves, then shows each recipient\'s delivery', async () => {
    const recipients = [] as { id: string; name: string }[];
    for (let i = 0; i < 3; i++) {
      const m = await insertMember(t.app, network.id, { name: `Modtager ${i} ${unique()}` });
      await grantConsent(t.app, network.id, m.id, ['name', 'email']);
      await t.app.get(RecipientsService).add(CLI_ACTOR, m.id, await identityToRecipient(await generateX25519Identity()));
      recipients.push(m);
    }
    const list = await request(t.http)
      .post(`/api/v1/networks/${network.id}/lists`)
      .set('Authorization', `Bearer ${requester.token}`)
      .send({ slug: `l-${unique()}`, title: 'Godkendt liste', requiresApproval: true })
      .expect(201);

    await page.goto(`/console/netvaerk/${network.id}/lister`);
    await audit(page);
    await page.getByRole('link', { name: 'Godkendt liste' }).click();
    await audit(page);
    expect(await page.locator('main').innerText()).toContain('Forhåndsvisning af næste udgave');
    await page.getByRole('button', { name: 'Udsend nu' }).click();
    expect(await page.locator('main').innerText()).toContain('Venter på godkendelse');
    expect(await page.getByRole('button', { name: /Godkend udgaven/ }).count()).toBe(0);
    const editionUrl = page.url();
    await audit(page);

    const second = await browser.newContext({ baseURL: baseUrl });
    const approverPage = await logIn(second, approver.email, approver.password);
    await approverPage.goto(editionUrl);
    await approverPage.getByRole('button', { name: /Godkend udgaven/ }).click();
    const editionId = editionUrl.split('/').pop()!;
    // Approval starts the build in the background; the page refreshes itself until it is done.
    let text = '';
    for (let i = 0; i < 40 && !(text.includes('Udsendt') && text.includes('Sendt')); i++) {
      await t.app.get(DistributionService).drain([editionId]);
      await flushMail(t.app);
      await approverPage.reload();
      text = await approverPage.locator('main').innerText();
    }
    expect(text).toContain('Udsendt');
    const delivery = await approverPage.locator('table tbody tr').allInnerTexts();
    for (const r of recipients) {
      const row = delivery.find((d) => d.startsWith(r.name));
      expect(row).toMatch(/Klar\tSendt\tEndnu ikke/);
    }
    await audit(approverPage);
    await second.close();
    const [edition] = await t.dataSource.query(`SELECT state, requested_by_id, approved_by_id FROM edition WHERE id = $1`, [editionId]);
    expect(edition).toEqual({ state: 'published', requested_by_id: requester.id, approved_by_id: approver.id });
    expect(list.body.id).toBeDefined();
  });

  it('handles access requests from the queue', async () => {
    const email = `queue.${unique()}@example.org`;
    const client = await fetch(`${baseUrl}/portal/adgang`);
    const cookie = client.headers.getSetCookie()[0].split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(await client.text())![1];
    await fetch(`${baseUrl}/portal/adgang`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, channel: 'Helpline', name: 'Kø Person', email }) });
    await page.goto('/console/anmodninger');
    await audit(page);
    const row = page.locator('tbody tr', { hasText: email });
    await row.getByLabel('Godkend og opret i').selectOption({ label: network.name });
    await row.getByRole('button', { name: 'Godkend' }).click();
    expect(await page.locator('.flash').innerText()).toContain('aktiveringsmailen er sendt');
    expect(await count(`SELECT count(*)::int AS n FROM member WHERE email = $1`, [email])).toBe(1);
  });

  it('carries out an erasure request from the queue, then sends the flagged edition out corrected', async () => {
    const member = await insertMember(t.app, network.id, { name: `Slet Mig ${unique()}` });
    await grantConsent(t.app, network.id, member.id, ['name', 'phone']);
    const list = await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: `s-${unique()}`, title: `Sletteliste ${unique()}`, columns: ['name', 'phone'] });
    const { edition } = await t.app.get(EditionsService).publish(CLI_ACTOR, list.id);
    await t.app.get(DistributionService).drain();
    await t.app.get(DataRequestsService).requestErasure(member.id);

    await page.goto(`/console/medlemmer/${member.id}`);
    await page.getByRole('link', { name: 'Slet medlemmet (ret til sletning)' }).click();
    await audit(page);
    await page.getByRole('link', { name: 'Sletning', exact: true }).click();
    await audit(page);
    await page.getByRole('button', { name: `Gennemfør sletningen ${member.name}` }).click();
    expect(await page.locator('.flash').innerText()).toContain('Medlemmet er slettet');
    await audit(page);
    const [erased] = await t.dataSource.query(`SELECT name, erased_at FROM member WHERE id = $1`, [member.id]);
    expect(erased.name).toBe('Slettet medlem');
    expect(await page.locator('main').innerText()).not.toContain(member.name);

    await page.locator('tr', { has: page.locator(`a[href="/console/udgaver/${edition.id}"]`) }).getByRole('button', { name: /Udsend en rettet udgave/ }).click();
    // The new edition's page refreshes itself while its bundles are built (not audited: axe flags the refresh).
    expect(page.url()).toMatch(/\/console\/udgaver\/[0-9a-f-]{36}$/);
    const [old] = await t.dataSource.query(`SELECT state, correction_needed_since FROM edition WHERE id = $1`, [edition.id]);
    expect(old).toEqual({ state: 'revoked', correction_needed_since: null });
  });

  it('passes axe-core at WCAG 2.1 AA on every console page visited, with no sideways scrolling at 200 % zoom', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const adminContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    const adminPage = await logIn(adminContext, admin.email, admin.password);
    await adminPage.goto('/console/medarbejdere');
    await audit(adminPage);
    // Two-step set-up (what STAFF_TOTP_REQUIRED sends staff to; any staff member may turn it on).
    await adminPage.goto('/console/to-trin');
    await audit(adminPage);
    await adminPage.getByRole('button', { name: 'Slå to-trins-login til' }).click();
    expect(await adminPage.locator('dl.totp code').count()).toBe(2);
    // The same server-made QR code as the portal's, with its text alternative; the key stays as text.
    expect(await adminPage.getByRole('img', { name: /^QR-kode med nøglen til to-trins-login/ }).count()).toBe(1);
    await audit(adminPage);
    await adminPage.getByLabel('Kode fra appen (6 cifre)').fill('12345');
    await adminPage.getByRole('button', { name: 'Bekræft' }).click();
    expect(await adminPage.locator('.error-summary').innerText()).toContain('Koden er forkert');
    await audit(adminPage);
    await adminPage.goto('/console/medarbejdere?lang=en');
    await audit(adminPage);
    await adminPage.goto('/console/udgaver/00000000-0000-4000-8000-000000000000');
    expect(await adminPage.locator('h1').innerText()).toBe('Page not found');
    await audit(adminPage);
    await adminContext.close();

    // Auditors land on the log: the signing key is shown, filters work, nothing there changes data.
    const auditor = await insertStaff(t.app, 'auditor');
    const auditorContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    const auditorPage = await logIn(auditorContext, auditor.email, auditor.password, 'Revisionslog');
    const key = await request(t.http).get('/api/v1/audit/public-key').expect(200);
    expect(await auditorPage.locator('main').innerText()).toContain(key.body.keyId);
    await audit(auditorPage);
    await auditorPage.getByLabel(/^Handling/).fill('edition.approved');
    await auditorPage.getByRole('button', { name: 'Søg' }).click();
    const actions = (await auditorPage.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[3]);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['edition.approved']));
    await audit(auditorPage);
    expect((await auditorPage.goto('/console/netvaerk/00000000-0000-4000-8000-000000000000/import'))?.status()).toBe(403);
    await auditorContext.close();
    expect((await page.goto('/console/revision'))?.status()).toBe(403);
    expect(violations).toEqual([]);
    expect(overflowing).toEqual([]);
  });
});
