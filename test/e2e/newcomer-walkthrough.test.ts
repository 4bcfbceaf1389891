import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { unique } from '../factories/factories.js';
import { launchChromium } from '../support/browser.js';
import { linkPath } from '../support/portal-client.js';
import { runCli } from '../support/run-cli.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/**
 * The README's walk-through on `npm start`'s set-up: embedded database, no SMTP server (mails are
 * .eml files under DATA_DIR/outbox), the server's own timers building bundles and sending mail.
 */
let dataDir: string;
let service: ServiceProcess;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lb-newcomer-'));
  service = await startService({ DATA_DIR: dataDir, ORG_NAME: 'Sjældne Diagnoser' }, 120_000);
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Waits until a mail matching `where` lies in DATA_DIR/outbox (the server sends every few seconds). */
async function outboxMail(where: (subject: string, to: string) => boolean, timeoutMs = 60_000) {
  const dir = join(dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'))) {
      const mail = await simpleParser(await readFile(join(dir, name)));
      const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? '')).join(',');
      if (where(mail.subject ?? '', to)) return mail;
    }
    if (Date.now() > deadline) throw new Error('the expected mail did not appear in the outbox');
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a newcomer on the embedded database', () => {
  it('walks from "request access" to an opened XLSX, with the mails in var/outbox', async () => {
    const seeded = await runCli(['demo:seed', '--members', '6', '--networks', '1', '--accounts', '1', '--seed', '3'], { DATA_DIR: dataDir });
    expect(seeded.code).toBe(0);
    const { networks, coordinator, memberLogins } = seeded.json as { networks: string[]; coordinator: { email: string; password: string }; memberLogins: { email: string; password: string }[] };
    expect(memberLogins).toHaveLength(1);

    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true, baseURL: service.baseUrl });
    const page = await context.newPage();
    try {
      // A demo member logs in straight away with the password demo:seed printed.
      await page.goto('/portal/login');
      await page.getByLabel('E-mailadresse').fill(memberLogins[0].email);
      await page.getByLabel('Adgangskode').fill(memberLogins[0].password);
      await page.getByRole('button', { name: 'Log ind' }).click();
      expect(await page.locator('h1').innerText()).toBe('Mine beskeder');
      await page.getByRole('button', { name: 'Log ud' }).click();

      const person = { name: `Karen Blixen ${unique()}`, email: `karen.${unique()}@example.org` };
      await page.goto('/portal/adgang');
      await page.getByLabel('Sjældne-netværket').check();
      await page.getByLabel('Dit fulde navn').fill(person.name);
      await page.getByLabel('E-mailadresse').fill(person.email);
      await page.getByRole('button', { name: 'Send' }).click();
      expect(await page.locator('h1').innerText()).toBe('Tak for din anmodning');

      // The demo coordinator approves through the API (the staff console comes later).
      const login = await fetch(`${service.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(coordinator) });
      expect(login.status).toBe(200);
      const staffCookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      // Writes with the session cookie send the CSRF token that login answered with.
      const csrf = login.headers.get('x-csrf-token') ?? '';
      const staff = (path: string, init: RequestInit = {}) => fetch(`${service.baseUrl}${path}`, { ...init, headers: { cookie: staffCookie, 'content-type': 'application/json', 'x-csrf-token': csrf } });
      const queue = (await (await staff('/api/v1/access-requests?state=pending')).json()) as { items: { id: string; email: string }[] };
      const request = queue.items.find((r) => r.email === person.email)!;
      const network = ((await (await staff('/api/v1/networks')).json()) as { id: string; slug: string }[]).find((n) => n.slug === networks[0])!;
      expect((await staff(`/api/v1/access-requests/${request.id}/approve`, { method: 'POST', body: JSON.stringify({ networkId: network.id }) })).status).toBe(200);

      const activation = await outboxMail((subject, to) => to === person.email && subject === 'Aktivér din sikre adgang');
      await page.goto(linkPath(activation.text ?? ''));
      await page.getByLabel('Adgangskode', { exact: true }).fill('en lang og hemmelig sætning');
      await page.getByLabel('Gentag adgangskoden').fill('en lang og hemmelig sætning');
      await page.getByRole('button', { name: 'Aktivér min adgang' }).click();
      await page.getByRole('link', { name: 'Gå til Mit samtykke' }).click();
      for (const label of ['Navn', 'E-mail']) await page.getByLabel(label, { exact: true }).check();
      await page.getByRole('button', { name: 'Gem mit samtykke' }).click();

      const published = await runCli(['publish', '--network', networks[0]], { DATA_DIR: dataDir });
      expect(published.json).toMatchObject({ state: 'published', failed: 0 });
      const notice = await outboxMail((subject, to) => to === person.email && subject === 'Du har modtaget en sikker besked');
      expect(`${notice.subject} ${notice.text} ${notice.html}`).not.toContain(person.name);

      await page.getByRole('link', { name: 'Mine beskeder' }).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Excel/ }).first().click()]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
      const names: string[] = [];
      workbook.worksheets[0].eachRow((row, n) => n > 2 && names.push(String(row.getCell(1).value)));
      expect(names).toContain(person.name);
    } finally {
      await context.close();
    }
  }, 240_000);
});
