import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { accessibilityViolations, launchChromium, overflowsSideways } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORG = 'Sjældne Diagnoser & Co';
const LOGO = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#c33"/></svg>
`;

let t: TestApp;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'lb-logo-'));

beforeAll(async () => {
  writeFileSync(join(dir, 'logo.svg'), LOGO);
  t = await startTestApp({ ORG_NAME: ORG, ORG_LOGO_PATH: join(dir, 'logo.svg') });
  baseUrl = await t.listen();
  browser = await launchChromium();
  // axe runs as a script in the page; the pages themselves have none (checked below).
  context = await browser.newContext({ baseURL: baseUrl });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the front page at the server’s address', () => {
  it('names the organisation in Danish and offers the two ways in, with no script, accessibly', async () => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('da');
    expect(await page.locator('h1').innerText()).toBe(ORG);
    expect(await page.title()).toBe(ORG);
    const ways = page.getByRole('navigation', { name: 'Veje ind' });
    expect(await ways.getByRole('link', { name: 'Portalen' }).getAttribute('href')).toBe('/portal');
    expect(await ways.getByRole('link', { name: 'Konsollen' }).getAttribute('href')).toBe('/console');
    expect(await ways.innerText()).toContain('For medlemmer og andre, der skriver til os');
    expect(await ways.innerText()).toContain('For medarbejdere');
    expect(await page.locator('script').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflowsSideways(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('is in English with ?lang=en, and the portal link leads to the portal', async () => {
    await page.goto('/?lang=en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const ways = page.getByRole('navigation', { name: 'Ways in' });
    expect(await ways.innerText()).toContain('For members and others who write to us');
    expect(await ways.innerText()).toContain('For staff');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.goto('/?lang=da');
    await page.getByRole('link', { name: 'Portalen' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/portal/);
  });
});

describe('the organisation’s logo and the favicon', () => {
  it('shows the logo in the header of the front page, the portal and the console, loaded under the page policy', async () => {
    for (const path of ['/', '/portal/login', '/console/login']) {
      await page.goto(path);
      const logo = page.locator('header.site img.logo');
      expect(await logo.getAttribute('src')).toMatch(/^\/assets\/logo\?v=[0-9a-f]{12}$/);
      expect(await logo.getAttribute('alt')).toBe('');
      expect(await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(40);
      expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^\/assets\/logo\?v=/);
      expect(await accessibilityViolations(page)).toEqual([]);
    }
  });

  it('serves the logo with its type and a long cache lifetime, under a URL that changes with the file', async () => {
    const html = (await request(t.app.getHttpServer()).get('/').expect(200)).text;
    const src = /<img class="logo" src="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    const res = await request(t.app.getHttpServer()).get(src).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((res.body as Buffer).toString()).toBe(LOGO);
  });

  it('serves a small default icon at /favicon.ico', async () => {
    const res = await request(t.app.getHttpServer()).get('/favicon.ico').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/x-icon');
    const ico = res.body as Buffer;
    expect(ico.subarray(0, 6)).toEqual(Buffer.from([0, 0, 1, 0, 1, 0]));
    expect(ico.length).toBeLessThan(2048);
    // Chromium decodes it: the icon is a real image, not just the right header.
    await page.goto('/favicon.ico');
    expect(await page.evaluate('document.images[0] && document.images[0].naturalWidth')).toBe(32);
  });
});
