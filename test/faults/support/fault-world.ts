import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ACTOR } from '../../../src/common/actor.js';
import { readBundleZip } from '../../support/bundle-zip.js';
import { ConsentService } from '../../../src/consent/consent.service.js';
import { ListsService } from '../../../src/lists/lists.service.js';
import { MembersService } from '../../../src/members/members.service.js';
import { RecipientsService } from '../../../src/recipients/recipients.service.js';
import { insertConsentText, insertNetwork, insertStaff, unique } from '../../factories/factories.js';
import { ageDecrypt } from '../../support/age-cli.js';
import { runCli } from '../../support/run-cli.js';
import { startService, type ServiceProcess } from '../../support/service-process.js';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from '../../support/test-app.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32): the same seed gives the same kill points on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `probe` until it answers something other than undefined. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface FaultWorld {
  t: TestApp;
  networkId: string;
  listId: string;
  coordinatorToken: string;
  /** member id -> e-mail address */
  emails: Map<string, string>;
  /** member id -> the member's own age identity (AGE-SECRET-KEY-1...), kept by the test to open bundles */
  identities: Map<string, string>;
  keysDir: string;
  close(): Promise<void>;
}

/**
 * One network of `members` members who all consent to name and e-mail, each with an X25519 key of
 * their own (made in the test process and registered through RecipientsService), and one list.
 * Written through the services in the test process: the API would take minutes for 1,000 keys.
 */
export async function seedWorld(members: number, env: Record<string, string> = {}): Promise<FaultWorld> {
  const t = await startTestApp({ BASE_URL: 'http://listebud.example.org', ...env });
  const keysDir = await mkdtemp(join(tmpdir(), 'lb-faults-keys-'));
  const network = await insertNetwork(t.app);
  await insertConsentText(t.app, network.id);
  const coordinatorToken = (await insertStaff(t.app, 'coordinator', [network.id])).token;
  const run = unique();
  const csv = ['Navn;E-mail', ...Array.from({ length: members }, (_, i) => `Medlem ${i} Ærø;fault.${run}.${i}@example.org`)].join('\n');
  await t.app.get(MembersService).importFile(CLI_ACTOR, network.id, Buffer.from(csv), { dryRun: false });
  const rows: { id: string; email: string }[] = await t.dataSource.query(
    `SELECT m.id, m.email FROM member m JOIN membership s ON s.member_id = m.id WHERE s.network_id = $1 ORDER BY m.email`,
    [network.id],
  );
  if (rows.length !== members) throw new Error(`seeded ${rows.length} members, wanted ${members}`);
  const emails = new Map<string, string>();
  const identities = new Map<string, string>();
  for (const { id, email } of rows) {
    emails.set(id, email);
    await t.app.get(ConsentService).record(CLI_ACTOR, network.id, id, { fields: ['name', 'email'], consentTextVersion: 1, channel: 'paper' });
    const identity = await generateX25519Identity();
    identities.set(id, identity);
    await t.app.get(RecipientsService).add(CLI_ACTOR, id, await identityToRecipient(identity));
  }
  const listId = (await t.app.get(ListsService).create(CLI_ACTOR, network.id, { slug: 'kontaktliste', title: 'Kontaktliste', columns: ['name', 'email'] })).id;
  return {
    t,
    networkId: network.id,
    listId,
    coordinatorToken,
    emails,
    identities,
    keysDir,
    async close() {
      await t.close();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

/** What every service process of a test shares: the database, DATA_DIR, SESSION_SECRET. */
export function serviceEnv(world: FaultWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: world.t.database.url,
    DATA_DIR: world.t.dataDir,
    SESSION_SECRET: TEST_SESSION_SECRET,
    BASE_URL: 'http://listebud.example.org',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/**
 * Publishes the list now through the service's API, as a coordinator would; answers the edition id.
 * `force`: a run may publish a list whose content has not changed (EDITION_UNCHANGED otherwise).
 */
export async function publishThroughApi(service: ServiceProcess, world: FaultWorld): Promise<string> {
  const res = await fetch(`${service.baseUrl}/api/v1/lists/${world.listId}/editions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${world.coordinatorToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ force: true }),
  });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function bundleCounts(world: FaultWorld, editionId: string): Promise<Record<string, number>> {
  const rows: { state: string; n: number }[] = await world.t.dataSource.query(
    `SELECT state, count(*)::int AS n FROM bundle WHERE edition_id = $1 GROUP BY state ORDER BY state`,
    [editionId],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function editionState(world: FaultWorld, editionId: string): Promise<string> {
  const [row] = await world.t.dataSource.query(`SELECT state FROM edition WHERE id = $1`, [editionId]);
  return row.state as string;
}

/** Every file under a folder, as paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** The pino lines of a process's output (anything else, such as a crash trace, is skipped). */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/**
 * Checks what the recipients of an edition end up with on disk: one ready bundle row per recipient,
 * exactly one `.age` file per bundle (its recorded build) in the edition's folder and nothing else, no temporary file
 * anywhere under DATA_DIR/bundles, and every file whole (its size and SHA-256 are the ones recorded).
 * Answers the rows for further checks.
 */
export async function expectWholeEdition(world: FaultWorld, editionId: string, recipients: number) {
  const rows: { id: string; member_id: string; state: string; storage_key: string; sha256: string; size_bytes: string; claimed_by: string | null }[] =
    await world.t.dataSource.query(`SELECT id, member_id, state, storage_key, sha256, size_bytes, claimed_by FROM bundle WHERE edition_id = $1`, [editionId]);
  const problems: string[] = [];
  if (rows.length !== recipients) problems.push(`${rows.length} bundle rows, wanted ${recipients}`);
  if (new Set(rows.map((r) => r.member_id)).size !== rows.length) problems.push('a recipient has more than one bundle');
  const notReady = rows.filter((r) => r.state !== 'ready' || r.claimed_by !== null);
  if (notReady.length) problems.push(`${notReady.length} bundles not ready: ${JSON.stringify(notReady.slice(0, 3).map((r) => r.state))}`);
  const root = join(world.t.dataDir, 'bundles');
  const all = await filesUnder(root);
  const temporaries = all.filter((f) => f.includes('.tmp-'));
  if (temporaries.length) problems.push(`temporary files left: ${temporaries.slice(0, 3).join(', ')}`);
  const inEdition = all.filter((f) => f.startsWith(`${editionId}/`));
  const expected = rows.map((r) => r.storage_key).sort();
  if (JSON.stringify(inEdition) !== JSON.stringify(expected)) {
    problems.push(`files in the edition's folder differ from its bundles: ${inEdition.length} files, ${expected.length} bundles`);
  }
  for (const row of rows) {
    const data = await readFile(join(root, row.storage_key)).catch(() => undefined);
    if (!data) continue;
    if (data.length !== Number(row.size_bytes) || createHash('sha256').update(data).digest('hex') !== row.sha256) {
      problems.push(`bundle ${row.id}: the file is not the one recorded (${data.length} bytes, recorded ${row.size_bytes})`);
    }
  }
  return { rows, problems };
}

/** Opens a bundle with the real `age` CLI and the member's own identity; answers its manifest. */
export async function openWithAgeCli(world: FaultWorld, storageKey: string, memberId: string): Promise<Record<string, unknown>> {
  const identityFile = join(world.keysDir, `${memberId}.key`);
  await writeFile(identityFile, `${world.identities.get(memberId)}\n`, { mode: 0o600 });
  const plain = await ageDecrypt(await readFile(join(world.t.dataDir, 'bundles', storageKey)), identityFile, world.keysDir);
  const zip = readBundleZip(plain);
  for (const name of ['contact-list.xlsx', 'contact-list.pdf', 'manifest.json']) if (!zip.has(name)) throw new Error(`bundle lacks ${name}`);
  return JSON.parse(zip.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
}

/** `audit:verify` of the command line on the same database: the hash chain and checkpoints are intact. */
export async function auditVerify(world: FaultWorld): Promise<{ code: number | null; json: Record<string, unknown> | undefined; stderr: string }> {
  const { code, json, stderr } = await runCli(['audit:verify'], serviceEnv(world, { LOG_LEVEL: 'warn' }));
  return { code, json, stderr };
}

/**
 * A killed worker's outbox claims lapse after MAIL_LEASE_MS (5 minutes). With no service running,
 * every mail still 'sending' belongs to a dead worker: move its lease end to now, which is what
 * waiting five minutes would do, so the next instance takes the mails over at its next tick.
 */
export async function lapseDeadMailLeases(world: FaultWorld): Promise<number> {
  const [, n]: [unknown, number] = await world.t.dataSource.query(
    `UPDATE outbox_mail SET claimed_until = now() - interval '1 second', next_attempt_at = now() - interval '1 second' WHERE state = 'sending'`,
  );
  return n;
}

export { startService, type ServiceProcess };
