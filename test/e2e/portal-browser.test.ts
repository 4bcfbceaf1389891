import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { entryBytes, readZip } from '../../src/common/zip/zip-reader.js';
import { unique } from '../factories/factories.js';
import { accessibilityViolations, launchChromium, overflowsSideways } from '../support/browser.js';
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

    await page.getByRole('link', { name: 'Mit samtykke' }).click();
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
  });
});

describe('accessibility (WCAG 2.1 AA, axe-core) and 200 % zoom', () => {
  it('every portal page, logged out and logged in, has no violations and needs no sideways scrolling', async () => {
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
    const check = async (path: string) => {
      const response = await page.goto(path);
      expect(`${path} ${response!.status() < 500 ? 'answered' : 'failed'}`).toBe(`${path} answered`);
      violations.push(...(await accessibilityViolations(page)));
      if (await overflowsSideways(page)) overflowing.push(path);
    };
    for (const path of ['/portal/login', '/portal/adgang', '/portal/nulstil', activationPath, '/portal/aktiver/lba_used-or-unknown-token-0000000000000000000000', '/portal/login?lang=en', '/portal/adgang?lang=da']) {
      await check(path);
    }
    // A form with errors is a page of its own.
    await page.goto('/portal/adgang');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await page.locator('.error-summary').count()).toBe(1);
    violations.push(...(await accessibilityViolations(page)));

    await page.goto('/portal/login');
    await page.getByLabel('E-mailadresse').fill(member.email);
    await page.getByLabel('Adgangskode').fill('a quiet harbour in late november');
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mine beskeder');
    for (const path of ['/portal', '/portal/samtykke', '/portal/modtagere', '/portal/mine-data', '/portal/adgangskode', '/portal/to-trin', '/portal/beskeder/00000000-0000-4000-8000-000000000000/zip', '/portal?lang=en', '/portal/samtykke?lang=da']) {
      await check(path);
    }
    // Two-step login: the set-up page with its key, the page when on, and the code step of a login.
    await page.goto('/portal/to-trin');
    await page.getByRole('button', { name: 'Slå to-trins-login til' }).click();
    violations.push(...(await accessibilityViolations(page)));
    if (await overflowsSideways(page)) overflowing.push('/portal/to-trin (set-up)');
    const secret = (await page.locator('dl.totp dd code').first().innerText()).replace(/\s+/g, '');
    await page.getByLabel('Kode fra appen (6 cifre)').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Bekræft og slå til' }).click();
    expect(await page.locator('.flash').innerText()).toContain('To-trins-login er slået til');
    violations.push(...(await accessibilityViolations(page)));
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByLabel('E-mailadresse').fill(member.email);
    await page.getByLabel('Adgangskode').fill('a quiet harbour in late november');
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(await page.locator('h1').innerText()).toBe('Skriv koden fra din app');
    violations.push(...(await accessibilityViolations(page)));
    if (await overflowsSideways(page)) overflowing.push('/portal/kode');
    await context.close();
    expect(violations).toEqual([]);
    expect(overflowing).toEqual([]);
  });
});
