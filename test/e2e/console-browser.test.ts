import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { DataRequestsService } from '../../src/data-requests/data-requests.service.js';
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
  let phone: BrowserContext;

  /** A page the console added for issue 16 must also fit a 390 px phone with no sideways scrolling. */
  async function onPhone(path: string) {
    const p = await phone.newPage();
    await p.goto(path);
    if (await overflowsSideways(p)) overflowing.push(`390px ${path}`);
    violations.push(...(await accessibilityViolations(p)));
    await p.close();
  }

  beforeAll(async () => {
    network = await insertNetwork(t.app, `Netværket ${unique()}`);
    await insertConsentText(t.app, network.id);
    requester = await insertStaff(t.app, 'coordinator', [network.id]);
    approver = await insertStaff(t.app, 'coordinator', [network.id]);
    context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    page = await logIn(context, requester.email, requester.password);
    await audit(page);
    phone = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
    await (await logIn(phone, requester.email, requester.password)).close();
  });

  afterAll(async () => {
    await context?.close();
    await phone?.close();
  });

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
    // Each problem in the page's language with the field's label, never the service's English message.
    expect(rows.map((r) => r.split('\t').slice(0, 2).join(' ')).sort()).toEqual(['3 Navn', '4 E-mail']);
    expect(rows.find((r) => r.startsWith('4'))).toContain('E-mail er ikke en gyldig e-mailadresse');
    expect(rows.join('\n')).not.toMatch(/ is not | must | starts like /);
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
    // The phone number as people write it; the database keeps E.164 (+4520123456).
    expect(await page.locator('main').innerText()).toContain('20 12 34 56');
    expect(await page.locator('main').innerText()).not.toContain('+4520123456');
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

  it('adds one member by a form, corrects their contact details (audited), and lists consent and account per member', async () => {
    const name = `Enkelt Medlem ${unique()}`;
    const email = `enkelt.${unique()}@example.org`;
    await page.goto(`/console/netvaerk/${network.id}`);
    await page.getByRole('link', { name: 'Tilføj et medlem' }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    await page.getByLabel('Navn').fill(name);
    await page.getByLabel('E-mail', { exact: true }).fill('ikke-en-adresse');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('E-mail er ikke en gyldig e-mailadresse');
    expect(await page.getByLabel('Navn').inputValue()).toBe(name);
    await audit(page);
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Medlemmet er oprettet');
    const [created] = await t.dataSource.query(`SELECT id FROM member WHERE email = $1`, [email]);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.created' AND subject_id = $1`, [created.id])).toBe(1);

    await page.getByRole('link', { name: 'Ret kontaktoplysninger' }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    await page.getByLabel(/^Telefon/).fill('20 11 22 33');
    await page.getByLabel(/^By/).fill('Aarhus');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Kontaktoplysningerne er rettet');
    const [row] = await t.dataSource.query(`SELECT phone, city FROM member WHERE id = $1`, [created.id]);
    expect(row).toEqual({ phone: '+4520112233', city: 'Aarhus' });
    const [event] = await t.dataSource.query(`SELECT detail FROM audit_event WHERE action = 'member.updated' AND subject_id = $1`, [created.id]);
    expect(event.detail.fields.sort()).toEqual(['city', 'phone']);

    await page.goto(`/console/netvaerk/${network.id}`);
    await page.getByLabel('Søg på navn eller e-mail').fill(name);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    expect(await page.locator('thead').innerText()).toMatch(/Samtykke\s+Konto/);
    expect(await page.locator('tbody tr').innerText()).toMatch(/Intet samtykke\s+Ikke aktiveret/);
    await grantConsent(t.app, network.id, created.id, ['name', 'email']);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    expect(await page.locator('tbody tr').innerText()).toContain('Navn, E-mail');
    await audit(page);
  });

  it('creates and edits a list with its schedule in words, the cron form as the advanced choice', async () => {
    await page.goto(`/console/netvaerk/${network.id}/lister`);
    await page.getByRole('link', { name: 'Ny kontaktliste' }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    const title = `Månedsliste ${unique()}`;
    await page.getByLabel('Titel').fill(title);
    await page.getByLabel(/^Kort navn/).fill('Ikke Gyldig');
    await page.getByRole('radio', { name: 'Hver måned' }).check();
    await page.getByLabel(/^Dag i måneden/).fill('1');
    await page.getByLabel(/^Klokken/).fill('7');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Kort navn må kun have små bogstaver');
    expect(await page.getByLabel('Titel').inputValue()).toBe(title);
    await audit(page);
    await page.getByLabel(/^Kort navn/).fill(`m-${unique()}`);
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Listen er gemt');
    expect(await page.locator('main').innerText()).toContain('den 1. i hver måned kl. 7');
    const listId = new URL(page.url()).pathname.split('/').pop()!;
    const stored = async () => (await t.dataSource.query(`SELECT schedule_cron FROM contact_list WHERE id = $1`, [listId]))[0].schedule_cron;
    expect(await stored()).toBe('0 7 1 * *');

    await page.getByRole('link', { name: 'Ret listen' }).click();
    await audit(page);
    expect(await page.getByRole('radio', { name: 'Hver måned' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Hver uge' }).check();
    await page.getByLabel('Ugedag', { exact: true }).selectOption({ label: 'mandag' });
    await page.getByLabel(/^Klokken/).fill('18');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('main').innerText()).toContain('hver mandag kl. 18');
    expect(await stored()).toBe('0 18 * * 1');

    await page.getByRole('link', { name: 'Ret listen' }).click();
    await page.getByRole('radio', { name: /^Avanceret/ }).check();
    await page.getByLabel(/^Cron-udtryk/).fill('hver dag');
    await page.getByRole('button', { name: 'Gem' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Cron-udtrykket er ikke gyldigt');
    expect(await page.getByRole('radio', { name: /^Avanceret/ }).isChecked()).toBe(true);
    expect(await stored()).toBe('0 18 * * 1');
    await audit(page);
    await page.goto(`/console/netvaerk/${network.id}/lister`);
    expect(await page.locator('tbody').innerText()).toContain('hver mandag kl. 18');
  });

  it('lists members in Danish order, as the PDF does ("Ł" with L; Æ, Ø, Å after Z; "Aa" as Å)', async () => {
    const tag = unique();
    for (const first of ['Øjvind', 'Łukasz', 'Aage', 'Zeta', 'Anders', 'Ærø']) await insertMember(t.app, network.id, { name: `${first} Sortering${tag}` });
    await page.goto(`/console/netvaerk/${network.id}`);
    await page.getByLabel('Søg på navn eller e-mail').fill(`Sortering${tag}`);
    await page.getByRole('button', { name: 'Søg', exact: true }).click();
    const names = (await page.locator('tbody tr td:first-child').allInnerTexts()).map((n) => n.split(' ')[0]);
    expect(names).toEqual(['Anders', 'Łukasz', 'Zeta', 'Ærø', 'Øjvind', 'Aage']);
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
    // Publishing asks first: the changes since the last edition and how many notices go out; nothing is stored yet.
    await page.getByRole('link', { name: 'Udsend nu' }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    const confirm = await page.locator('main').innerText();
    expect(confirm).toMatch(/Udgaven går til (\d+) modtagere med \1 rækker, når en anden koordinator har godkendt den/);
    for (const r of recipients) expect(confirm).toContain(r.name);
    expect(await count(`SELECT count(*)::int AS n FROM edition WHERE list_id = $1`, [list.body.id])).toBe(0);
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
      await t.app.get(BundleWorker).drain([editionId]);
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

  it('asks before publishing an edition with nothing changed, and publishes it once confirmed', async () => {
    const m = await insertMember(t.app, network.id, { name: `Uændret ${unique()}` });
    await grantConsent(t.app, network.id, m.id, ['name']);
    const list = await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: `u-${unique()}`, title: `Uændret liste ${unique()}`, columns: ['name'] });
    await t.app.get(PublishEdition).publish(CLI_ACTOR, list.id);
    const editions = () => count(`SELECT count(*)::int AS n FROM edition WHERE list_id = $1`, [list.id]);
    await page.goto(`/console/lister/${list.id}`);
    await page.getByRole('link', { name: 'Udsend nu' }).click();
    expect(await page.locator('main').innerText()).toContain('Intet er ændret siden sidste udgave.');
    expect(await editions()).toBe(1);
    const answer = page.waitForResponse((r) => r.url().endsWith('/udsend') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Udsend nu' }).click();
    expect((await answer).status()).toBe(409);
    expect(await page.getByRole('alert').innerText()).toContain('Intet er ændret siden sidste udgave');
    expect(await editions()).toBe(1);
    await audit(page);
    await page.getByRole('button', { name: 'Udsend alligevel' }).click();
    expect(page.url()).toMatch(/\/console\/udgaver\/[0-9a-f-]{36}$/);
    expect(await editions()).toBe(2);
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

  it('rejects an access request only after a page that says what happens, and tells the person politely in their language', async () => {
    const email = `afvist.${unique()}@example.org`;
    const client = await fetch(`${baseUrl}/portal/adgang?lang=en`);
    const cookie = client.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await client.text())![1];
    const sent = await fetch(`${baseUrl}/portal/adgang`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, channel: 'Helpline', name: 'Afvist Person', email }) });
    // The thank-you page says what happens next and by when.
    expect(await sent.text()).toContain('we normally answer within 3 working days');
    await page.goto('/console/anmodninger');
    const row = page.locator('tbody tr', { hasText: email });
    await row.getByRole('link', { name: 'Afvis' }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    expect(await page.locator('main').innerText()).toContain('Personen får en kort, venlig e-mail');
    expect(await count(`SELECT count(*)::int AS n FROM access_request WHERE email = $1 AND state = 'pending'`, [email])).toBe(1);
    await page.getByRole('button', { name: 'Afvis anmodningen' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Anmodningen er afvist');
    expect(await count(`SELECT count(*)::int AS n FROM access_request WHERE email = $1 AND state = 'rejected'`, [email])).toBe(1);
    await flushMail(t.app);
    const [mail] = await sink.waitFor(1, 10_000, (m) => m.to.includes(email));
    expect(mail.subject).toBe('About your request for access');
    expect(mail.text).toContain('we cannot give you access');
    // Like every notice: neither the person's name nor the channel they asked through.
    for (const secret of ['Afvist', 'Helpline']) expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toContain(secret);
  });

  it('carries out an erasure request from the queue, then sends the flagged edition out corrected', async () => {
    const member = await insertMember(t.app, network.id, { name: `Slet Mig ${unique()}` });
    await grantConsent(t.app, network.id, member.id, ['name', 'phone']);
    const list = await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: `s-${unique()}`, title: `Sletteliste ${unique()}`, columns: ['name', 'phone'] });
    const { edition } = await t.app.get(PublishEdition).publish(CLI_ACTOR, list.id);
    await t.app.get(BundleWorker).drain();
    await t.app.get(DataRequestsService).requestErasure(member.id);

    await page.goto(`/console/medlemmer/${member.id}`);
    await page.getByRole('link', { name: 'Slet medlemmet (ret til sletning)' }).click();
    await audit(page);
    // Publishing a list that shows a member who asked to be erased warns first, naming the member.
    await page.goto(`/console/lister/${list.id}/udsend`);
    expect(await page.getByRole('alert').innerText()).toContain('1 medlemmer på listen har bedt om at blive slettet');
    expect(await page.getByRole('alert').innerText()).toContain(member.name);
    await page.getByRole('link', { name: 'Sletning', exact: true }).click();
    await audit(page);
    await onPhone('/console/sletning');
    // The queue's button only leads to a page that says what erasure does; that page's button erases.
    await page.getByRole('link', { name: `Gennemfør sletningen ${member.name}` }).click();
    await audit(page);
    await onPhone(new URL(page.url()).pathname);
    expect(await page.locator('main').innerText()).toContain('kan ikke fortrydes');
    expect((await t.dataSource.query(`SELECT erased_at FROM member WHERE id = $1`, [member.id]))[0].erased_at).toBeNull();
    await page.getByRole('button', { name: 'Gennemfør sletningen' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Medlemmet er slettet');
    await audit(page);
    const [erased] = await t.dataSource.query(`SELECT name, erased_at FROM member WHERE id = $1`, [member.id]);
    expect(erased.name).toBe('Slettet medlem');
    expect(await page.locator('main').innerText()).not.toContain(member.name);

    await page.locator('tr', { has: page.locator(`a[href="/console/udgaver/${edition.id}"]`) }).getByRole('button', { name: /Udsend en rettet udgave/ }).click();
    // The new edition's page refreshes itself while its bundles are built (not audited: axe flags the refresh).
    expect(page.url()).toMatch(/\/console\/udgaver\/[0-9a-f-]{36}$/);
    // The erasure revoked the edition and every copy of it at once; its flag is settled when the correction is out.
    await t.app.get(BundleWorker).drain();
    const [old] = await t.dataSource.query(`SELECT state, correction_needed_since FROM edition WHERE id = $1`, [edition.id]);
    expect(old).toEqual({ state: 'revoked', correction_needed_since: null });
    expect(await count(`SELECT count(*)::int AS n FROM bundle WHERE edition_id = $1 AND state <> 'revoked'`, [edition.id])).toBe(0);
  });

  it('passes axe-core at WCAG 2.1 AA on every console page visited, with no sideways scrolling at 200 % zoom', async () => {
    const admin = await insertStaff(t.app, 'admin');
    const adminContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    const adminPage = await logIn(adminContext, admin.email, admin.password);
    await adminPage.goto('/console/medarbejdere');
    await audit(adminPage);
    // A short password: the error in Danish, and the form keeps the chosen role and address.
    const newEmail = `revisor.${unique()}@example.org`;
    await adminPage.getByLabel('E-mailadresse').fill(newEmail);
    await adminPage.getByRole('radio', { name: 'Revisor' }).check();
    await adminPage.getByLabel(/^Første adgangskode/).fill('kort');
    await adminPage.getByRole('button', { name: 'Opret' }).click();
    expect(await adminPage.locator('.error-summary').innerText()).toContain('Adgangskoden skal have mindst 12 tegn');
    expect(await adminPage.locator('main').innerText()).not.toContain('password must');
    expect(await adminPage.getByRole('radio', { name: 'Revisor' }).isChecked()).toBe(true);
    expect(await adminPage.getByLabel('E-mailadresse').inputValue()).toBe(newEmail);
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

    // Auditors land on the log (checked on a 390 px phone): exports at the top, the signing key, filters, words.
    const auditor = await insertStaff(t.app, 'auditor');
    const auditorContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
    const auditorPage = await logIn(auditorContext, auditor.email, auditor.password, 'Revisionslog');
    const key = await request(t.http).get('/api/v1/audit/public-key').expect(200);
    expect(await auditorPage.locator('main').innerText()).toContain(key.body.keyId);
    expect(await auditorPage.locator('main a.button').allInnerTexts()).toEqual(['Hent hele loggen (JSONL, kan verificeres)', 'Hent det filtrerede udsnit (CSV)']);
    // The export buttons come before the log itself.
    const exportsFirst = await auditorPage.locator('main').evaluate((main) => {
      const [button, form] = [main.querySelector('a.button'), main.querySelector('form')];
      return !!button && !!form && (button.compareDocumentPosition(form) & 4) !== 0; // 4: the form follows the button
    });
    expect(exportsFirst).toBe(true);
    await audit(auditorPage);
    await auditorPage.getByLabel('Handling', { exact: true }).selectOption({ label: 'Udgave godkendt' });
    await auditorPage.getByRole('button', { name: 'Søg' }).click();
    const actions = (await auditorPage.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[2]);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['Udgave godkendt']));
    expect(auditorPage.url()).toContain('action=edition.approved');
    await audit(auditorPage);
    // The detail in words: which fields a staff edit changed.
    await auditorPage.goto('/console/revision?action=member.updated');
    expect(await auditorPage.locator('tbody').innerText()).toMatch(/felter: (by, telefon|telefon, by)/);
    // A date typed by hand the American way is a form error naming the field, not "Siden findes ikke".
    const bad = await auditorPage.goto('/console/revision?from=4/12/2026');
    expect(bad?.status()).toBe(400);
    expect(await auditorPage.locator('h1').innerText()).toBe('Revisionslog');
    expect(await auditorPage.locator('.error-summary').innerText()).toContain('Fra skal være en dato');
    expect(await auditorPage.locator('input#from').getAttribute('type')).toBe('date');
    await audit(auditorPage);
    // Paging keeps the filters (dates, ids and action codes only: nothing personal goes in the address).
    const today = new Date().toISOString().slice(0, 10);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE at >= $1::date`, [today])).toBeGreaterThan(50);
    await auditorPage.goto('/console/revision');
    await auditorPage.getByLabel('Fra og med dato').fill(today);
    await auditorPage.getByRole('button', { name: 'Søg' }).click();
    await auditorPage.getByRole('link', { name: 'Næste side' }).click();
    expect(new URL(auditorPage.url()).searchParams.get('from')).toBe(today);
    expect(new URL(auditorPage.url()).searchParams.get('page')).toBe('2');
    expect(await auditorPage.getByLabel('Fra og med dato').inputValue()).toBe(today);
    await audit(auditorPage);
    expect((await auditorPage.goto('/console/netvaerk/00000000-0000-4000-8000-000000000000/import'))?.status()).toBe(403);
    await auditorContext.close();
    expect((await page.goto('/console/revision'))?.status()).toBe(403);
    expect(violations).toEqual([]);
    expect(overflowing).toEqual([]);
  });
});
