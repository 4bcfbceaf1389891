import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AccessRequestsService } from '../../src/access-requests/access-requests.service.js';
import { insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { PortalClient } from '../support/portal-client.js';
import { HELPLINE_SUBJECT, NETWORK_SUBJECT } from '../support/request-mails.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApp();
  baseUrl = await t.listen();
});
afterAll(() => t?.close());

const rowsOf = (email: string): Promise<{ channel: string; name: string; source: string; refreshed_at: Date | null }[]> =>
  t.dataSource.query('SELECT channel, name, source, refreshed_at FROM access_request WHERE email = $1 ORDER BY channel', [email]);

describe('the access-request form and the two ways in', () => {
  it('shows for each channel a mailto: link with the exact subject of the seed', async () => {
    const page = (await new PortalClient(baseUrl).get('/portal/adgang')).text;
    const hrefs = [...page.matchAll(/href="(mailto:[^"]+)"/g)].map((m) => new URL(m[1].replace(/&amp;/g, '&')));
    expect(hrefs.map((u) => u.pathname)).toEqual(['helpline@sjaeldnediagnoser.dk', 'netvaerket@sjaeldnediagnoser.dk']);
    expect(hrefs.map((u) => decodeURIComponent(u.search.replace(/^\?subject=/, '')))).toEqual([HELPLINE_SUBJECT, NETWORK_SUBJECT]);
  });

  it('shows no mailto: link for a channel without an address in the organisation settings', async () => {
    const setHelplineAddress = (json: string) =>
      t.dataSource.query(
        `UPDATE organisation_setting SET access_request_mail = jsonb_set(access_request_mail, '{Helpline,address}', $1)`,
        [json],
      );
    await setHelplineAddress('null');
    try {
      const page = (await new PortalClient(baseUrl).get('/portal/adgang')).text;
      expect([...page.matchAll(/href="mailto:([^"?]+)/g)].map((m) => m[1])).toEqual(['netvaerket@sjaeldnediagnoser.dk']);
    } finally {
      await setHelplineAddress('"helpline@sjaeldnediagnoser.dk"');
    }
  });

  it('keeps one pending request per address and channel: the form sent again refreshes it', async () => {
    const email = `form.${unique()}@example.org`;
    const client = new PortalClient(baseUrl);
    await client.get('/portal/adgang');
    expect((await client.post('/portal/adgang', { channel: 'Helpline', name: 'Første Navn', email })).status).toBe(200);
    expect((await client.post('/portal/adgang', { channel: 'Helpline', name: 'Andet Navn', email: email.toUpperCase() })).status).toBe(200);
    expect((await client.post('/portal/adgang', { channel: 'Sjældne-netværket', name: 'Andet Navn', email })).status).toBe(200);
    const rows = await rowsOf(email);
    expect(rows).toEqual([
      expect.objectContaining({ channel: 'Helpline', name: 'Andet Navn', source: 'web' }),
      expect.objectContaining({ channel: 'Sjældne-netværket', name: 'Andet Navn', source: 'web', refreshed_at: null }),
    ]);
    expect(rows[0].refreshed_at).not.toBeNull();
  });

  it('shows the source in the console queue and over the API, with the same approval form for each', async () => {
    const network = await insertNetwork(t.app, `Netværk ${unique()}`);
    const staff = await insertStaff(t.app, 'admin');
    const web = `web.${unique()}@example.org`;
    const mail = `mail.${unique()}@example.org`;
    const requests = t.app.get(AccessRequestsService);
    const client = `10.0.0.${Math.floor(Math.random() * 200)}`;
    await requests.submit({ channel: 'Helpline', name: 'Web Person', email: web, locale: 'da' }, client);
    await t.dataSource.transaction((tx) => requests.receiveByMail(tx, { channel: 'Helpline', name: 'Mail Person', email: mail }));

    const api = await request(t.http).get('/api/v1/access-requests?state=pending').set('authorization', `Bearer ${staff.token}`);
    expect(api.status).toBe(200);
    const byEmail = new Map(api.body.items.map((r: { email: string; source: string }) => [r.email, r.source]));
    expect([byEmail.get(web), byEmail.get(mail)]).toEqual(['web', 'email']);

    const console = new PortalClient(baseUrl);
    await console.get('/console/login');
    expect((await console.post('/console/login', { email: staff.email, password: staff.password })).status).toBe(303);
    const page = (await console.get('/console/anmodninger')).text;
    expect(page).toContain('<th scope="col">Kom via</th>');
    const row = (email: string) =>
      new RegExp(`<tr><td>[^<]*</td><td>${email.replace(/\./g, '\\.')}</td><td>Helpline</td><td>([^<]*)</td>.*?</tr>`, 's').exec(page);
    expect(row(web)?.[1]).toBe('Formular');
    expect(row(mail)?.[1]).toBe('E-mail');
    for (const email of [web, mail]) expect(row(email)?.[0]).toContain(`<select id="net-`);
    expect(page).toContain(network.name);
  });
});
