import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { MemberDownload } from '../../src/bundles/member-download.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { AccessRequestsService } from '../../src/access-requests/access-requests.service.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { DataRequestsService } from '../../src/data-requests/data-requests.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { ActivationService } from '../../src/member-accounts/activation.service.js';
import { MemberAuthService } from '../../src/member-accounts/member-auth.service.js';
import { MEMBER_FIELDS } from '../../src/members/member-fields.js';
import { MembersService } from '../../src/members/members.service.js';
import { NoticesService } from '../../src/notices/notices.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, insertStaff, unique } from '../factories/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PASSWORD = 'a quiet harbour in late november';

let t: TestApp;

beforeAll(async () => {
  // No SMTP_URL: mails land as .eml files under DATA_DIR/outbox, which erasure must clear too.
  t = await startTestApp();
});
afterAll(() => t.close());

/** Every text-like column of every table in the public schema (audit_event included). */
async function textColumns(): Promise<{ table: string; column: string; bytea: boolean }[]> {
  const rows: { table_name: string; column_name: string; data_type: string }[] = await t.dataSource.query(
    `SELECT c.table_name, c.column_name, c.data_type
       FROM information_schema.columns c
       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ table: r.table_name, column: r.column_name, bytea: r.data_type === 'bytea' }));
}

/** `table.column: canary` for every cell that holds a canary anywhere in its text. */
async function canaryHits(canaries: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, column, bytea } of await textColumns()) {
    for (const canary of canaries) {
      const sql = bytea
        ? `SELECT count(*)::int AS n FROM "${table}" WHERE position(convert_to($1, 'UTF8') IN "${column}") > 0`
        : `SELECT count(*)::int AS n FROM "${table}" WHERE position($1 IN "${column}"::text) > 0`;
      const [{ n }] = await t.dataSource.query(sql, [canary]);
      if (n > 0) hits.push(`${table}.${column}: ${canary}`);
    }
  }
  return hits;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function publishAndBuild(listId: string): Promise<string> {
  const { edition } = await t.app.get(PublishEdition).publish(CLI_ACTOR, listId);
  await t.app.get(BundleWorker).drain();
  await t.app.get(NoticesService).sendDue();
  return edition.id;
}

describe('erasure (art. 17)', () => {
  const u = unique();
  const digits = String(100000 + Math.floor(Math.random() * 900000));
  const canary = {
    name: `Kanarie Navn${u}`,
    email: `kanarie.${u}@example.org`,
    phone: `+4520${digits}`,
    address: `Kanarievej ${u} 7`,
    postalCode: `K${u}`,
    city: `Kanarieby${u}`,
    aboutMe: `Kanarie om mig ${u}: sjælden diagnose`,
  };
  /** Every contact value, and the phone number also as it is written in Denmark (8 digits). */
  const canaries = [...Object.values(canary), `20${digits}`];

  let network1: { id: string; name: string };
  let network2: { id: string; name: string };
  let coordinator: Awaited<ReturnType<typeof insertStaff>>;
  let member: { id: string };
  let others: { id: string }[];
  let editions: string[];
  let sessionCookie: string;

  beforeAll(async () => {
    network1 = await insertNetwork(t.app);
    network2 = await insertNetwork(t.app);
    await insertConsentText(t.app, network1.id);
    await insertConsentText(t.app, network2.id);
    coordinator = await insertStaff(t.app, 'coordinator', [network1.id]);
    const lists = t.app.get(ListsService);
    const list1 = await lists.create(CLI_ACTOR, network1.id, { slug: `l-${unique()}`, title: 'Kontaktliste 1' });
    const list2 = await lists.create(CLI_ACTOR, network2.id, { slug: `l-${unique()}`, title: 'Kontaktliste 2' });

    member = await t.app.get(MembersService).create(CLI_ACTOR, network1.id, canary);
    // There is no API yet to add an existing member to a second network: the row goes in directly.
    await t.dataSource.query(`INSERT INTO membership (network_id, member_id, status, joined_at, updated_at) VALUES ($1, $2, 'active', now(), now())`, [network2.id, member.id]);
    await grantConsent(t.app, network1.id, member.id, [...MEMBER_FIELDS]);
    await grantConsent(t.app, network2.id, member.id, [...MEMBER_FIELDS]);
    others = [await insertMember(t.app, network1.id), await insertMember(t.app, network1.id), await insertMember(t.app, network2.id)];
    await grantConsent(t.app, network1.id, others[0].id, ['name', 'phone']);
    await grantConsent(t.app, network1.id, others[1].id, ['name', 'email']);
    await grantConsent(t.app, network2.id, others[2].id, ['name']);

    const activation = t.app.get(ActivationService);
    for (const m of [member, ...others]) await activation.activateForDemo(CLI_ACTOR, m.id, PASSWORD);
    // A key the member registered for offline use as well.
    await t.app.get(RecipientsService).add(CLI_ACTOR, member.id, await identityToRecipient(await generateX25519Identity()));

    await t.app.get(AccessRequestsService).submit({ channel: 'Helpline', name: canary.name, email: canary.email, locale: 'da' }, '10.9.9.9');
    await activation.requestReset(canary.email, 'da');
    sessionCookie = (await t.app.get(MemberAuthService).login(canary.email, PASSWORD, '127.0.0.1')).cookie;

    editions = [await publishAndBuild(list1.id), await publishAndBuild(list2.id)];
    await t.app.get(DataRequestsService).requestErasure(member.id);
  });

  it('finds the canaries before the erasure (the scan works)', async () => {
    const hits = await canaryHits(canaries);
    for (const where of ['member.name', 'member.email', 'member.phone', 'member.about_me', 'edition.snapshot', 'access_request.email', 'outbox_mail.to_address']) {
      expect(hits.some((h) => h.startsWith(`${where}:`))).toBe(true);
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bundle WHERE member_id = $1 AND state = 'ready'`, [member.id]);
    expect(n).toBe(2);
  });

  it("lists the member's open request in the staff queue", async () => {
    const res = await request(t.http).get('/api/v1/data-requests?state=open').set('Authorization', `Bearer ${coordinator.token}`).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ memberId: member.id, kind: 'erasure', state: 'open', memberName: canary.name })]);
  });

  let ownBundleKeys: string[] = [];
  let otherBundleKeys: string[] = [];
  let hashesBefore: Map<string, string>;

  it('carries out the request in one action and leaves no contact value in any table', async () => {
    ownBundleKeys = (await t.dataSource.query(`SELECT storage_key FROM bundle WHERE member_id = $1 AND storage_key IS NOT NULL`, [member.id])).map((r: { storage_key: string }) => r.storage_key);
    otherBundleKeys = (await t.dataSource.query(`SELECT storage_key FROM bundle WHERE member_id <> $1 AND storage_key IS NOT NULL`, [member.id])).map((r: { storage_key: string }) => r.storage_key);
    hashesBefore = new Map((await t.dataSource.query(`SELECT id, content_hash FROM edition WHERE id = ANY($1::uuid[])`, [editions])).map((r: { id: string; content_hash: string }) => [r.id, r.content_hash]));
    expect(ownBundleKeys).toHaveLength(2);
    expect(otherBundleKeys).toHaveLength(3);

    const res = await request(t.http).post(`/api/v1/members/${member.id}/erasure`).set('Authorization', `Bearer ${coordinator.token}`).send({}).expect(200);
    expect(res.body).toMatchObject({
      memberId: member.id,
      alreadyErased: false,
      networks: 2,
      consentWithdrawals: 2,
      accountDeleted: true,
      sessionsDeleted: 1,
      keysDeleted: 2,
      bundlesRevoked: 2,
      copiesRetired: 3,
      bundleFilesDeleted: 5,
      editionsScrubbed: 2,
      editionsFlagged: 2,
      correctionsCreated: 2,
      accessRequestsScrubbed: 1,
      dataRequestsClosed: 1,
    });
    expect(res.body.mailsScrubbed).toBeGreaterThanOrEqual(3);
    expect(res.body.tokensDeleted).toBeGreaterThanOrEqual(1);

    expect(await canaryHits(canaries)).toEqual([]);
  });

  it("deletes every bundle file of every edition that listed the member, the other recipients' copies too", async () => {
    const root = join(t.dataDir, 'bundles');
    for (const key of [...ownBundleKeys, ...otherBundleKeys]) expect(existsSync(join(root, key))).toBe(false);
    expect(await filesUnder(root)).toEqual([]);
    const states = await t.dataSource.query(`SELECT DISTINCT state, recipients FROM bundle WHERE member_id = $1`, [member.id]);
    expect(states).toEqual([{ state: 'revoked', recipients: [] }]);
    expect(await t.dataSource.query(`SELECT DISTINCT state FROM bundle WHERE edition_id = ANY($1::uuid[])`, [editions])).toEqual([{ state: 'revoked' }]);
  });

  it('leaves no copy of a mail to the member in the outbox folder', async () => {
    const files = await filesUnder(join(t.dataDir, 'outbox'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect((await readFile(file, 'utf8')).includes(canary.email)).toBe(false);
  });

  it('keeps the member id as the pseudonym, ends the memberships, records withdrawals and closes the request', async () => {
    const [row] = await t.dataSource.query(`SELECT name, email, phone, address, postal_code, city, about_me, erased_at FROM member WHERE id = $1`, [member.id]);
    expect(row).toEqual({ name: 'Slettet medlem', email: `erased+${member.id}@invalid`, phone: null, address: null, postal_code: null, city: null, about_me: null, erased_at: expect.any(Date) });
    expect(await t.dataSource.query(`SELECT DISTINCT status FROM membership WHERE member_id = $1`, [member.id])).toEqual([{ status: 'left' }]);
    const consents = await t.dataSource.query(`SELECT DISTINCT ON (network_id) kind, channel FROM consent WHERE member_id = $1 ORDER BY network_id, seq DESC`, [member.id]);
    expect(consents).toEqual([
      { kind: 'withdrawal', channel: 'portal' },
      { kind: 'withdrawal', channel: 'portal' },
    ]);
    const [request] = await t.dataSource.query(`SELECT state, closed_by FROM data_request WHERE member_id = $1`, [member.id]);
    expect(request).toEqual({ state: 'done', closed_by: coordinator.id });
    for (const table of ['member_account', 'member_session', 'account_token', 'member_recipient']) {
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE member_id = $1`, [member.id]))[0].n).toBe(0);
    }
  });

  it('flags the editions that listed the member for a correction, with the row gone and the recorded hash kept', async () => {
    const rows = await t.dataSource.query(`SELECT id, correction_needed_since, snapshot, content_hash FROM edition WHERE id = ANY($1::uuid[])`, [editions]);
    expect(rows).toHaveLength(2);
    for (const e of rows) {
      expect(e.correction_needed_since).toBeInstanceOf(Date);
      expect(e.content_hash).toBe(hashesBefore.get(e.id));
      expect(e.snapshot.rows.map((r: { memberId: string }) => r.memberId)).not.toContain(member.id);
      expect(e.snapshot.recipients).toContain(member.id);
    }
    const res = await request(t.http).get(`/api/v1/editions/${editions[0]}`).set('Authorization', `Bearer ${coordinator.token}`).expect(200);
    expect(res.body.correctionNeededSince).toEqual(expect.any(String));
  });

  it('keeps an audit trail that verifies, with ids and counts only', async () => {
    expect(await t.app.get(AuditService).verify()).toMatchObject({ ok: true });
    const [event] = await t.dataSource.query(`SELECT actor_id, detail FROM audit_event WHERE action = 'member.erased' AND subject_id = $1`, [member.id]);
    expect(event.actor_id).toBe(coordinator.id);
    expect(event.detail).toMatchObject({ bundlesRevoked: 2, editionsFlagged: 2, channel: 'portal' });
  });

  it('refuses the member at login, and their old session no longer opens', async () => {
    await expect(t.app.get(MemberAuthService).login(canary.email, PASSWORD, '127.0.0.1')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    expect(await t.app.get(MemberAuthService).resolve(sessionCookie)).toBeUndefined();
  });

  it('changes nothing when asked a second time', async () => {
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`))[0].n;
    const res = await request(t.http).post(`/api/v1/members/${member.id}/erasure`).set('Authorization', `Bearer ${coordinator.token}`).send({}).expect(200);
    expect(res.body).toMatchObject({ alreadyErased: true, consentWithdrawals: 0, bundlesRevoked: 0, copiesRetired: 0, correctionsCreated: 0, editionsScrubbed: 0, mailsScrubbed: 0, accessRequestsScrubbed: 0 });
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`))[0].n).toBe(before);
  });

  it('never lists the member again, and refuses to bring them back', async () => {
    // The erasure published a corrected edition of each list at once: without the member.
    const corrected = await t.dataSource.query(
      `SELECT c.snapshot, c.state FROM edition c JOIN edition e ON e.list_id = c.list_id WHERE e.id = ANY($1::uuid[]) AND c.created_at > e.created_at`,
      [editions],
    );
    expect(corrected).toHaveLength(2);
    for (const c of corrected) {
      expect(c.state).toBe('building');
      expect(c.snapshot.rows.map((r: { memberId: string }) => r.memberId)).not.toContain(member.id);
      expect(c.snapshot.recipients).not.toContain(member.id);
    }
    await request(t.http)
      .put(`/api/v1/networks/${network1.id}/members/${member.id}/membership`)
      .set('Authorization', `Bearer ${coordinator.token}`)
      .send({ status: 'active' })
      .expect(409);
    await request(t.http).patch(`/api/v1/members/${member.id}`).set('Authorization', `Bearer ${coordinator.token}`).send({ city: 'Odense' }).expect(409);
  });

  it('settles the flags when the corrected editions go out', async () => {
    expect((await t.dataSource.query(`SELECT correction_needed_since FROM edition WHERE id = $1`, [editions[0]]))[0].correction_needed_since).toBeInstanceOf(Date);
    await t.app.get(BundleWorker).drain();
    const rows = await t.dataSource.query(`SELECT correction_needed_since FROM edition WHERE id = ANY($1::uuid[])`, [editions]);
    expect(rows).toEqual([{ correction_needed_since: null }, { correction_needed_since: null }]);
    expect(await t.app.get(AuditService).verify()).toMatchObject({ ok: true });
  });

  it('is refused to an auditor and, as not found, to a coordinator of another network', async () => {
    const target = await insertMember(t.app, network2.id);
    const auditor = await insertStaff(t.app, 'auditor');
    const stranger = await insertStaff(t.app, 'coordinator', [network1.id]);
    await request(t.http).post(`/api/v1/members/${target.id}/erasure`).set('Authorization', `Bearer ${auditor.token}`).send({ channel: 'phone' }).expect(403);
    await request(t.http).post(`/api/v1/members/${target.id}/erasure`).set('Authorization', `Bearer ${stranger.token}`).send({ channel: 'phone' }).expect(404);
    const missing = await request(t.http).post(`/api/v1/members/${target.id}/erasure`).set('Authorization', `Bearer ${(await insertStaff(t.app, 'admin')).token}`).send({}).expect(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'channel' });
    const [row] = await t.dataSource.query(`SELECT erased_at FROM member WHERE id = $1`, [target.id]);
    expect(row.erased_at).toBeNull();
  });
});

describe('objection (art. 21)', () => {
  it('withdraws consent in every network of the member, recorded with the channel given, once', async () => {
    const a = await insertNetwork(t.app);
    const b = await insertNetwork(t.app);
    await insertConsentText(t.app, a.id);
    await insertConsentText(t.app, b.id);
    const m = await insertMember(t.app, a.id);
    await t.dataSource.query(`INSERT INTO membership (network_id, member_id, status, joined_at, updated_at) VALUES ($1, $2, 'active', now(), now())`, [b.id, m.id]);
    await grantConsent(t.app, a.id, m.id, ['name', 'email']);
    await grantConsent(t.app, b.id, m.id, ['name']);
    const coordinator = await insertStaff(t.app, 'coordinator', [a.id]);
    const res = await request(t.http).post(`/api/v1/members/${m.id}/objection`).set('Authorization', `Bearer ${coordinator.token}`).send({ channel: 'paper' }).expect(200);
    expect(res.body).toEqual({ memberId: m.id, networks: 2, withdrawals: 2 });
    const latest = await t.dataSource.query(`SELECT DISTINCT ON (network_id) kind, channel, recorded_by_id FROM consent WHERE member_id = $1 ORDER BY network_id, seq DESC`, [m.id]);
    expect(latest).toEqual([
      { kind: 'withdrawal', channel: 'paper', recorded_by_id: coordinator.id },
      { kind: 'withdrawal', channel: 'paper', recorded_by_id: coordinator.id },
    ]);
    const again = await request(t.http).post(`/api/v1/members/${m.id}/objection`).set('Authorization', `Bearer ${coordinator.token}`).send({ channel: 'phone' }).expect(200);
    expect(again.body.withdrawals).toBe(0);
    const bad = await request(t.http).post(`/api/v1/members/${m.id}/objection`).set('Authorization', `Bearer ${coordinator.token}`).send({ channel: 'portal' }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('erasure retires every stored copy that holds the member (art. 17, 19)', () => {
  let networkId: string;
  let coordinator: Awaited<ReturnType<typeof insertStaff>>;
  let approver: Awaited<ReturnType<typeof insertStaff>>;
  let listId: string;
  let approvalListId: string;
  const m: Record<'x' | 'y' | 'z' | 'w', { id: string }> = {} as never;
  let e1: string;
  let e2: string;
  let a1: string;
  let filesBefore: string[];
  let liveBefore: string[];

  const bundleOf = async (editionId: string, memberId: string) =>
    (await t.dataSource.query(`SELECT id, state, storage_key FROM bundle WHERE edition_id = $1 AND member_id = $2`, [editionId, memberId]))[0];
  const flag = async (editionId: string) => (await t.dataSource.query(`SELECT correction_needed_since FROM edition WHERE id = $1`, [editionId]))[0].correction_needed_since;
  const newerEditions = async (list: string, than: string) =>
    t.dataSource.query(`SELECT id, state, snapshot FROM edition WHERE list_id = $1 AND created_at > (SELECT created_at FROM edition WHERE id = $2) ORDER BY created_at`, [list, than]);

  beforeAll(async () => {
    networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    coordinator = await insertStaff(t.app, 'coordinator', [networkId]);
    approver = await insertStaff(t.app, 'coordinator', [networkId]);
    const lists = t.app.get(ListsService);
    listId = (await lists.create(CLI_ACTOR, networkId, { slug: `l-${unique()}`, title: 'Liste', columns: ['name', 'email'] })).id;
    approvalListId = (await lists.create(CLI_ACTOR, networkId, { slug: `a-${unique()}`, title: 'Godkendes', columns: ['name'], requiresApproval: true })).id;
    const activation = t.app.get(ActivationService);
    for (const label of ['x', 'y', 'z', 'w'] as const) {
      m[label] = await insertMember(t.app, networkId);
      await grantConsent(t.app, networkId, m[label].id, ['name', 'email']);
      await activation.activateForDemo(CLI_ACTOR, m[label].id, PASSWORD);
    }
    const bundles = t.app.get(MemberDownload);
    e1 = await publishAndBuild(listId);
    a1 = (await t.app.get(PublishEdition).publish(CLI_ACTOR, approvalListId)).edition.id;
    await request(t.http).post(`/api/v1/editions/${a1}/approve`).set('Authorization', `Bearer ${approver.token}`).expect(200);
    await t.app.get(BundleWorker).drain();
    // W fetched the first edition and then left: that copy is never replaced by a newer edition.
    await bundles.download(m.w.id, (await bundleOf(e1, m.w.id)).id, 'age');
    await t.app.get(MembersService).setMembershipStatus(CLI_ACTOR, networkId, m.w.id, 'left');
    await t.app.get(DataRequestsService).requestErasure(m.x.id);
    e2 = await publishAndBuild(listId);
    await bundles.download(m.y.id, (await bundleOf(e2, m.y.id)).id, 'age');
    filesBefore = (await t.dataSource.query(`SELECT storage_key FROM bundle WHERE edition_id = ANY($1::uuid[]) AND storage_key IS NOT NULL`, [[e1, e2, a1]])).map(
      (r: { storage_key: string }) => r.storage_key,
    );
    liveBefore = (
      await t.dataSource.query(`SELECT id FROM bundle WHERE edition_id = ANY($1::uuid[]) AND member_id <> $2 AND state NOT IN ('revoked', 'expired')`, [[e1, e2, a1], m.x.id])
    ).map((r: { id: string }) => r.id);
  });

  it('revokes at once every bundle of every edition that listed the member, for every recipient, downloaded or not, and deletes the files', async () => {
    expect((await bundleOf(e2, m.z.id)).state).toBe('ready');
    expect(filesBefore.length).toBeGreaterThanOrEqual(6);
    await request(t.http).post(`/api/v1/members/${m.x.id}/erasure`).set('Authorization', `Bearer ${coordinator.token}`).send({}).expect(200);

    const live = await t.dataSource.query(`SELECT id, edition_id, member_id, state FROM bundle WHERE edition_id = ANY($1::uuid[]) AND state NOT IN ('revoked', 'expired')`, [[e1, e2, a1]]);
    expect(live).toEqual([]);
    const bundles = t.app.get(MemberDownload);
    await expect(bundles.download(m.w.id, (await bundleOf(e1, m.w.id)).id, 'age')).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND' });
    await expect(bundles.download(m.y.id, (await bundleOf(e2, m.y.id)).id, 'age')).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND' });
    await expect(bundles.encryptedFile(e2, m.z.id)).rejects.toMatchObject({ code: 'BUNDLE_NOT_READY' });
    for (const key of filesBefore) expect(existsSync(join(t.dataDir, 'bundles', key))).toBe(false);
  });

  it('audits every retirement in the erasure transaction', async () => {
    // W's downloaded copy of the first edition and Y's and Z's of the second (the first one's were retired by the second).
    expect(liveBefore.length).toBeGreaterThanOrEqual(4);
    const events: { subject_id: string; detail: { reason: string } }[] = await t.dataSource.query(
      `SELECT subject_id, detail FROM audit_event WHERE action = 'bundle.revoked' AND detail ->> 'reason' = 'erasure' AND subject_id = ANY($1::text[])`,
      [liveBefore],
    );
    expect(events.map((e) => e.subject_id).sort()).toEqual([...liveBefore].sort());
    expect(await t.app.get(AuditService).verify()).toMatchObject({ ok: true });
  });

  it('publishes a corrected edition of each affected list on its own, without the member; one waits for approval', async () => {
    const [corrected] = await newerEditions(listId, e2);
    expect(corrected.state).toBe('building');
    expect(corrected.snapshot.rows.map((r: { memberId: string }) => r.memberId)).not.toContain(m.x.id);
    expect(corrected.snapshot.recipients.sort()).toEqual([m.y.id, m.z.id].sort());
    const [waiting] = await newerEditions(approvalListId, a1);
    expect(waiting.state).toBe('awaiting_approval');
  });

  it('settles only the editions a correction actually replaced', async () => {
    // The console's "Udsend en rettet udgave" on the first flagged edition must leave the second one flagged.
    await request(t.http).post(`/api/v1/editions/${e1}/correct`).set('Authorization', `Bearer ${coordinator.token}`).expect(201);
    expect(await flag(e2)).toBeInstanceOf(Date);
    expect(await flag(a1)).toBeInstanceOf(Date);
  });

  it('sends one notice per recipient of the correction, then settles the flags; the approval list waits for its approval', async () => {
    await t.app.get(BundleWorker).drain();
    const [corrected] = await newerEditions(listId, e2);
    // The automatic correction and the one asked for by hand were built together: each recipient is
    // told once, about the copy they keep (the older one is retired in the same transaction).
    const notices: { member_id: string }[] = await t.dataSource.query(
      `SELECT o.member_id FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id JOIN edition e ON e.id = b.edition_id
        WHERE e.list_id = $1 AND e.created_at >= $2 AND o.kind = 'bundle_notice'`,
      [listId, (await t.dataSource.query(`SELECT created_at FROM edition WHERE id = $1`, [corrected.id]))[0].created_at],
    );
    expect(notices.map((n) => n.member_id).sort()).toEqual([m.y.id, m.z.id].sort());
    // Each recipient has one live copy of the list.
    const live: { member_id: string }[] = await t.dataSource.query(
      `SELECT b.member_id FROM bundle b JOIN edition e ON e.id = b.edition_id WHERE e.list_id = $1 AND b.state = 'ready'`,
      [listId],
    );
    expect(live.map((r) => r.member_id).sort()).toEqual([m.y.id, m.z.id].sort());
    expect(await flag(e1)).toBeNull();
    expect(await flag(e2)).toBeNull();
    expect(await flag(a1)).toBeInstanceOf(Date);
    const [waiting] = await newerEditions(approvalListId, a1);
    await request(t.http).post(`/api/v1/editions/${waiting.id}/approve`).set('Authorization', `Bearer ${approver.token}`).expect(200);
    await t.app.get(BundleWorker).drain();
    expect(await flag(a1)).toBeNull();
    const settled = await t.dataSource.query(`SELECT subject_id FROM audit_event WHERE action = 'edition.correction_sent' AND subject_id = ANY($1::text[])`, [[e1, e2, a1]]);
    expect(settled).toHaveLength(3);
  });
});
