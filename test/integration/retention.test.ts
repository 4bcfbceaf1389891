import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { RecipientsLedger } from '../../src/editions/recipients-ledger.js';
import { EditionRetention } from '../../src/editions/edition-retention.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { AccessRequestsService } from '../../src/access-requests/access-requests.service.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { Clock } from '../../src/common/clock.js';
import { ErasureService } from '../../src/gdpr/erasure.service.js';
import { monthsBefore, RetentionService } from '../../src/gdpr/retention.service.js';
import { ProcessingReportService } from '../../src/gdpr/processing-report.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import type { MemberField } from '../../src/members/member-fields.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { runCli } from '../support/run-cli.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ RETENTION_EDITION_MONTHS: '24', RETENTION_ACCESS_REQUEST_DAYS: '90' });
});
afterAll(() => t.close());
afterEach(() => {
  jest.restoreAllMocks();
});

/** Moves the app's clock (every service reads "now" from it). */
const at = (iso: string | Date) => jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(iso));

const DAY = 24 * 3600_000;

/** A network with a list of these columns and members who consented to `fields`, each with a key. */
async function networkWithList(columns: MemberField[], fields: MemberField[], members = 2, options: { requiresApproval?: boolean; bundleLifetimeDays?: number } = {}) {
  const network = await insertNetwork(t.app);
  await insertConsentText(t.app, network.id);
  const list = await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: `l-${unique()}`, title: 'Liste', columns, ...options });
  const ids: string[] = [];
  for (let i = 0; i < members; i++) {
    const m = await insertMember(t.app, network.id, { city: `By ${unique()}` });
    await grantConsent(t.app, network.id, m.id, fields);
    await t.app.get(RecipientsService).add(CLI_ACTOR, m.id, await identityToRecipient(await generateX25519Identity()));
    ids.push(m.id);
  }
  return { network, list, memberIds: ids };
}

async function publishAndBuild(listId: string, force = false) {
  const { edition } = await t.app.get(PublishEdition).publish(CLI_ACTOR, listId, { force });
  await t.app.get(BundleWorker).drain();
  return edition.id;
}

describe('retention', () => {
  const T0 = new Date('2030-01-15T12:00:00Z');
  let old: { editionId: string; memberIds: string[]; hash: string; storageKeys: string[] };
  let unapproved: string;
  let young: string;
  let oldRequest: string;
  let recentRequest: string;

  beforeAll(async () => {
    at(T0);
    const world = await networkWithList(['name', 'email', 'phone'], ['name', 'phone']);
    const editionId = await publishAndBuild(world.list.id);
    const [row] = await t.dataSource.query(`SELECT content_hash FROM edition WHERE id = $1`, [editionId]);
    const keys = await t.dataSource.query(`SELECT storage_key FROM bundle WHERE edition_id = $1`, [editionId]);
    old = { editionId, memberIds: world.memberIds, hash: row.content_hash, storageKeys: keys.map((k: { storage_key: string }) => k.storage_key) };
    const approval = await networkWithList(['name'], ['name'], 1, { requiresApproval: true });
    unapproved = (await t.app.get(PublishEdition).publish(CLI_ACTOR, approval.list.id)).edition.id;
    await t.app.get(AccessRequestsService).submit({ channel: 'Helpline', name: 'Gammel Anmodning', email: `old.${unique()}@example.org`, locale: 'da' }, '10.2.0.1');
    oldRequest = (await t.dataSource.query(`SELECT id FROM access_request ORDER BY created_at DESC LIMIT 1`))[0].id;

    // Twenty-three months later: an edition whose bundles expire before the run, but young enough to keep.
    at(new Date(T0.getTime() + 700 * DAY));
    const later = await networkWithList(['name', 'city'], ['name', 'city'], 1, { bundleLifetimeDays: 5 });
    young = await publishAndBuild(later.list.id);
    jest.restoreAllMocks();

    at(new Date(T0.getTime() + 760 * DAY));
    await t.app.get(AccessRequestsService).submit({ channel: 'Helpline', name: 'Ny Anmodning', email: `new.${unique()}@example.org`, locale: 'da' }, '10.2.0.2');
    recentRequest = (await t.dataSource.query(`SELECT id FROM access_request ORDER BY created_at DESC LIMIT 1`))[0].id;
    jest.restoreAllMocks();
  });

  it('counts months back on the calendar', () => {
    expect(monthsBefore(new Date('2026-03-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(monthsBefore(new Date('2026-01-15T00:00:00Z'), 24).toISOString()).toBe('2024-01-15T00:00:00.000Z');
  });

  it('expires bundles, empties old editions of contact values, deletes old access requests, each with an audit event', async () => {
    const now = new Date(T0.getTime() + 25 * 31 * DAY);
    at(now);
    const result = await t.app.get(RetentionService).apply();
    expect(result).toMatchObject({ editionsPurged: 2, accessRequestsDeleted: 1 });
    expect(result.bundleFilesDeleted).toBeGreaterThanOrEqual(3);

    const [edition] = await t.dataSource.query(`SELECT state, snapshot, content_hash, row_count, contact_values_purged_at FROM edition WHERE id = $1`, [old.editionId]);
    expect(edition).toMatchObject({ state: 'published', content_hash: old.hash, row_count: 2, contact_values_purged_at: now });
    expect(edition.snapshot.rows).toEqual(expect.arrayContaining(old.memberIds.map((memberId) => ({ memberId, values: {} }))));
    expect(edition.snapshot.fieldsShared.sort()).toEqual(['name', 'phone']);
    for (const key of old.storageKeys) expect(existsSync(join(t.dataDir, 'bundles', key))).toBe(false);
    expect(await t.dataSource.query(`SELECT DISTINCT state FROM bundle WHERE edition_id = $1`, [old.editionId])).toEqual([{ state: 'expired' }]);

    const [never] = await t.dataSource.query(`SELECT state, contact_values_purged_at FROM edition WHERE id = $1`, [unapproved]);
    expect(never.state).toBe('revoked');
    expect(never.contact_values_purged_at).toEqual(now);

    const [kept] = await t.dataSource.query(`SELECT snapshot, contact_values_purged_at FROM edition WHERE id = $1`, [young]);
    expect(kept.contact_values_purged_at).toBeNull();
    expect(Object.keys(kept.snapshot.rows[0].values).sort()).toEqual(['city', 'name']);

    const requests = (await t.dataSource.query(`SELECT id FROM access_request`)).map((r: { id: string }) => r.id);
    expect(requests).not.toContain(oldRequest);
    expect(requests).toContain(recentRequest);

    const actions = (await t.dataSource.query(`SELECT action, subject_id FROM audit_event WHERE at = $1`, [now])) as { action: string; subject_id: string }[];
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: 'edition.contact_values_purged', subject_id: old.editionId },
        { action: 'edition.contact_values_purged', subject_id: unapproved },
        { action: 'access_request.deleted', subject_id: oldRequest },
        { action: 'bundle.expired', subject_id: expect.any(String) },
        { action: 'retention.applied', subject_id: null },
      ]),
    );
    expect(await t.app.get(AuditService).verify()).toMatchObject({ ok: true });
  });

  it('finds nothing left to do on a second run, also from the job entry point', async () => {
    at(new Date(T0.getTime() + 25 * 31 * DAY + 3600_000));
    expect(await t.app.get(RetentionService).applyExclusive()).toMatchObject({ bundleFilesDeleted: 0, editionsPurged: 0, accessRequestsDeleted: 0 });
  });

  it('still shows the member which editions listed them, and the report still knows the fields shared', async () => {
    const ledger = await t.app.get(RecipientsLedger).listingMember(old.memberIds[0]);
    expect(ledger.map((e) => e.editionId)).toContain(old.editionId);
    const report = await t.app.get(ProcessingReportService).report(CLI_ACTOR, new Date('2030-01-01T00:00:00Z'), new Date('2030-02-01T00:00:00Z'));
    expect(report.rows.find((r) => r.editionIds.includes(old.editionId))).toMatchObject({ editionsPublished: 1, recipients: 2, bundlesBuilt: 2, fieldsShared: ['name', 'phone'] });
  });

  it('lets a later erasure take the member out of an emptied edition without flagging it for a correction', async () => {
    const res = await t.app.get(ErasureService).erase(CLI_ACTOR, old.memberIds[1], { channel: 'email' });
    expect(res).toMatchObject({ editionsScrubbed: 1, editionsFlagged: 0 });
    const [edition] = await t.dataSource.query(`SELECT snapshot, correction_needed_since FROM edition WHERE id = $1`, [old.editionId]);
    expect(edition.correction_needed_since).toBeNull();
    expect(edition.snapshot.rows).toEqual([{ memberId: old.memberIds[0], values: {} }]);
  });

  it('leaves an edition alone while any of its bundles can still be fetched', async () => {
    const world = await networkWithList(['name'], ['name'], 1);
    const editionId = await publishAndBuild(world.list.id);
    await t.app.get(EditionRetention).purgeContactValues(new Date(Date.now() + DAY));
    const [row] = await t.dataSource.query(`SELECT contact_values_purged_at FROM edition WHERE id = $1`, [editionId]);
    expect(row.contact_values_purged_at).toBeNull();
  });
});

describe('records of processing (art. 30)', () => {
  const MAY = new Date('2032-05-10T09:00:00Z');
  let a: Awaited<ReturnType<typeof networkWithList>>;
  let b: Awaited<ReturnType<typeof networkWithList>>;
  let editionA: string;
  let editionB: string;

  beforeAll(async () => {
    at(MAY);
    a = await networkWithList(['name', 'email', 'phone'], ['name', 'email'], 3);
    b = await networkWithList(['name', 'phone', 'city'], ['name', 'city', 'phone'], 2);
    editionA = await publishAndBuild(a.list.id);
    editionB = await publishAndBuild(b.list.id);
    jest.restoreAllMocks();
    // June: another edition of A (the same content, published again on purpose); it belongs to the next month.
    at(new Date('2032-06-02T09:00:00Z'));
    await publishAndBuild(a.list.id, true);
    jest.restoreAllMocks();
  });

  const expected = () => [
    { networkId: a.network.id, networkName: a.network.name, month: '2032-05', editionsPublished: 1, recipients: 3, bundlesBuilt: 3, fieldsShared: ['name', 'email'], editionIds: [editionA] },
    { networkId: b.network.id, networkName: b.network.name, month: '2032-05', editionsPublished: 1, recipients: 2, bundlesBuilt: 2, fieldsShared: ['name', 'phone', 'city'], editionIds: [editionB] },
  ].sort((x, y) => x.networkName.localeCompare(y.networkName, 'da'));

  it('counts per network and month the editions, recipients, bundles and fields shared, from the log', async () => {
    const report = await t.app.get(ProcessingReportService).reportFor(CLI_ACTOR, '2032-05-01', '2032-06-01');
    expect(report.timeZone).toBe('Europe/Copenhagen');
    expect(report.from).toBe('2032-04-30T22:00:00.000Z');
    expect(report.rows).toEqual(expected());
    const june = await t.app.get(ProcessingReportService).reportFor(CLI_ACTOR, '2032-06', '2032-07');
    expect(june.rows).toEqual([expect.objectContaining({ networkId: a.network.id, month: '2032-06', editionsPublished: 1, recipients: 3 })]);
  });

  it('serves auditors and admins over the API, refuses coordinators, and names a bad date', async () => {
    const auditor = await insertStaff(t.app, 'auditor');
    const res = await request(t.http).get('/api/v1/reports/processing?from=2032-05-01&to=2032-06-01').set('Authorization', `Bearer ${auditor.token}`).expect(200);
    expect(res.body.rows).toEqual(expected());
    const coordinator = await insertStaff(t.app, 'coordinator', [a.network.id]);
    await request(t.http).get('/api/v1/reports/processing?from=2032-05-01&to=2032-06-01').set('Authorization', `Bearer ${coordinator.token}`).expect(403);
    const bad = await request(t.http).get('/api/v1/reports/processing?from=2032-13-01&to=2032-06-01').set('Authorization', `Bearer ${auditor.token}`).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
    const backwards = await request(t.http).get('/api/v1/reports/processing?from=2032-06-01&to=2032-05-01').set('Authorization', `Bearer ${auditor.token}`).expect(400);
    expect(backwards.body.field).toBe('to');
  });

  it('prints the same report as JSON from the command line', async () => {
    const env = { DATABASE_URL: t.database.url, SESSION_SECRET: TEST_SESSION_SECRET, DATA_DIR: t.dataDir };
    const result = await runCli(['report:processing', '--from', '2032-05-01', '--to', '2032-06-01'], env);
    expect(result.code).toBe(0);
    expect(result.json?.rows).toEqual(expected());
  });
});
