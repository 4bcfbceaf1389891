import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { importSlot } from '../../src/members/import/import-slot.js';
import { insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('member imports on one instance', () => {
  it('read one file at a time: an import while another is read gets 429 IMPORT_BUSY and changes nothing', async () => {
    const network = await insertNetwork(t.app);
    const coordinator = await insertStaff(t.app, 'coordinator', [network.id]);
    const csv = `Fornavn;Efternavn;E-mail\r\nAnne;Holm;anne.${unique()}@example.dk\r\n`;
    const send = () =>
      request(t.http).post(`/api/v1/networks/${network.id}/members/import`).set('Authorization', `Bearer ${coordinator.token}`).set('Content-Type', 'text/csv').send(csv);
    const count = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM membership WHERE network_id = $1', [network.id]))[0].n as number;
    // Another import is being read (this process holds the instance's one slot).
    const release = importSlot.take()!;
    try {
      const busy = await send().expect(429);
      expect(busy.body).toMatchObject({ code: 'IMPORT_BUSY', field: 'file' });
      expect(await count()).toBe(0);
    } finally {
      release();
    }
    await send().expect(201);
    expect(await count()).toBe(1);
  });
});
