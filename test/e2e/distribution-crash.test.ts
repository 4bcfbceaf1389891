import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ACTOR } from '../../src/common/actor.js';
import { ConsentService } from '../../src/consent/consent.service.js';
import { ListsService } from '../../src/lists/lists.service.js';
import { MembersService } from '../../src/members/members.service.js';
import { RecipientsService } from '../../src/recipients/recipients.service.js';
import { insertConsentText, insertNetwork } from '../factories/factories.js';
import { ageDecrypt, ageKeygen, type AgeKey } from '../support/age-cli.js';
import { CLI_PATH } from '../support/run-cli.js';
import { startService } from '../support/service-process.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../support/test-app.js';
import { testSecretEnv } from '../support/test-secrets.js';
import { readBundleZip } from '../support/bundle-zip.js';

const MEMBERS = 400;
let t: TestApp;
let keysDir: string;
let key: AgeKey;
let networkSlug: string;

/** Seeds a network whose members all consent and hold a key, through the services. */
beforeAll(async () => {
  t = await startTestApp();
  keysDir = await mkdtemp(join(tmpdir(), 'lb-crash-'));
  key = await ageKeygen(keysDir, 'shared');
  const network = await insertNetwork(t.app);
  networkSlug = network.slug;
  await insertConsentText(t.app, network.id);
  const csv = ['Navn;E-mail', ...Array.from({ length: MEMBERS }, (_, i) => `Medlem ${i} Ærø;crash.${i}@example.org`)].join('\n');
  await t.app.get(MembersService).importFile(CLI_ACTOR, network.id, Buffer.from(csv), { dryRun: false });
  const ids: { id: string }[] = await t.dataSource.query(`SELECT member_id AS id FROM membership WHERE network_id = $1`, [network.id]);
  for (const { id } of ids) {
    await t.app.get(ConsentService).record(CLI_ACTOR, network.id, id, { fields: ['name', 'email'], consentTextVersion: 1, channel: 'paper' });
    await t.app.get(RecipientsService).add(CLI_ACTOR, id, key.recipient);
  }
  await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: 'kontaktliste', title: 'Kontaktliste', columns: ['name', 'email'] });
}, 180_000);

afterAll(async () => {
  await t.close();
  await rm(keysDir, { recursive: true, force: true });
});

const env = () => ({
  PATH: process.env.PATH ?? '',
  DATABASE_URL: t.database.url,
  DATA_DIR: t.dataDir,
  SESSION_SECRET: TEST_SESSION_SECRET,
  ...testSecretEnv(),
  LOG_LEVEL: 'warn',
  // A short lease, so the restarted worker takes over the dead one's claims quickly.
  BUNDLE_LEASE_SECONDS: '5',
});

const counts = async (editionId: string) => {
  const rows: { state: string; n: number }[] = await t.dataSource.query(`SELECT state, count(*)::int AS n FROM bundle WHERE edition_id = $1 GROUP BY state`, [editionId]);
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Record<string, number>;
};

describe('a worker killed mid-edition', () => {
  it('leaves, after a restart, exactly one good bundle per recipient and no temporary files', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'publish', '--network', networkSlug], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    // Kill it with SIGKILL once some, but not all, bundles are built.
    let editionId: string | undefined;
    for (let i = 0; i < 1500 && !editionId && child.exitCode === null; i++) {
      const [row] = await t.dataSource.query(`SELECT e.id FROM edition e JOIN bundle b ON b.edition_id = e.id AND b.state = 'ready' LIMIT 1`);
      editionId = row?.id;
      if (!editionId) await new Promise((r) => setTimeout(r, 10));
    }
    if (!editionId) throw new Error(`no bundle was built; the worker said: ${output}`);
    child.kill('SIGKILL');
    await exited;
    const atKill = await counts(editionId!);
    expect(atKill.ready ?? 0).toBeGreaterThan(0);
    expect(atKill.ready ?? 0).toBeLessThan(MEMBERS);
    const interrupted: { member_id: string }[] = await t.dataSource.query(`SELECT member_id FROM bundle WHERE edition_id = $1 AND state = 'building'`, [editionId]);

    // A half-written file of a dead process, as a kill during a write leaves it.
    const editionDir = join(t.dataDir, 'bundles', editionId!);
    await writeFile(join(editionDir, `00000000-0000-4000-8000-000000000000.age.tmp-999999-abcdef`), 'partial');

    const service = await startService(env());
    try {
      for (let i = 0; i < 600; i++) {
        const [edition] = await t.dataSource.query(`SELECT state FROM edition WHERE id = $1`, [editionId]);
        if (edition.state === 'published') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [edition] = await t.dataSource.query(`SELECT state FROM edition WHERE id = $1`, [editionId]);
      expect({ state: edition.state, output: edition.state === 'published' ? '' : service.output() }).toEqual({ state: 'published', output: '' });
    } finally {
      await service.stop();
    }

    expect(await counts(editionId!)).toEqual({ ready: MEMBERS });
    const [{ members, rows }] = await t.dataSource.query(`SELECT count(DISTINCT member_id)::int AS members, count(*)::int AS rows FROM bundle WHERE edition_id = $1`, [editionId]);
    expect({ members, rows }).toEqual({ members: MEMBERS, rows: MEMBERS });
    const files = await readdir(editionDir);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.age'))).toHaveLength(MEMBERS);

    // The bundles that were mid-build when the worker died open and are whole.
    const sample = [...interrupted.map((r) => r.member_id)].slice(0, 5);
    const keys: { id: string; member_id: string; storage_key: string }[] = await t.dataSource.query(
      `SELECT id, member_id, storage_key FROM bundle WHERE edition_id = $1 AND member_id = ANY($2::uuid[])`,
      [editionId, sample],
    );
    for (const bundle of keys) {
      const zip = readBundleZip(await ageDecrypt(await readFile(join(t.dataDir, 'bundles', bundle.storage_key)), key.identityFile, keysDir));
      const manifest = JSON.parse(zip.get('manifest.json')!.toString('utf8'));
      expect(manifest).toMatchObject({ editionId, bundleId: bundle.id, recipientId: bundle.member_id });
    }
    expect(output).not.toContain('crash.');
  });
});
