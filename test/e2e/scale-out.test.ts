import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { readBundleZip } from '../support/bundle-zip.js';
import { ConsentService } from '../../src/consent/consent.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { MembersService } from '../../src/members/members.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { insertConsentText, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { ageDecrypt } from '../support/age-cli.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

/**
 * How the test knows both instances work, whatever the machine's speed: each scheduler looks for
 * bundle work every 5 s and then drains what it can claim, 48 bundles a claim, claiming the next
 * batch only once the one before the last is stored. The store answers each upload after
 * PUT_DELAY_MS, so 300 bundles (7 claims) take one instance alone at least 5 × 1.5 s = 7.5 s to
 * claim: the other instance ticks within 5 s of the first claim and finds batches left. Each
 * instance's log says how many bundles it handled; the test adds them up.
 */
const MEMBERS = 300;
const PUT_DELAY_MS = 1_500;

let t: TestApp;
let s3: S3Server;
let sink: SmtpSink;
let keysDir: string;
let listId: string;
let coordinatorToken: string;
const emails: string[] = [];
/** A few members whose secret keys the test keeps, to open their bundles with the age CLI. */
const sampled = new Map<string, string>();

/** One network of consenting members, each with an X25519 key of their own, written before either instance starts. */
beforeAll(async () => {
  [s3, sink] = await Promise.all([startS3Server({ putDelayMs: PUT_DELAY_MS }), startSmtpSink()]);
  t = await startTestApp({ ...s3.env, SMTP_URL: sink.url });
  keysDir = await mkdtemp(join(tmpdir(), 'lb-scale-'));
  const network = await insertNetwork(t.app);
  await insertConsentText(t.app, network.id);
  coordinatorToken = (await insertStaff(t.app, 'coordinator', [network.id])).token;
  const run = unique();
  for (let i = 0; i < MEMBERS; i++) emails.push(`scale.${run}.${i}@example.org`);
  const csv = ['Navn;E-mail', ...emails.map((email, i) => `Medlem ${i} Ærø;${email}`)].join('\n');
  const imported = await t.app.get(MembersService).importFile(CLI_ACTOR, network.id, Buffer.from(csv), { dryRun: false });
  expect(imported).toMatchObject({ created: MEMBERS });
  const ids: { id: string }[] = await t.dataSource.query(`SELECT member_id AS id FROM membership WHERE network_id = $1 ORDER BY member_id`, [network.id]);
  for (const [i, { id }] of ids.entries()) {
    await t.app.get(ConsentService).record(CLI_ACTOR, network.id, id, { fields: ['name', 'email'], consentTextVersion: 1, channel: 'paper' });
    const identity = await generateX25519Identity();
    await t.app.get(RecipientsService).add(CLI_ACTOR, id, await identityToRecipient(identity));
    if (i % Math.ceil(MEMBERS / 4) === 0) {
      const file = join(keysDir, `${id}.key`);
      await writeFile(file, `${identity}\n`, { mode: 0o600 });
      sampled.set(id, file);
    }
  }
  listId = (await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: 'kontaktliste', title: 'Kontaktliste', columns: ['name', 'email'] })).id;
}, 300_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([s3?.stop(), sink?.close()]);
  await rm(keysDir, { recursive: true, force: true });
});

/** What the instances share: the database, SESSION_SECRET, the object store and the mail server. Nothing on disk. */
async function instance(name: string): Promise<ServiceProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), `lb-${name}-`));
  return startService({
    DATABASE_URL: t.database.url,
    SESSION_SECRET: TEST_SESSION_SECRET,
    DATA_DIR: dataDir,
    BASE_URL: 'http://listebud.example.org',
    SMTP_URL: sink.url,
    ...s3.env,
    // info: each instance logs how many bundles each scheduler tick handled.
    LOG_LEVEL: 'info',
  });
}

/** The pino lines of one instance's output with this message. */
function logLines(service: ServiceProcess, msg: string): Record<string, unknown>[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

const sum = (entries: Record<string, unknown>[], field: string) => entries.reduce((n, e) => n + Number(e[field] ?? 0), 0);

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('two instances on one PostgreSQL, one object store and one mail server', () => {
  it('publish one edition: each bundle is built once and each notice is sent once, with both instances at work', async () => {
    const [a, b] = await Promise.all([instance('a'), instance('b')]);
    let editionId = '';
    try {
      // Published through instance a's API, while both schedulers run.
      const published = await request(a.baseUrl).post(`/api/v1/lists/${listId}/editions`).set('Authorization', `Bearer ${coordinatorToken}`).expect(201);
      editionId = published.body.id as string;
      const started = Date.now();
      await until('the edition to be published', 240_000, async () => {
        const [row] = await t.dataSource.query(`SELECT state FROM edition WHERE id = $1`, [editionId]);
        return row.state === 'published' ? true : undefined;
      });
      const builtInMs = Date.now() - started;
      await sink.waitFor(MEMBERS, 240_000);
      await until('every notice to be marked sent', 60_000, async () => {
        const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox_mail WHERE bundle_id IS NOT NULL AND state = 'sent'`);
        return row.n === MEMBERS ? true : undefined;
      });
      // One more tick of each scheduler: a duplicate would have arrived by now.
      await new Promise((r) => setTimeout(r, 6_000));

      // Both instances handled bundles, and between them each bundle exactly once.
      const handled = { a: sum(logLines(a, 'bundles handled'), 'bundles'), b: sum(logLines(b, 'bundles handled'), 'bundles') };
      const sent = { a: sum(logLines(a, 'outbox run finished'), 'sent'), b: sum(logLines(b, 'outbox run finished'), 'sent') };
      process.stdout.write(`scale-out: ${MEMBERS} bundles built in ${builtInMs} ms; bundles handled ${JSON.stringify(handled)}; notices sent ${JSON.stringify(sent)}\n`);
      expect(handled.a).toBeGreaterThan(0);
      expect(handled.b).toBeGreaterThan(0);
      expect(handled.a + handled.b).toBe(MEMBERS);
      expect(sent.a + sent.b).toBe(MEMBERS);
      for (const service of [a, b]) {
        // Logs name ids, never people.
        for (const email of emails.slice(0, 20)) expect(service.output()).not.toContain(email);
        expect(service.output()).not.toContain('Ærø');
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }

    // One edition of the list, one ready bundle per recipient, each built once (one bundle.built event).
    const editions = await t.dataSource.query(`SELECT id FROM edition WHERE list_id = $1`, [listId]);
    expect(editions).toEqual([{ id: editionId }]);
    const bundles: { id: string; member_id: string; state: string; storage_key: string; claimed_by: string | null }[] = await t.dataSource.query(
      `SELECT id, member_id, state, storage_key, claimed_by FROM bundle WHERE edition_id = $1`,
      [editionId],
    );
    expect(bundles).toHaveLength(MEMBERS);
    expect(new Set(bundles.map((row) => row.member_id)).size).toBe(MEMBERS);
    expect(bundles.filter((row) => row.state !== 'ready' || row.claimed_by !== null)).toEqual([]);
    const [{ built, distinctBuilt }] = await t.dataSource.query(
      `SELECT count(*)::int AS built, count(DISTINCT subject_id)::int AS "distinctBuilt" FROM audit_event WHERE action = 'bundle.built' AND detail->>'editionId' = $1`,
      [editionId],
    );
    expect({ built, distinctBuilt }).toEqual({ built: MEMBERS, distinctBuilt: MEMBERS });

    // Exactly one object per bundle in the bucket, and nothing else under the edition.
    expect((await s3.keys(`${editionId}/`)).sort()).toEqual(bundles.map((row) => row.storage_key).sort());

    // Exactly one notice per recipient at the SMTP server, counted by Message-ID and by address.
    expect(sink.mails).toHaveLength(MEMBERS);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(MEMBERS);
    expect(sink.mails.flatMap((m) => m.envelopeTo).sort()).toEqual([...emails].sort());
    const [{ sentEvents }] = await t.dataSource.query(`SELECT count(*)::int AS "sentEvents" FROM audit_event WHERE action = 'notice.sent'`);
    expect(sentEvents).toBe(MEMBERS);

    // Whichever instance built it, a member's bundle opens with their own key.
    for (const [memberId, identityFile] of sampled) {
      const row = bundles.find((r) => r.member_id === memberId)!;
      const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: row.storage_key }));
      const zip = readBundleZip(await ageDecrypt(Buffer.from(await object.Body!.transformToByteArray()), identityFile, keysDir));
      expect(JSON.parse(zip.get('manifest.json')!.toString('utf8'))).toMatchObject({ editionId, bundleId: row.id, recipientId: memberId });
    }
  }, 600_000);
});
