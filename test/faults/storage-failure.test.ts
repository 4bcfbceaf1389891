import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { makeReadOnly, mountFullDisk } from './support/folder-faults.js';
import {
  bundleCounts,
  editionState,
  expectWholeEdition,
  filesUnder,
  openWithAgeCli,
  publishThroughApi,
  seedWorld,
  serviceEnv,
  startService,
  until,
  type FaultWorld,
  type ServiceProcess,
} from './support/fault-world.js';

/**
 * The bundle folder fails under a running service: first it refuses new entries (read-only), then
 * the disk is full part-way through the writes, then it works again. The bundles' retry back-off is
 * 10 s, 20 s, 40 s ... so the three attempts take about 35 s of real time; nothing is faked.
 */
const MEMBERS = 12;
/** Less than any bundle: the first write on the full disk gets part of its bytes written. */
const LEFT_FREE = 6 * 1024;

let world: FaultWorld;
let service: ServiceProcess | undefined;
const undo: (() => Promise<void>)[] = [];

beforeAll(async () => {
  world = await seedWorld(MEMBERS);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  for (const step of undo.reverse()) await step().catch(() => undefined);
  await world?.close();
});

type Row = { id: string; state: string; attempts: number; last_error: string | null; claimed_until: Date | null; storage_key: string | null };

const rowsOf = (editionId: string): Promise<Row[]> =>
  world.t.dataSource.query(`SELECT id, state, attempts, last_error, claimed_until, storage_key FROM bundle WHERE edition_id = $1 ORDER BY id`, [editionId]);

/** Waits until every bundle failed its n-th attempt; answers the rows. */
const failedAttempt = (editionId: string, n: number) =>
  until(`every bundle to fail attempt ${n}`, 60_000, async () => {
    const rows = await rowsOf(editionId);
    const ready = rows.filter((r) => r.state === 'ready');
    if (ready.length) throw new Error(`${ready.length} bundle(s) marked ready while the folder failed: a half-written file became visible`);
    return rows.every((r) => r.state === 'failed' && r.attempts === n) ? rows : undefined;
  }, 100);

/** What a coordinator sees, and that nothing of the failed attempts is visible anywhere. */
async function expectFailedAndInvisible(editionId: string, rows: Row[], reason: RegExp, attempt: number) {
  for (const row of rows) {
    expect(row.last_error).toMatch(reason);
    expect(row.storage_key).toBeNull();
  }
  // The audit event of each failure: the attempt and the reason, and the next try 10 s * 2^(n-1) later.
  const events: { subject_id: string; at: Date; detail: { attempts: number; reason: string; final: boolean } }[] = await world.t.dataSource.query(
    `SELECT subject_id, at, detail FROM audit_event WHERE action = 'bundle.failed' AND detail->>'editionId' = $1 AND (detail->>'attempts')::int = $2`,
    [editionId, attempt],
  );
  expect(events).toHaveLength(rows.length);
  for (const event of events) {
    const row = rows.find((r) => r.id === event.subject_id)!;
    expect(event.detail).toMatchObject({ attempts: attempt, final: false });
    expect(event.detail.reason).toBe(row.last_error);
    expect(row.claimed_until!.getTime() - new Date(event.at).getTime()).toBeGreaterThan(10_000 * 2 ** (attempt - 1) - 1_000);
    expect(row.claimed_until!.getTime() - new Date(event.at).getTime()).toBeLessThan(10_000 * 2 ** (attempt - 1) + 1_000);
  }
  expect(await editionState(world, editionId)).toBe('building');
  const [{ notices }] = await world.t.dataSource.query(
    `SELECT count(*)::int AS notices FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
    [editionId],
  );
  expect(notices).toBe(0);
  const files = await filesUnder(join(world.t.dataDir, 'bundles'));
  expect(files.filter((f) => f !== 'filler.bin')).toEqual([]);
  // Through the API, as a coordinator sees it.
  const res = await fetch(`${service!.baseUrl}/api/v1/editions/${editionId}/bundles`, { headers: { Authorization: `Bearer ${world.coordinatorToken}` } });
  const statuses = (await res.json()) as { state: string; attempts: number; lastError: string }[];
  expect(statuses.map((s) => ({ state: s.state, attempts: s.attempts }))).toEqual(rows.map(() => ({ state: 'failed', attempts: attempt })));
  expect(statuses.every((s) => reason.test(s.lastError))).toBe(true);
}

describe('the bundle folder fails while the service builds an edition', () => {
  it('marks the bundles failed with the error code, retries them with back-off, shows nothing half-written, and builds them once the folder works', async () => {
    const bundlesDir = join(world.t.dataDir, 'bundles');
    const readOnly = await makeReadOnly(bundlesDir);
    undo.push(readOnly.undo);
    service = await startService(serviceEnv(world, { BUNDLE_LEASE_SECONDS: '5' }));
    const editionId = await publishThroughApi(service, world);

    // 1. A folder that refuses new entries: the edition's folder cannot be made.
    const first = await failedAttempt(editionId, 1);
    // 2. A full disk, with a little space left so the first file is cut off part-way (read-only
    //    again where mounting is not allowed).
    await readOnly.undo();
    const disk = await mountFullDisk(bundlesDir, LEFT_FREE);
    if (disk) undo.push(disk.unmount);
    else undo.push((await makeReadOnly(bundlesDir)).undo);
    await expectFailedAndInvisible(editionId, first, /^Error (EPERM|EACCES) during mkdir$/, 1);

    const second = await failedAttempt(editionId, 2);
    await expectFailedAndInvisible(editionId, second, disk ? /^Error ENOSPC during write$/ : /^Error/, 2);
    // 3. Space again: the next attempt builds every bundle, whole.
    if (disk) await disk.unfill();
    else await undo.pop()!();
    await until('the edition to be published', 60_000, async () => ((await editionState(world, editionId)) === 'published' ? true : undefined), 250);
    await service.stop();
    service = undefined;

    expect(await bundleCounts(world, editionId)).toEqual({ ready: MEMBERS });
    const { rows, problems } = await expectWholeEdition(world, editionId, MEMBERS);
    expect(problems).toEqual([]);
    expect(Math.min(...rows.map((r) => Number(r.size_bytes)))).toBeGreaterThan(LEFT_FREE);
    const [{ attempts }] = await world.t.dataSource.query(`SELECT max(attempts)::int AS attempts FROM bundle WHERE edition_id = $1`, [editionId]);
    expect(attempts).toBe(3);
    expect(await openWithAgeCli(world, rows[0].storage_key, rows[0].member_id)).toMatchObject({ editionId, bundleId: rows[0].id });
    const [{ notices }] = await world.t.dataSource.query(
      `SELECT count(*)::int AS notices FROM outbox_mail o JOIN bundle b ON b.id = o.bundle_id WHERE b.edition_id = $1`,
      [editionId],
    );
    expect(notices).toBe(MEMBERS);
    process.stdout.write(`storage-failure: read-only by ${readOnly.how}; full disk ${disk ? 'on a 4 MB tmpfs' : 'not available (no mount rights): second attempt read-only too'}\n`);
  });
});
