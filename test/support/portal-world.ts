import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { NoticesService } from '../../src/notices/notices.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { linkPath, PortalClient } from './portal-client.js';
import type { SmtpSink } from './smtp-sink.js';

export const MEMBER_PASSWORD = 'a quiet harbour in late november';

/** A network with a consent text, a coordinator and a list of name, e-mail and phone. */
export async function portalWorld(app: INestApplication, networkName = `Netværk ${unique()}`) {
  const network = await insertNetwork(app, networkName);
  await insertConsentText(app, network.id);
  const coordinator = await insertStaff(app, 'coordinator', [network.id]);
  const list = await request(app.getHttpServer())
    .post(`/api/v1/networks/${network.id}/lists`)
    .set('Authorization', `Bearer ${coordinator.token}`)
    .send({ slug: `l-${unique()}`, title: 'Kontaktliste', columns: ['name', 'email', 'phone'] })
    .expect(201);
  return { network, coordinator, listId: list.body.id as string };
}

export async function consentingMember(app: INestApplication, networkId: string, overrides: Parameters<typeof insertMember>[2] = {}) {
  const member = await insertMember(app, networkId, overrides);
  await grantConsent(app, networkId, member.id, ['name', 'email', 'phone']);
  return member;
}

/** Sends everything due in the outbox now (the tests call the worker instead of waiting for it). */
export async function flushMail(app: INestApplication) {
  return app.get(NoticesService).sendDue();
}

/** Flow B: the coordinator sends the activation mail; the member sets a password in the portal. */
export async function activateMember(app: INestApplication, sink: SmtpSink, baseUrl: string, coordinatorToken: string, member: { id: string; email: string }, password = MEMBER_PASSWORD) {
  await request(app.getHttpServer()).post(`/api/v1/members/${member.id}/activation`).set('Authorization', `Bearer ${coordinatorToken}`).send({}).expect(204);
  await flushMail(app);
  const [mail] = await sink.waitFor(1, 10_000, (m) => m.to.includes(member.email) && /aktiv/i.test(m.subject));
  const path = linkPath(mail.text);
  const client = new PortalClient(baseUrl);
  await client.get(path);
  const done = await client.post(path, { password, passwordRepeat: password });
  if (done.status !== 303) throw new Error(`activation answered ${done.status}`);
  // As a browser follows the redirect: activation starts a session with a new CSRF cookie and token.
  await client.get(done.location!);
  return { client, path };
}

/** The coordinator publishes the list; the worker builds the bundles and sends the notices. */
export async function publish(app: INestApplication, coordinatorToken: string, listId: string, options: { force?: boolean } = {}) {
  const res = await request(app.getHttpServer())
    .post(`/api/v1/lists/${listId}/editions`)
    .set('Authorization', `Bearer ${coordinatorToken}`)
    .send(options.force ? { force: true } : {})
    .expect(201);
  await app.get(BundleWorker).drain();
  await flushMail(app);
  return res.body.id as string;
}
