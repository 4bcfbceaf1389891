import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { qrSvg } from '../../src/common/web/qr-svg.js';
import { insertMember, unique } from '../factories/factories.js';
import { accessibilityViolations, launchChromium, narrowScreenProblems, PHONE_VIEWPORT } from '../support/browser.js';
import { PortalClient } from '../support/portal-client.js';
import { activateMember, MEMBER_PASSWORD, portalWorld } from '../support/portal-world.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: sink.url });
  baseUrl = await t.listen();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.close();
});

const count = async (sql: string, params: unknown[] = []) => (await t.dataSource.query(sql, params))[0].n as number;

/** A new member (no phone, no consent yet) with an account, and a browser on a phone. */
async function newMember() {
  const world = await portalWorld(t.app);
  const member = await insertMember(t.app, world.network.id, { phone: undefined, name: `Grete ${unique()}` });
  const { path } = await activateMember(t.app, sink, baseUrl, world.coordinator.token, member);
  // JavaScript stays on only for axe-core; the pages themselves carry none (the CSP forbids it).
  const context = await browser.newContext({ baseURL: baseUrl, viewport: PHONE_VIEWPORT });
  const page = await context.newPage();
  return { world, member, activationPath: path, context, page };
}

async function logIn(page: Page, email: string) {
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(MEMBER_PASSWORD);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

/** Every page these tests look at is also held to axe and the phone-width check. */
async function pageIsSound(page: Page) {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await narrowScreenProblems(page)).toEqual([]);
}

jest.setTimeout(120_000);

describe('what a new member meets in the portal', () => {
  let context: BrowserContext;
  afterAll(() => context?.close());

  it('explains an empty inbox, leading to "Mit samtykke"; a used activation link offers "Log ind" and "Glemt adgangskode"', async () => {
    const m = await newMember();
    context = m.context;
    const { page } = m;
    const used = await page.goto(m.activationPath);
    expect(used!.status()).toBe(410);
    expect(await page.getByRole('link', { name: 'Glemt adgangskode' }).count()).toBe(1);
    await pageIsSound(page);
    await page.getByRole('link', { name: 'Log ind' }).click();
    await logIn(page, m.member.email);
    expect(await page.locator('h1').innerText()).toBe('Mine beskeder');
    expect(await page.locator('main .notice').innerText()).toContain('Kontaktlisten sendes kun til dem, der står på den');
    await pageIsSound(page);
    await page.getByRole('link', { name: 'Gå til Mit samtykke' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mit samtykke');
  });

  it('refuses consent to a field with nothing stored, says why in the page language, and records nothing', async () => {
    const m = await newMember();
    await m.context.close();
    const client = new PortalClient(baseUrl);
    await client.get('/portal/login');
    await client.post('/portal/login', { email: m.member.email, password: MEMBER_PASSWORD });
    await client.get('/portal/samtykke');
    const refused = await client.post('/portal/samtykke', { networkId: m.world.network.id, fields: ['name', 'phone'] });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Du kan ikke dele telefon: der er ingen oplysning gemt');
    expect(await count(`SELECT count(*)::int AS n FROM consent WHERE member_id = $1 AND channel = 'portal'`, [m.member.id])).toBe(0);
    await client.get('/portal/samtykke?lang=en');
    const english = await client.post('/portal/samtykke', { networkId: m.world.network.id, fields: ['phone'] });
    expect(english.text).toContain('You cannot share phone: nothing is stored');
  });

  it('asks for erasure only after a confirmation page that says what will happen', async () => {
    const m = await newMember();
    context = m.context;
    const { page } = m;
    await page.goto('/portal/login');
    await logIn(page, m.member.email);
    await page.goto('/portal/mine-data');
    await page.getByRole('link', { name: 'Bed om sletning' }).click();
    expect(await page.locator('h1').innerText()).toBe('Vil du bede om sletning?');
    expect(await page.locator('main').innerText()).toContain('Du kan ikke længere logge ind');
    await pageIsSound(page);
    expect(await count(`SELECT count(*)::int AS n FROM data_request WHERE member_id = $1`, [m.member.id])).toBe(0);
    await page.getByRole('link', { name: 'Nej, gå tilbage til Mine data' }).click();
    expect(await page.locator('h1').innerText()).toBe('Mine data');
    await page.getByRole('link', { name: 'Bed om sletning' }).click();
    await page.getByRole('button', { name: 'Ja, bed om sletning' }).click();
    expect(await page.locator('.flash').innerText()).toContain('Vi har modtaget din anmodning om sletning');
    const open = `SELECT count(*)::int AS n FROM data_request WHERE member_id = $1 AND kind = 'erasure' AND state = 'open'`;
    expect(await count(open, [m.member.id])).toBe(1);
  });

  it('says a change was lost when the session ended, returns to the form after login, and confirms a logout', async () => {
    const m = await newMember();
    context = m.context;
    const { page } = m;
    await page.goto('/portal/login');
    await logIn(page, m.member.email);
    await page.goto('/portal/samtykke');
    // The member logs out in another tab; the form in this one is then sent without a session.
    const other = await context.newPage();
    await other.goto('/portal');
    await other.getByRole('button', { name: 'Log ud' }).click();
    expect(await other.locator('.flash').innerText()).toBe('Du er logget ud.');
    await pageIsSound(other);
    await page.getByLabel('Navn', { exact: true }).check();
    await page.getByRole('button', { name: 'Gem mit samtykke' }).click();
    expect(await page.locator('h1').innerText()).toBe('Log ind');
    expect(await page.locator('.flash').innerText()).toContain('Du blev logget ud, så dine ændringer blev ikke gemt');
    await pageIsSound(page);
    expect(await count(`SELECT count(*)::int AS n FROM consent WHERE member_id = $1 AND channel = 'portal'`, [m.member.id])).toBe(0);
    await logIn(page, m.member.email);
    expect(new URL(page.url()).pathname).toBe('/portal/samtykke');
    expect(await page.locator('h1').innerText()).toBe('Mit samtykke');
    // In English too (the login page shows only to someone logged out).
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.goto('/portal/login?expired=1&lang=en');
    expect(await page.locator('.flash').innerText()).toContain('You were logged out, so your changes were not saved');
    await page.goto('/portal?lang=da');
  });

  it('never returns to another site after login, whatever the return path says', async () => {
    const m = await newMember();
    await m.context.close();
    const client = new PortalClient(baseUrl);
    // A page asked for without a session remembers itself (and only itself) for after the login.
    expect((await client.get('/portal/mine-data')).location).toBe('/portal/login?next=%2Fportal%2Fmine-data');
    const hostile = [
      '//evil.example/portal', 'https://evil.example/portal', '/\\evil.example',
      '/portal/../../evil', '/portal/%2e%2e/evil', 'javascript:alert(1)',
    ];
    for (const next of hostile) {
      const form = await client.get(`/portal/login?next=${encodeURIComponent(next)}`);
      expect(form.text).not.toContain('name="next"');
      const res = await client.post('/portal/login', { email: m.member.email, password: MEMBER_PASSWORD, next });
      expect(`${next} → ${res.status} ${res.location}`).toBe(`${next} → 303 /portal`);
      await client.get('/portal');
      await client.post('/portal/logout', {});
      await client.get('/portal/login');
    }
    const good = await client.post('/portal/login', { email: m.member.email, password: MEMBER_PASSWORD, next: '/portal/modtagere' });
    expect(good.location).toBe('/portal/modtagere');
  });

  it('shows the two-step key as a server-made QR code (inline SVG with a text alternative) and keeps the key as text', async () => {
    const m = await newMember();
    context = m.context;
    const { page } = m;
    await page.goto('/portal/login');
    await logIn(page, m.member.email);
    await page.goto('/portal/to-trin');
    await page.getByRole('button', { name: 'Slå to-trins-login til' }).click();
    const qr = page.getByRole('img', { name: /QR-kode med nøglen til to-trins-login/ });
    expect(await qr.count()).toBe(1);
    const key = (await page.locator('dl.totp dd code').first().innerText()).replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    const uri = await page.locator('dl.totp code.wrap').innerText();
    expect(uri).toContain(`secret=${key}`);
    // The picture is the code of exactly this address: the same renderer, fed the address shown as text.
    const paths = (svg: string) => [...svg.matchAll(/ d="([^"]+)"/g)].map((d) => d[1]);
    const shown = paths(await page.locator('figure.qr').innerHTML());
    expect(shown).toHaveLength(2);
    expect(shown).toEqual(paths((await qrSvg(uri, 'x')).value));
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(150);
    await pageIsSound(page);
  });
});
