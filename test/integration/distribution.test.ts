import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishEdition } from '../../src/editions/publish-edition.js';
import { EditionQueries } from '../../src/editions/edition-queries.js';
import { CorrectEdition } from '../../src/editions/correct-edition.js';
import { MemberDownload } from '../../src/bundles/member-download.js';
import { RetireBundles } from '../../src/bundles/retire-bundles.js';
import { BundleWorker } from '../../src/distribution/bundle-worker.js';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { readBundleZip } from '../support/bundle-zip.js';
import { ConsentService } from '../../src/consent/consent.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { MembersService } from '../../src/members/members.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import type { CreateListDto } from '../../src/lists/dto/list.dto.js';
import { grantConsent, insertConsentText, insertMember, insertNetwork, unique } from '../factories/factories.js';
import { ageDecrypt, ageKeygen, type AgeKey } from '../support/age-cli.js';
import { pdfInfo, pdfText, readXlsx } from '../support/documents.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let keysDir: string;

beforeAll(async () => {
  t = await startTestApp();
  keysDir = await mkdtemp(join(tmpdir(), 'lb-keys-'));
});
afterAll(async () => {
  await t.close();
  await rm(keysDir, { recursive: true, force: true });
});

const svc = () => ({
  lists: t.app.get(ListsService),
  editions: t.app.get(EditionQueries),
  publishing: t.app.get(PublishEdition),
  distribution: t.app.get(BundleWorker),
  bundles: t.app.get(MemberDownload),
  retire: t.app.get(RetireBundles),
  recipients: t.app.get(RecipientsService),
  members: t.app.get(MembersService),
  consent: t.app.get(ConsentService),
});

async function withKey(memberId: string): Promise<AgeKey> {
  const key = await ageKeygen(keysDir, unique());
  await svc().recipients.add(CLI_ACTOR, memberId, key.recipient);
  return key;
}

async function createList(networkId: string, overrides: Partial<CreateListDto> = {}) {
  return svc().lists.create(CLI_ACTOR, networkId, { slug: `liste-${unique()}`, title: 'Kontaktliste for testnetværket', columns: ['name', 'email', 'phone', 'city'], ...overrides });
}

/** Publishes now and builds every bundle in this process. */
async function publishAndBuild(listId: string) {
  const { edition } = await svc().publishing.publish(CLI_ACTOR, listId);
  await svc().distribution.drain();
  return svc().editions.show(CLI_ACTOR, edition.id);
}

async function openBundle(editionId: string, memberId: string, key: AgeKey) {
  const { bundle, data } = await svc().bundles.encryptedFile(editionId, memberId);
  const files = readBundleZip(await ageDecrypt(data, key.identityFile, keysDir));
  return { bundle, files, manifest: JSON.parse(files.get('manifest.json')!.toString('utf8')) };
}

describe('an edition end to end', () => {
  let networkId: string;
  const m: Record<string, { id: string; name: string; email: string; key?: AgeKey }> = {};
  let editionId: string;

  beforeAll(async () => {
    networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const add = async (label: string, name: string, overrides: Record<string, string> = {}) => {
      const member = await insertMember(t.app, networkId, { name, ...overrides });
      m[label] = { id: member.id, name, email: member.email! };
    };
    await add('zofia', 'Zofia Łukasiewicz');
    await add('anna', 'Анна Иванова');
    await add('aase', 'Åse Østergård');
    await add('bo', 'Bo Andersen');
    // Input validation refuses formula-like values today; data from before that (or from a
    // restore) must still come out as inert text, so it is put in behind the API's back.
    await t.dataSource.query(`UPDATE member SET city = $1 WHERE id = $2`, ['=HYPERLINK("http://evil.example","klik")', m.bo.id]);
    await add('withdrawn', 'Trukket Tilbage');
    await add('paused', 'Pauset Person');
    await add('keyless', 'Uden Nøgle');
    await add('unlisted', 'Ikke Listet');
    await grantConsent(t.app, networkId, m.zofia.id, ['name', 'email', 'phone', 'city']);
    await grantConsent(t.app, networkId, m.anna.id, ['name', 'email']);
    await grantConsent(t.app, networkId, m.aase.id, ['name', 'phone']);
    await grantConsent(t.app, networkId, m.bo.id, ['name', 'city']);
    await grantConsent(t.app, networkId, m.withdrawn.id, ['name', 'email']);
    await svc().consent.withdraw(CLI_ACTOR, networkId, m.withdrawn.id, { channel: 'email' });
    await grantConsent(t.app, networkId, m.paused.id, ['name', 'email']);
    await svc().members.setMembershipStatus(CLI_ACTOR, networkId, m.paused.id, 'paused');
    await grantConsent(t.app, networkId, m.keyless.id, ['name']);
    for (const label of ['zofia', 'anna', 'aase', 'bo', 'withdrawn', 'paused', 'unlisted']) m[label].key = await withKey(m[label].id);
    const list = await createList(networkId);
    const edition = await publishAndBuild(list.id);
    editionId = edition.id;
  });

  const listed = () => ['aase', 'anna', 'bo', 'keyless', 'zofia'];

  it('sends a bundle to every listed member (reciprocity) and waits for the one without a key', async () => {
    const edition = await svc().editions.show(CLI_ACTOR, editionId);
    expect(edition.state).toBe('published');
    expect(edition.progress).toMatchObject({ total: 5, ready: 4, waitingForKey: 1, failed: 0 });
    const states = Object.fromEntries((await svc().editions.bundleStatus(CLI_ACTOR, editionId)).map((b) => [b.memberId, b.state]));
    expect(states).toEqual({ [m.zofia.id]: 'ready', [m.anna.id]: 'ready', [m.aase.id]: 'ready', [m.bo.id]: 'ready', [m.keyless.id]: 'waiting_for_key' });
  });

  it('builds a bundle that the age CLI opens: exactly the files, a true manifest, the expected rows', async () => {
    const { bundle, files, manifest } = await openBundle(editionId, m.zofia.id, m.zofia.key!);
    expect([...files.keys()].sort()).toEqual(['contact-list.pdf', 'contact-list.xlsx', 'manifest.json']);
    expect(manifest).toMatchObject({ editionId, bundleId: bundle.id, recipientId: m.zofia.id, expiresAt: bundle.expiresAt.toISOString() });
    expect(Date.parse(manifest.createdAt)).not.toBeNaN();
    expect(manifest.files.map((f: { name: string }) => f.name).sort()).toEqual(['contact-list.pdf', 'contact-list.xlsx']);
    for (const f of manifest.files as { name: string; sha256: string; bytes: number }[]) {
      expect(createHash('sha256').update(files.get(f.name)!).digest('hex')).toBe(f.sha256);
      expect(files.get(f.name)!.length).toBe(f.bytes);
    }
    const { rows } = await readXlsx(files.get('contact-list.xlsx')!);
    // Danish order puts Å after Z (and, as CLDR does, Latin before Cyrillic); each row only holds
    // the fields its member granted. Phone numbers are shown as people write them (stored as E.164).
    expect(rows).toEqual([
      ['Navn', 'E-mail', 'Telefon', 'By'],
      ['Bo Andersen', '', '', '=HYPERLINK("http://evil.example","klik")'],
      ['Uden Nøgle', '', '', ''],
      ['Zofia Łukasiewicz', m.zofia.email, '20 12 34 56', 'Odense C'],
      ['Åse Østergård', '', '20 12 34 56', ''],
      ['Анна Иванова', m.anna.email, '', ''],
    ]);
  });

  it('keeps withdrawn, paused and non-consenting members and ungranted fields out of both files and the manifest', async () => {
    const { files } = await openBundle(editionId, m.aase.id, m.aase.key!);
    const text = await pdfText(files.get('contact-list.pdf')!);
    const xlsxText = JSON.stringify((await readXlsx(files.get('contact-list.xlsx')!)).rows);
    const manifest = files.get('manifest.json')!.toString('utf8');
    for (const label of ['withdrawn', 'paused', 'unlisted']) {
      for (const haystack of [text, xlsxText, manifest]) {
        expect(haystack).not.toContain(m[label].name);
        expect(haystack).not.toContain(m[label].email);
      }
    }
    // Åse granted name and phone only; Bo name and city only.
    for (const haystack of [text, xlsxText, manifest]) {
      expect(haystack).not.toContain(m.aase.email);
      expect(haystack).not.toContain(m.bo.email);
    }
    expect(manifest).not.toContain('+4520123456');
  });

  it('writes every name, non-Latin ones too, and the recipient’s own watermark into the PDF and XLSX', async () => {
    const { bundle, files } = await openBundle(editionId, m.anna.id, m.anna.key!);
    const text = await pdfText(files.get('contact-list.pdf')!);
    for (const label of listed()) expect(text).toContain(m[label].name);
    expect(text).toContain(`Fortroligt, udleveret til Анна Иванова, ${bundle.id}, `);
    expect((await pdfInfo(files.get('contact-list.pdf')!)).Subject).toBe(bundle.id);
    const { sheet, workbook } = await readXlsx(files.get('contact-list.xlsx')!);
    expect(sheet.headerFooter.oddHeader).toContain(`Fortroligt, udleveret til Анна Иванова, ${bundle.id}, `);
    expect(workbook.subject).toBe(bundle.id);
  });

  it('does not let one member’s key open another member’s bundle', async () => {
    const { data } = await svc().bundles.encryptedFile(editionId, m.zofia.id);
    await expect(ageDecrypt(data, m.anna.key!.identityFile, keysDir)).rejects.toThrow();
  });

  it('builds the waiting bundle as soon as the member has a key', async () => {
    m.keyless.key = await withKey(m.keyless.id);
    await svc().distribution.drain();
    const { files } = await openBundle(editionId, m.keyless.id, m.keyless.key);
    expect(await pdfText(files.get('contact-list.pdf')!)).toContain('Fortroligt, udleveret til Uden Nøgle');
    expect((await svc().editions.show(CLI_ACTOR, editionId)).progress).toMatchObject({ ready: 5, waitingForKey: 0 });
  });

  it('sends to all active members when the list says so, but never to paused or withdrawn ones', async () => {
    const list = await createList(networkId, { recipientsRule: 'all_active', formats: ['pdf'] });
    const edition = await publishAndBuild(list.id);
    const recipients = (await svc().editions.bundleStatus(CLI_ACTOR, edition.id)).map((b) => b.memberId).sort();
    expect(recipients).toEqual([m.zofia.id, m.anna.id, m.aase.id, m.bo.id, m.withdrawn.id, m.keyless.id, m.unlisted.id].sort());
    const { files } = await openBundle(edition.id, m.unlisted.id, m.unlisted.key!);
    expect([...files.keys()].sort()).toEqual(['contact-list.pdf', 'manifest.json']);
  });
});

describe('recall, revocation and expiry', () => {
  it('shows the live editions that list a member who withdrew and replaces them in one action', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const stays = await insertMember(t.app, networkId, { name: 'Bliver Her' });
    const leaves = await insertMember(t.app, networkId, { name: 'Går Sin Vej' });
    await grantConsent(t.app, networkId, stays.id, ['name']);
    await grantConsent(t.app, networkId, leaves.id, ['name']);
    const stayKey = await withKey(stays.id);
    await withKey(leaves.id);
    const list = await createList(networkId);
    const first = await publishAndBuild(list.id);
    expect((await readdir(join(t.dataDir, 'bundles', first.id))).filter((f) => f.endsWith('.age'))).toHaveLength(2);
    await svc().consent.withdraw(CLI_ACTOR, networkId, leaves.id, { channel: 'phone' });
    const live = await svc().editions.liveEditionsListing(CLI_ACTOR, networkId, leaves.id);
    expect(live.map((e) => e.id)).toEqual([first.id]);

    const { corrected, revoked } = await t.app.get(CorrectEdition).correct(CLI_ACTOR, first.id);
    await svc().distribution.drain();
    expect(revoked.state).toBe('revoked');
    expect(revoked.progress).toMatchObject({ revoked: 2, ready: 0 });
    await expect(svc().bundles.encryptedFile(first.id, stays.id)).rejects.toMatchObject({ code: 'BUNDLE_NOT_READY' });
    const { files } = await openBundle(corrected.id, stays.id, stayKey);
    const text = await pdfText(files.get('contact-list.pdf')!);
    expect(text).toContain('Bliver Her');
    expect(text).not.toContain('Går Sin Vej');
    expect(await svc().editions.liveEditionsListing(CLI_ACTOR, networkId, leaves.id)).toEqual([]);
    const actions = (await t.dataSource.query(`SELECT action FROM audit_event WHERE network_id = $1 ORDER BY seq`, [networkId])).map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['edition.created', 'edition.published', 'edition.revoked', 'bundle.revoked']));
    expect(await readdir(join(t.dataDir, 'bundles', first.id))).toEqual([]);
  });

  it('keeps one live edition per recipient: a newer ready bundle retires the older ones, downloaded or not, with the file', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const reader = await insertMember(t.app, networkId, { name: 'Læser Altid' });
    const other = await insertMember(t.app, networkId, { name: 'Anden Person' });
    await grantConsent(t.app, networkId, reader.id, ['name']);
    await grantConsent(t.app, networkId, other.id, ['name']);
    await withKey(reader.id);
    await withKey(other.id);
    const list = await createList(networkId);
    const otherList = await createList(networkId);
    const first = await publishAndBuild(list.id);
    const elsewhere = await publishAndBuild(otherList.id);
    const readersFirst = (await svc().bundles.ofMember(reader.id)).find((b) => b.editionId === first.id)!;
    await svc().bundles.download(reader.id, readersFirst.bundleId, 'age');
    await grantConsent(t.app, networkId, other.id, ['name', 'email']);
    const second = await publishAndBuild(list.id);

    expect((await svc().editions.show(CLI_ACTOR, first.id)).progress).toMatchObject({ ready: 0, revoked: 2 });
    await expect(svc().bundles.download(reader.id, readersFirst.bundleId, 'age')).rejects.toMatchObject({ code: 'BUNDLE_NOT_FOUND' });
    await expect(svc().bundles.encryptedFile(first.id, other.id)).rejects.toMatchObject({ code: 'BUNDLE_NOT_READY' });
    expect(await readdir(join(t.dataDir, 'bundles', first.id))).toEqual([]);
    // The reader's portal shows one row per list: the newest edition, and the other list's own.
    expect((await svc().bundles.ofMember(reader.id)).map((b) => b.editionId).sort()).toEqual([second.id, elsewhere.id].sort());
    const events = await t.dataSource.query(
      `SELECT subject_id, detail FROM audit_event WHERE action = 'bundle.revoked' AND detail ->> 'editionId' = $1`,
      [first.id],
    );
    expect(events).toHaveLength(2);
    expect(events[0].detail).toMatchObject({ reason: 'superseded', supersededBy: second.id });
  });

  it('deletes expired bundles from storage and keeps their rows', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const member = await insertMember(t.app, networkId);
    await grantConsent(t.app, networkId, member.id, ['name']);
    await withKey(member.id);
    const edition = await publishAndBuild((await createList(networkId, { bundleLifetimeDays: 1 })).id);
    expect(await readdir(join(t.dataDir, 'bundles', edition.id))).toHaveLength(1);
    await t.dataSource.query(`UPDATE bundle SET expires_at = now() - interval '1 minute' WHERE edition_id = $1`, [edition.id]);
    expect(await svc().retire.expireDue()).toBe(1);
    const [row] = await svc().editions.bundleStatus(CLI_ACTOR, edition.id);
    expect(row.state).toBe('expired');
    await expect(svc().bundles.encryptedFile(edition.id, member.id)).rejects.toMatchObject({ code: 'BUNDLE_NOT_READY' });
    expect(await readdir(join(t.dataDir, 'bundles', edition.id))).toEqual([]);
  });
});

describe('a bundle that cannot be built', () => {
  it('is marked failed with a reason that names no data, retried later, and then built', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const member = await insertMember(t.app, networkId, { name: 'Fejl Prøve' });
    await grantConsent(t.app, networkId, member.id, ['name']);
    // A stored key that no longer parses (as a damaged row would): encryption must fail cleanly.
    await t.dataSource.query(
      `INSERT INTO member_recipient (id, member_id, kind, recipient, fingerprint, source, created_at) VALUES (gen_random_uuid(), $1, 'x25519', 'age1damaged', 'x', 'registered', now())`,
      [member.id],
    );
    const edition = await publishAndBuild((await createList(networkId)).id);
    expect(edition.state).toBe('building');
    expect(edition.progress).toMatchObject({ failed: 1, ready: 0 });
    const [status] = await svc().editions.bundleStatus(CLI_ACTOR, edition.id);
    expect(status).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.lastError).toBe('DomainError VALIDATION_FAILED');
    const [event] = await t.dataSource.query(`SELECT detail FROM audit_event WHERE action = 'bundle.failed' AND subject_id = $1`, [status.bundleId]);
    expect(event.detail).toMatchObject({ attempts: 1, reason: 'DomainError VALIDATION_FAILED', final: false });
    expect(JSON.stringify(event.detail)).not.toContain('Fejl');

    // Not retried before its back-off has passed; retried after, once the key is repaired.
    await svc().distribution.drain();
    expect((await svc().editions.bundleStatus(CLI_ACTOR, edition.id))[0].attempts).toBe(1);
    await t.dataSource.query(`UPDATE member_recipient SET revoked_at = now() WHERE member_id = $1`, [member.id]);
    const key = await withKey(member.id);
    await t.dataSource.query(`UPDATE bundle SET claimed_until = now() - interval '1 second' WHERE id = $1`, [status.bundleId]);
    await svc().distribution.drain();
    const after = await svc().editions.show(CLI_ACTOR, edition.id);
    expect(after.state).toBe('published');
    expect(after.progress).toMatchObject({ ready: 1, failed: 0 });
    const { files } = await openBundle(edition.id, member.id, key);
    expect(await pdfText(files.get('contact-list.pdf')!)).toContain('Fejl Prøve');
  });
});

describe('scheduled slots', () => {
  it('creates one edition per slot even when two instances fire it at the same moment', async () => {
    const second = await startTestApp({ DATABASE_URL: t.database.url });
    try {
      const networkId = (await insertNetwork(t.app)).id;
      await insertConsentText(t.app, networkId);
      const member = await insertMember(t.app, networkId);
      await grantConsent(t.app, networkId, member.id, ['name']);
      const list = await createList(networkId, { schedule: '0 7 * * *' });
      await t.dataSource.query(`UPDATE contact_list SET created_at = now() - interval '3 days' WHERE id = $1`, [list.id]);
      const now = new Date();
      const [a, b] = await Promise.all([svc().publishing.publishDueSlots(now), second.app.get(PublishEdition).publishDueSlots(now)]);
      const mine = [...a, ...b].filter((r) => r.listId === list.id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(new Set(mine.map((r) => r.result.edition.id)).size).toBe(1);
      const editions = await svc().editions.ofList(CLI_ACTOR, list.id);
      expect(editions).toHaveLength(1);
      expect(editions[0].slot).toBe(mine[0].slot.toISOString());
      // The same slot fired again later is still done.
      expect((await svc().publishing.publishDueSlots(now)).filter((r) => r.listId === list.id)).toEqual([]);
    } finally {
      await second.app.close();
    }
  });

  it('skips a slot when nothing changed, if the list asks for it', async () => {
    const networkId = (await insertNetwork(t.app)).id;
    await insertConsentText(t.app, networkId);
    const member = await insertMember(t.app, networkId);
    await grantConsent(t.app, networkId, member.id, ['name']);
    const list = await createList(networkId, { schedule: '0 7 * * *', skipUnchanged: true });
    await publishAndBuild(list.id);
    await t.dataSource.query(`UPDATE contact_list SET created_at = now() - interval '3 days' WHERE id = $1`, [list.id]);
    const [fired] = (await svc().publishing.publishDueSlots(new Date())).filter((r) => r.listId === list.id);
    expect(fired.result.skipped).toBe(true);
    // The skipped slot is remembered: the next tick does not take another snapshot for it.
    expect((await svc().publishing.publishDueSlots(new Date())).filter((r) => r.listId === list.id)).toEqual([]);
    expect(await svc().editions.ofList(CLI_ACTOR, list.id)).toHaveLength(1);
  });
});
