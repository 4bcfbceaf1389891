import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { entryBytes, readZip } from '../../src/common/zip/zip-reader.js';
import { unique } from '../factories/factories.js';
import { accessibilityViolations, launchChromium, narrowScreenProblems, overflowsSideways, PHONE_VIEWPORT } from '../support/browser.js';
import { linkPath } from '../support/portal-client.js';
import { activateMember, consentingMember, flushMail, portalWorld, publish } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url, ORG_NAME: 'Sjældne Diagnoser' });
  baseUrl = await t.listen();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.close();
});

const PASSWORD = 'mit lange kodeord om efteråret';

describe('the whole member path in a real browser, without JavaScript', () => {
  let context: BrowserContext;
  let page: Page;
  const person = { name: `Birthe Ødegaard ${unique()}`, email: `birthe.${unique()}@example.org` };
  let world: Awaited<ReturnType<typeof portalWorld>>;

  beforeAll(async () => {
    world = await portalWorld(t.app);
    // A second member already on the list, so the downloaded list holds someone else too.
    const other = await consentingMember(t.app, world.network.id, { name: `Anders Å ${unique()}` });
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, other);
    context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true, baseURL: baseUrl });
    page = await context.newPage();
  });

  afterAll(() => context?.close());

  it('request access → approval → activation mail → password → consent → publish → notice → login → download → the lists open', async () => {
    await page.goto('/portal/adgang');
    await page.getByLabel('Helpline').check();
    await page.getByLabel('Dit fulde navn').fill(person.name);
    await page.getByLabel('E-mailadresse').fill(person.email);
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await page.locator('h1').innerText()).toBe('Tak for din anmodning');

    // A coordinator approves from the queue, creating the member in the network.
    const queue = await request(t.http).get('/api/v1/access-requests?state=pending').set('Authorization', `Bearer ${world.coordinator.token}`).expect(200);
    const entry = queue.body.items.find((r: { email: string }) => r.email === person.email);
    expect(entry).toMatchObject({ name: person.name, channel: 'Helpline', state: 'pending' });
    await request(t.http).post(`/api/v1/access-requests/${entry.id}/approve`).set('Authorization', `Bearer ${world.coordinator.token}`).send({ networkId: world.network.id }).expect(200);

    await flushMail(t.app);
    const [activation] = await sink.waitFor(1, 10_000, (m) => m.to.includes(person.email) && m.subject === 'Aktivér din sikre adgang');
    await page.goto(linkPath(activation.text));
    await page.getByLabel('Adgangskode', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Gentag adgangskoden').fill(PASSWORD);
    await page.getByRole('button', { name: 'Aktivér min adgang' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Din adgang er klar');
    // Activation ends on the one step that gets the member a list: choosing what the others may see.
    expect(await page.locator('main').innerText()).toContain('Vælg hvad de andre må se — du får selv listen, når du står på den');
    await page.getByRole('link', { name: 'Gå til Mit samtykke' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mit samtykke');
    // Each field shows what is stored; the access request gave no phone, so Telefon cannot be ticked yet.
    expect(await page.locator('#net-0-email-value').innerText()).toBe(person.email);
    expect(await page.getByLabel('Telefon', { exact: true }).isDisabled()).toBe(true);
    expect(await page.locator('#net-0-phone-value').innerText()).toBe('(ingen oplysning gemt)');
    await page.getByRole('link', { name: 'Ret mine kontaktoplysninger' }).click();
    await page.getByLabel('Telefon').fill('20 12 34 5');
    await page.getByRole('button', { name: 'Gem mine oplysninger' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Telefon er ikke et gyldigt telefonnummer');
    expect(await page.getByLabel('Telefon').inputValue()).toBe('20 12 34 5');
    await page.getByLabel('Telefon').fill('20 12 34 56');
    await page.getByLabel('By').fill('Århus C');
    await page.getByRole('button', { name: 'Gem mine oplysninger' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Dine kontaktoplysninger er gemt');
    const [me] = await t.dataSource.query(`SELECT id, phone, city FROM member WHERE email = $1`, [person.email]);
    expect(me).toMatchObject({ phone: '+4520123456', city: 'Århus C' });
    const lastEvent = `SELECT actor_type, actor_id, action, detail FROM audit_event WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1`;
    const [event] = await t.dataSource.query(lastEvent, [me.id]);
    expect(event).toEqual({ actor_type: 'member', actor_id: me.id, action: 'member.updated', detail: { fields: ['phone', 'city'] } });
    await page.getByRole('link', { name: 'Gå til Mit samtykke' }).click();
    expect(await page.locator('#net-0-phone-value').innerText()).toBe('20 12 34 56'); // shown as people write it (issue 16 item 19); stored as E.164
    for (const label of ['Navn', 'E-mail', 'Telefon']) await page.getByLabel(label, { exact: true }).check();
    await page.getByRole('button', { name: 'Gem mit samtykke' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Dit samtykke er gemt');

    await publish(t.app, world.coordinator.token, world.listId);
    const [notice] = await sink.waitFor(1, 10_000, (m) => m.to.includes(person.email) && m.subject === 'Du har modtaget en sikker besked');
    expect(notice.text).toContain('/portal');
    expect(`${notice.subject}${notice.text}${notice.html}`).not.toContain(person.name);

    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByLabel('E-mailadresse').fill(person.email);
    await page.getByLabel('Adgangskode').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mine beskeder');
    // Not yet downloaded: "ny" in words; the edition's time of day in the list's time zone.
    const row = page.locator('tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('strong.new').innerText()).toBe('ny');
    expect(await row.locator('td[data-label="Dato"]').innerText()).toMatch(/^\d{1,2}\. \p{L}+ \d{4} kl\. \d{2}\.\d{2}$/u);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Alt \(ZIP\)/ }).first().click()]);
    expect(download.suggestedFilename()).toMatch(/^kontaktliste-\d{4}-\d{2}-\d{2}\.zip$/);
    const zip = await readFile((await download.path())!);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(['contact-list.pdf', 'contact-list.xlsx', 'manifest.json']);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(entryBytes(entries.find((e) => e.name === 'contact-list.xlsx')!) as unknown as ArrayBuffer);
    const names: string[] = [];
    workbook.worksheets[0].eachRow((row, n) => n > 2 && names.push(String(row.getCell(1).value)));
    expect(names).toContain(person.name);
    expect(names.length).toBe(2);
    const manifest = JSON.parse(entryBytes(entries.find((e) => e.name === 'manifest.json')!).toString());
    const [created] = await t.dataSource.query(`SELECT id FROM member WHERE email = $1`, [person.email]);
    expect(manifest.recipientId).toBe(created.id);

    await page.reload();
    expect(await page.locator('tbody').innerText()).toContain('Hentet');
    expect(await page.locator('strong.new').count()).toBe(0);

    // A newer edition of the same list: still one row, the newest, marked new again (in English: "new").
    const before = await page.locator('td[data-label="Dato"]').innerText();
    await publish(t.app, world.coordinator.token, world.listId, { force: true }); // nothing changed: publish anyway
    await page.goto('/portal?lang=en');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('strong.new').innerText()).toBe('new');
    expect(await page.locator('td[data-label="Date"]').innerText()).toMatch(/^\d{1,2} \p{L}+ \d{4} at \d{2}:\d{2}$/u);
    expect(before).not.toBe('');
    await page.goto('/portal?lang=da');
  });
});

describe('accessibility (WCAG 2.1 AA, axe-core), 200 % zoom and a 390 px phone', () => {
  it('no page, logged out or in, has violations, needs sideways scrolling, or puts a control off a phone screen', async () => {
    const world = await portalWorld(t.app);
    const member = await consentingMember(t.app, world.network.id);
    await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
    const pending = await consentingMember(t.app, world.network.id);
    await request(t.http).post(`/api/v1/members/${pending.id}/activation`).set('Authorization', `Bearer ${world.coordinator.token}`).send({}).expect(204);
    await flushMail(t.app);
    const activationPath = linkPath((await sink.waitFor(1, 10_000, (m) => m.to.includes(pending.email)))[0].text);
    await publish(t.app, world.coordinator.token, world.listId);

    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 640, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    const overflowing: string[] = [];
    const phone: string[] = [];
    const pages = new Set<string>();
    // The page as it is now: axe and 200 % zoom at 640 px, then the same page on a 390 px phone.
    const checkHere = async (label: string) => {
      pages.add(label);
      violations.push(...(await accessibilityViolations(page)));
      if (await overflowsSideways(page)) overflowing.push(label);
      await page.setViewportSize(PHONE_VIEWPORT);
      phone.push(...(await narrowScreenProblems(page)).map((p) => `${label} ${p}`));
      await page.setViewportSize({ width: 640, height: 900 });
    };
    const check = async (path: string) => {
      const response = await page.goto(path);
      expect(`${path} ${response!.status() < 500 ? 'answered' : 'failed'}`).toBe(`${path} answered`);
      await checkHere(path);
    };
    const loggedOut = [
      '/portal/login', '/portal/adgang', '/portal/nulstil', activationPath,
      '/portal/aktiver/lba_used-or-unknown-token-0000000000000000000000',
      '/portal/login?expired=1&next=%2Fportal%2Fsamtykke', '/portal/login?done=logout',
      '/portal/login?lang=en', '/portal/adgang?lang=da', '/portal/nulstil?lang=en', '/portal/login?lang=da',
    ];
    for (const path of loggedOut) await check(path);
    // A form with errors is a page of its own.
    await page.goto('/portal/adgang');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await page.locator('.error-summary').count()).toBe(1);
    await checkHere('/portal/adgang (errors)');

    await page.goto('/portal/login');
    await page.getByLabel('E-mailadresse').fill(member.email);
    await page.getByLabel('Adgangskode').fill('a quiet harbour in late november');
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mine beskeder');
    // The messages page has a list to download, so its table and links are what a phone shows.
    expect(await page.locator('a[href$="/pdf"]').count()).toBe(1);
    const loggedIn = [
      '/portal', '/portal/velkommen', '/portal/samtykke', '/portal/modtagere', '/portal/mine-data', '/portal/mine-data/sletning',
      '/portal/kontaktoplysninger',
      '/portal/adgangskode', '/portal/to-trin', '/portal/beskeder/00000000-0000-4000-8000-000000000000/zip',
    ];
    for (const path of loggedIn) await check(path);
    for (const path of loggedIn.slice(0, 8)) await check(`${path}?lang=en`);
    await page.goto('/portal/samtykke?lang=da');
    // Forms with errors: the contact details and the password.
    await page.goto('/portal/kontaktoplysninger');
    await page.getByLabel('Telefon', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Gem mine oplysninger' }).click();
    expect(await page.locator('.error-summary').count()).toBe(1);
    await checkHere('/portal/kontaktoplysninger (errors)');
    await page.goto('/portal/adgangskode');
    await page.getByRole('button', { name: 'Gem' }).click();
    await checkHere('/portal/adgangskode (errors)');
    // Two-step login: the set-up page with its key, the page when on, and the code step of a login.
    await page.goto('/portal/to-trin');
    await page.getByRole('button', { name: 'Slå to-trins-login til' }).click();
    expect(await page.locator('figure.qr svg').count()).toBe(1);
    await checkHere('/portal/to-trin (set-up)');
    const secret = (await page.locator('dl.totp dd code').first().innerText()).replace(/\s+/g, '');
    await page.getByLabel('Kode fra appen (6 cifre)').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Bekræft og slå til' }).click();
    expect(await page.locator('.flash').innerText()).toContain('To-trins-login er slået til');
    await checkHere('/portal/to-trin (on)');
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByLabel('E-mailadresse').fill(member.email);
    await page.getByLabel('Adgangskode').fill('a quiet harbour in late november');
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(await page.locator('h1').innerText()).toBe('Skriv koden fra din app');
    await checkHere('/portal/kode');
    await context.close();
    expect({ violations, overflowing, phone }).toEqual({ violations: [], overflowing: [], phone: [] });
    expect(pages.size).toBe(35);
  }, 240_000);
});
